// `ssi ps [--json]`: every process of the cluster, from every node, with the node it runs on.
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Ssi.Actors.Errors;
using Ssi.Actors.Membership;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Service;
using Ssi.Host.Node;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Host.Cli.Commands.Processes;

public static class PsCommand
{
    private const int Page = 2000;

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "print JSON for scripts instead of a table" };
        var command = new Command("ps", """
            List every process of the cluster, whichever node runs it: PID, PPID, PGID, SID, user, state
            (R running, S sleeping, T stopped, Z zombie), node, CPU time and command. Each up node is asked for the
            processes it hosts, page by page, so the list is complete however large.

            Examples:
              ssi ps
              ssi ps --json
            """);
        command.Options.Add(json);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("ps", async token =>
        {
            await using var connection = SsiCommandLine.LauncherForRunningCluster().Connect();
            var processes = await ListAsync(connection, token);
            var users = await UserNamesAsync(connection, token);
            Console.Write(parse.GetValue(json) ? Json(processes, users) : Table(processes, users));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>Every process, asked of each node that is up (one node's failure is an error, not a silent gap).</summary>
    public static async Task<List<ProcessInfo>> ListAsync(ClusterConnection connection, CancellationToken ct)
    {
        var status = await connection.RequestAsync<ClusterStatus>(GetClusterStatus.Instance, ct: ct);
        var all = new List<ProcessInfo>();
        foreach (var node in status.View.Nodes.Where(n => n.State == NodeState.UP).Select(n => n.Node))
        {
            var after = 0;
            while (true)
            {
                var page = await connection.RequestAsync<ProcessPage>(new ProcessCall(new ProcessListQuery(after, Page)), node, ct: ct);
                all.AddRange(page.Processes);
                if (!page.More || page.Processes.Length == 0) break;
                after = page.Processes[^1].Pid;
            }
        }
        return [.. all.DistinctBy(p => p.Pid).OrderBy(p => p.Pid)];
    }

    private static async Task<Dictionary<int, string>> UserNamesAsync(ClusterConnection connection, CancellationToken ct)
    {
        var names = new Dictionary<int, string>();
        try
        {
            var data = await connection.RequestAsync<FsData>(new FileSystemCall(new FsRead(connection.Identity, "/etc/passwd", 0, 1 << 20)), ct: ct);
            foreach (var fields in Encoding.UTF8.GetString(data.Data).Split('\n').Select(l => l.Split(':')))
                if (fields.Length >= 3 && int.TryParse(fields[2], CultureInfo.InvariantCulture, out var uid)) names.TryAdd(uid, fields[0]);
        }
        catch (CliException e) when (e.Errno is Errno.ENOENT or Errno.EACCES)
        {
            // no passwd file: numeric user ids
        }
        return names;
    }

    private static string UserOf(Dictionary<int, string> users, int uid) => users.TryGetValue(uid, out var name) ? name : uid.ToString(CultureInfo.InvariantCulture);

    public static string Table(IReadOnlyList<ProcessInfo> processes, Dictionary<int, string> users)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine($"{"PID",8} {"PPID",8} {"PGID",8} {"SID",8} {"USER",-8} STAT {"NODE",4} {"TIME",8} CMD");
        foreach (var p in processes)
            w.WriteLine($"{p.Pid,8} {p.Ppid,8} {p.Pgid,8} {p.Sid,8} {UserOf(users, p.Uid),-8} {p.StateLetter,-4} {p.Node,4} {p.CpuTime:hh\\:mm\\:ss} {p.Command}");
        return w.ToString();
    }

    private static string Json(IReadOnlyList<ProcessInfo> processes, Dictionary<int, string> users) =>
        JsonSerializer.Serialize(processes.Select(p => new
        {
            pid = p.Pid, ppid = p.Ppid, pgid = p.Pgid, sid = p.Sid, uid = p.Uid, user = UserOf(users, p.Uid), gid = p.Gid,
            state = p.StateLetter.ToString(), node = p.Node, cpu_seconds = Math.Round(p.CpuTime.TotalSeconds, 3),
            started = p.StartTime, command = p.Command,
        }), new JsonSerializerOptions { WriteIndented = true }) + "\n";
}
