// `ssi cluster [--json] [--node N]`: every node with its number, address, state and uptime, as one node sees them.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ssi.Actors.Membership;
using Ssi.Actors.Configuration;
using Ssi.Host.Client;
using Ssi.Host.Launcher;
using Ssi.Host.Node;
using Ssi.Vproc.Leveling;

namespace Ssi.Host.Cli.Commands;

public static class ClusterCommand
{
    public static Command Create()
    {
        var client = new ClientOptions(new NodeOption("ask this node for its view (default: any contact node)"), Json: new JsonOption());
        var command = new Command("cluster", """
            List every node of the cluster: number, address, state (NEVERUP, COMINGUP, UP, GOINGDOWN, DOWN),
            reachability, uptime and load (runnable processes averaged over about 5 s; ssi loadlevel tells more), as
            the contact node (or --node N) sees them.

            Examples:
              ssi cluster
              ssi cluster --node 2 --json
            """);
        client.AddTo(command);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("cluster", async token =>
        {
            await using var cluster = await client.ConnectAsync(parse, token);
            var status = await cluster.StatusAsync(client.NodeIn(parse), ct: token);
            var loads = await LoadsAsync(cluster, client.NodeIn(parse), token);
            var rows = Rows(status, ClusterRunFile.Read(SsiHome.FromEnvironment()), DateTimeOffset.UtcNow, loads);
            Console.Write(client.JsonIn(parse) ? Json(status, rows) : Table(status, rows));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public sealed record Row(int Node, string Address, NodeState State, bool Reachable, double? UptimeSeconds, NodeLoad? Load = null);

    /// <summary>The nodes the answering node knows, plus nodes this launcher started that it has never seen (NEVERUP).</summary>
    public static IReadOnlyList<Row> Rows(ClusterStatus status, ClusterRunFile? run, DateTimeOffset now, LoadTable? loads = null)
    {
        NodeLoad? LoadOf(int node) => loads?.Nodes.FirstOrDefault(l => l.Node.Value == node && !double.IsNaN(l.AgeSeconds));
        var rows = status.View.Nodes
            .Select(i => new Row(i.Node.Value, i.Address, i.State, i.Reachable, i.UpSince is { } t ? Math.Round((now - t).TotalSeconds, 1) : null, LoadOf(i.Node.Value)))
            .ToList();
        if (run is not null)
            foreach (var n in run.Ports.Keys.Where(n => rows.All(r => r.Node != n)))
                rows.Add(new Row(n, run.Address(n), NodeState.NEVERUP, false, null));
        return rows.OrderBy(r => r.Node).ToList();
    }

    /// <summary>The loads the answering node has heard, or null if its process layer does not answer soon (the table says "-").</summary>
    private static async Task<LoadTable?> LoadsAsync(SsiClient cluster, int? node, CancellationToken ct)
    {
        try
        {
            return await cluster.Processes.LoadLevelAsync(through: node, giveUpAfter: TimeSpan.FromSeconds(5), ct: ct);
        }
        catch (ClientException)
        {
            return null; // the membership table is the answer; loads are a courtesy
        }
    }

    private static string Table(ClusterStatus status, IReadOnlyList<Row> rows)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        var addressWidth = Math.Max("ADDRESS".Length, rows.Select(r => r.Address.Length).DefaultIfEmpty(0).Max());
        w.WriteLine($"{"NODE",-5} {"ADDRESS".PadRight(addressWidth)} {"STATE",-9} {"REACHABLE",-9} {"UPTIME",-7} LOAD");
        foreach (var r in rows)
            w.WriteLine($"{r.Node,-5} {r.Address.PadRight(addressWidth)} {r.State,-9} {(r.Reachable ? "yes" : "no"),-9} {Uptime(r.UptimeSeconds),-7} {Load(r.Load)}");
        w.WriteLine($"(as seen by node {status.View.ObservedBy}, pid {status.ProcessId})");
        return w.ToString();
    }

    private static string Load(NodeLoad? load) =>
        load is null ? "-" : load.Load.ToString("0.00", CultureInfo.InvariantCulture) + (load.Enabled ? " (leveling)" : "");

    private static string Uptime(double? seconds) => seconds switch
    {
        null => "-",
        < 60 => $"{seconds:0.0}s",
        < 3600 => $"{(int)(seconds / 60)}m{(int)(seconds % 60):00}s",
        _ => $"{(int)(seconds / 3600)}h{(int)(seconds % 3600 / 60):00}m",
    };

    private static string Json(ClusterStatus status, IReadOnlyList<Row> rows)
    {
        var doc = new
        {
            observedBy = status.View.ObservedBy,
            unreachableEvents = status.View.UnreachableEvents,
            downEvents = status.View.DownEvents,
            nodes = rows.Select(r => new
            {
                node = r.Node,
                address = r.Address,
                state = r.State.ToString(),
                reachable = r.Reachable,
                uptimeSeconds = r.UptimeSeconds,
                load = r.Load?.Load,
                runnable = r.Load?.Runnable,
                cpu = r.Load?.Cpu,
                leveling = r.Load?.Enabled,
            }),
        };
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;
    }
}
