// `ssi ps [--json]`: every process of the cluster, from every node, with the node it runs on.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ssi.Host.Client;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Host.Cli.Commands.Processes;

public static class PsCommand
{
    public static Command Create()
    {
        var client = new ClientOptions(Json: new JsonOption());
        var command = new Command("ps", """
            List every process of the cluster, whichever node runs it: PID, PPID, PGID, SID, user, state
            (R running, S sleeping, T stopped, Z zombie), node, CPU time and command. Each up node is asked for the
            processes it hosts, page by page, so the list is complete however large.

            Examples:
              ssi ps
              ssi ps --json
            """);
        client.AddTo(command);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("ps", async token =>
        {
            await using var cluster = await client.ConnectAsync(parse, token);
            var processes = await cluster.Processes.ListAsync(token);
            var users = await Callers.NamesAsync(cluster.Files(), token);
            Console.Write(client.JsonIn(parse) ? Json(processes, users) : Table(processes, users));
            return ExitCodes.Ok;
        }, ct));
        return command;
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
