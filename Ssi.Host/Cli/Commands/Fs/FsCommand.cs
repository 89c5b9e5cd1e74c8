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
            new Option<int?>("--node") { Description = "run the call through this node (default: any contact node)" },
            new Option<string>("--user") { Description = "run as this user: root or a numeric uid (its gid is the same number)", DefaultValueFactory = _ => "root" },
            new Option<bool>("--json") { Description = "print JSON for scripts" });
        var command = new Command("fs", """
            File commands on the cluster's one root file system, the same from every node. Each runs through the node
            given with --node, as the user given with --user, with Unix permission checks in the cluster.

            Examples:
              ssi fs mkdir /data
              ssi fs put ./report.txt /data/report.txt --node 1
              ssi fs cat /data/report.txt --node 3
              ssi fs ls -l /data --user 1000
            """);
        foreach (var verb in FsVerbs.All(common)) command.Subcommands.Add(verb);
        return command;
    }

    /// <summary>The caller's identity from --user. Names need the cluster's /etc/passwd, which does not exist yet.</summary>
    public static Credentials Caller(string user)
    {
        if (user == "root") return Credentials.Root;
        if (int.TryParse(user, out var uid) && uid >= 0) return Credentials.Of(uid, uid);
        throw CliException.Usage($"unknown user '{user}': give root or a numeric uid");
    }

    /// <summary>Runs one call through the chosen node; a failure becomes "PATH: strerror (ERRNO)".</summary>
    public static async Task<T> CallAsync<T>(ClusterConnection connection, int? node, IFileSystemRequest request, string path, CancellationToken ct)
        where T : ISsiMessage
    {
        var changes = request is not (FsStat or FsReadDirectory or FsRead or FsReadLink or FsWrite);
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
