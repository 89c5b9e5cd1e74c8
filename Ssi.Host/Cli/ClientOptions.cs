// The options a command of the cluster may take, declared once: --user, --json and --node; and the one way commands connect.
using System.CommandLine;
using Ssi.Host.Client;

namespace Ssi.Host.Cli;

/// <summary><c>--user NAME</c>: whom the requests act as (root's credential only may name another user).</summary>
public sealed class UserOption : Option<string>
{
    /// <summary>What --user says unless a command says more precisely what the user may do.</summary>
    public const string ActAs =
        "act as this user, as sudo -u does: root, a name from the cluster's /etc/passwd, or a numeric uid (its gid is the same number); only a root credential may (default: the credential's user)";

    public UserOption(string description = ActAs) : base("--user") => Description = description;
}

/// <summary><c>--json</c>: output for scripts.</summary>
public sealed class JsonOption : Option<bool>
{
    public const string InsteadOfTable = "print JSON for scripts instead of a table";

    public JsonOption(string description = InsteadOfTable) : base("--json") => Description = description;
}

/// <summary>
/// The shared options a command opts in to (each null when it has none), added to it in one call, and the one place
/// a command connects: the launcher's contacts and credential (<see cref="ClusterConnector"/>), acting as --user.
/// </summary>
public sealed record ClientOptions(NodeOption? Node = null, UserOption? User = null, JsonOption? Json = null)
{
    public void AddTo(Command command)
    {
        if (Node is not null) command.Options.Add(Node);
        if (User is not null) command.Options.Add(User);
        if (Json is not null) command.Options.Add(Json);
    }

    public int? NodeIn(ParseResult parse) => Node is null ? null : parse.GetValue(Node);

    public string? UserIn(ParseResult parse) => User is null ? null : parse.GetValue(User);

    public bool JsonIn(ParseResult parse) => Json is not null && parse.GetValue(Json);

    /// <summary>
    /// A client of the cluster of $SSI_HOME (or of $SSI_CREDENTIAL's contacts) acting as --user, who is looked up
    /// through --node when <paramref name="lookUpThroughNode"/> (the file commands run everything through it).
    /// </summary>
    public Task<SsiClient> ConnectAsync(ParseResult parse, CancellationToken ct, bool lookUpThroughNode = false) =>
        SsiClient.ActingAsAsync(SsiCommandLine.LauncherForRunningCluster().Connect(), UserIn(parse), lookUpThroughNode ? NodeIn(parse) : null, ct);
}
