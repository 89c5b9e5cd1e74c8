// `ssi loadlevel [on|off] [--node N] [--json]`: OpenSSI's loadlevel; shows each node's load and whether it levels.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ssi.Actors.Errors;
using Ssi.Vproc.Leveling;

namespace Ssi.Host.Cli.Commands.Processes;

public static class LoadLevelCommand
{
    public static Command Create()
    {
        var state = new Argument<string?>("on|off") { Description = "turn load leveling on or off (omit to show it)", Arity = ArgumentArity.ZeroOrOne };
        state.AcceptOnlyFromAmong("on", "off");
        var client = new ClientOptions(
            new NodeOption("only this node, which must be up (default: every node that is up)"),
            new UserOption("act as this user; only root may turn leveling on or off"),
            new JsonOption());
        var command = new Command("loadlevel", """
            Load leveling: a busy node sends runnable processes to nodes with leveling on that have fewer, until each is
            near the cluster's mean. A move needs a gap of at least 2 runnable processes (ssi.vproc.load-leveling.imbalance),
            and a process that has just moved stays put for a while, so nothing goes back and forth. Pinned processes
            (ssi pin, ssi run --pin) never move. A node with leveling off neither sends nor takes processes.
            Without on|off, shows every node: leveling, runnable processes (R), the load average over about 5 s, and the
            CPU (in cores) its processes used, averaged the same way. The setting lasts until the node restarts; a node
            starts with ssi.vproc.load-leveling.enabled (off by default).

            Examples:
              ssi loadlevel on
              ssi loadlevel off --node 2
              ssi loadlevel --node 2
              ssi loadlevel --json
            """);
        command.Arguments.Add(state);
        client.AddTo(command);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("loadlevel", async token =>
        {
            var n = client.NodeIn(parse);
            bool? enabled = parse.GetValue(state) switch { "on" => true, "off" => false, _ => null };
            await using var cluster = await client.ConnectAsync(parse, token);
            var table = await cluster.Processes.LoadLevelAsync(n ?? 0, enabled, ct: token);
            var rows = Rows(table, n);
            Console.Write(client.JsonIn(parse) ? Json(table.ObservedBy.Value, rows) : Table(table.ObservedBy.Value, rows));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>The rows to show: every node's, or only the one asked for, which must be up (the table holds the nodes that are).</summary>
    public static IReadOnlyList<NodeLoad> Rows(LoadTable table, int? node)
    {
        if (node is not { } n) return table.Nodes;
        var rows = table.Nodes.Where(r => r.Node.Value == n).ToList();
        return rows.Count > 0 ? rows : throw new CliException(Errno.EHOSTDOWN, $"node {n} is not up");
    }

    private static string Table(int observedBy, IReadOnlyList<NodeLoad> rows)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine($"{"NODE",-5} {"LEVELING",-8} {"RUNNABLE",8} {"LOAD",6} {"CPU",6}");
        foreach (var r in rows)
            w.WriteLine($"{r.Node,-5} {(r.Enabled ? "on" : "off"),-8} {r.Runnable,8} {Format(r.Load, r.AgeSeconds),6} {Format(r.Cpu, r.AgeSeconds),6}");
        w.WriteLine($"(as seen by node {observedBy})");
        return w.ToString();
    }

    /// <summary>A figure, or "-" for a node not heard from yet.</summary>
    public static string Format(double value, double age) => double.IsNaN(age) ? "-" : value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Json(int observedBy, IReadOnlyList<NodeLoad> rows) => JsonSerializer.Serialize(new
    {
        observedBy,
        nodes = rows.Select(r => new
        {
            node = r.Node,
            leveling = r.Enabled,
            runnable = r.Runnable,
            load = r.Load,
            cpu = r.Cpu,
            reportAgeSeconds = double.IsNaN(r.AgeSeconds) ? (double?)null : r.AgeSeconds,
        }),
    }, new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;
}
