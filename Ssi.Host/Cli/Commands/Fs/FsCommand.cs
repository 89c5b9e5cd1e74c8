// `ssi fs VERB`: file commands on the cluster's single root, run through a chosen node as a chosen user.
using System.CommandLine;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Service;
using Ssi.Host.Node;

namespace Ssi.Host.Cli.Commands.Fs;

public static class FsCommand
{
    /// <summary>Options every file verb takes.</summary>
    public sealed record Common(Option<int?> Node, Option<string> User, Option<bool> Json)
    {
        public void AddTo(Command command)
        {
            command.Options.Add(Node);
            command.Options.Add(User);
            command.Options.Add(Json);
        }
    }

    public static Command Create()
    {
        var common = new Common(
            NodeNumberOption.Option("run the call through this node (default: any contact node)"),
            new Option<string>("--user") { Description = UserOptionDescription },
            new Option<bool>("--json") { Description = "print JSON for scripts" });
        var command = new Command("fs", """
            File commands on the cluster's one root file system, the same from every node. Each runs through the node
            given with --node, as the user given with --user, with Unix permission checks in the cluster.

            Examples:
              ssi fs mkdir /data
              ssi fs put ./report.txt /data/report.txt --node 1
              ssi fs cat /data/report.txt --node 3
              ssi fs ls -l /home/ann --user ann
            """);
        foreach (var verb in FsVerbs.All(common)) command.Subcommands.Add(verb);
        return command;
    }

    /// <summary>What every --user option says.</summary>
    public const string UserOptionDescription =
        "act as this user, as sudo -u does: root, a name from the cluster's /etc/passwd, or a numeric uid (its gid is the same number); only a root credential may (default: the credential's user)";

    /// <summary>
    /// The caller's identity: the credential's user, or with --user (root's credential only) root, a numeric uid, or a
    /// name from the cluster's /etc/passwd (with its groups from /etc/group). An unknown name is refused, so nothing runs
    /// as nobody-in-particular. The gateway checks the same rule; this only fails earlier and more clearly.
    /// </summary>
    public static async Task<Credentials> CallerAsync(ClusterConnection connection, int? node, string? user, CancellationToken ct)
    {
        if (user is null || user == connection.UserName || user == connection.Identity.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture))
            return connection.Identity;
        if (!connection.Identity.IsRoot)
            throw new CliException(Errno.EPERM, $"only root may act as another user; this credential is {connection.UserName}'s");
        if (user == "root") return Credentials.Root;
        if (int.TryParse(user, out var uid) && uid >= 0) return Credentials.Of(uid, uid);
        return await LookUpAsync(connection, node, user, ct)
            ?? throw CliException.Usage($"unknown user '{user}' (not in the cluster's /etc/passwd)");
    }

    /// <summary>A user of the cluster's /etc/passwd with its groups from /etc/group, or null if there is none.</summary>
    public static async Task<Credentials?> LookUpAsync(ClusterConnection connection, int? node, string user, CancellationToken ct)
    {
        var passwd = await ReadTextAsync(connection, node, "/etc/passwd", ct);
        var entry = passwd?.Split('\n').Select(l => l.Split(':')).FirstOrDefault(f => f.Length >= 4 && f[0] == user);
        if (entry is null || !int.TryParse(entry[2], out var uid) || !int.TryParse(entry[3], out var gid)) return null;
        var group = await ReadTextAsync(connection, node, "/etc/group", ct) ?? "";
        var groups = group.Split('\n').Select(l => l.Split(':'))
            .Where(f => f.Length >= 4 && f[3].Split(',').Contains(user) && int.TryParse(f[2], out _))
            .Select(f => int.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return Credentials.Of(uid, gid, groups);
    }

    private static async Task<string?> ReadTextAsync(ClusterConnection connection, int? node, string path, CancellationToken ct)
    {
        try
        {
            var data = await connection.RequestAsync<FsData>(new FileSystemCall(new FsRead(connection.Identity, path, 0, 1 << 20)), node, ct: ct);
            return System.Text.Encoding.UTF8.GetString(data.Data);
        }
        catch (CliException e) when (e.Errno == Errno.ENOENT)
        {
            return null;
        }
    }

    /// <summary>Runs one call through the chosen node; a failure becomes "PATH: strerror (ERRNO)".</summary>
    public static async Task<T> CallAsync<T>(ClusterConnection connection, int? node, IFileSystemRequest request, string path, CancellationToken ct)
        where T : ISsiMessage
    {
        var changes = request is not (FsStat or FsReadDirectory or FsRead or FsReadLink or FsWrite or FsWhere);
        try
        {
            return await connection.RequestAsync<T>(new FileSystemCall(request), node, ct: ct, idempotent: !changes);
        }
        catch (CliException e) when (e.ExitCode == ExitCodes.Failure && e.Errno is not (Errno.ETIMEDOUT or Errno.EHOSTDOWN or Errno.EIO))
        {
            // A file-system errno is about the path, as coreutils word it.
            throw new CliException(e.Errno, $"{path}: {e.Errno.Describe()}");
        }
    }
}
