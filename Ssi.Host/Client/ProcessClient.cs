// Typed requests to the cluster's process layer (run, kill, where, ps, migrate, pin, loadlevel), each with its failures worded.
using System.Collections.Immutable;
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Membership;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Pipes;
using Ssi.Host.Bench;
using Ssi.Host.Node;
using Ssi.Vproc.Leveling;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Host.Client;

/// <summary>
/// Every process request a client makes, as <paramref name="caller"/>. A failure about the process asked for is
/// worded "PID: ..."; where a caller goes on to the next target (kill, where) it is returned, not thrown.
/// </summary>
public sealed class ProcessClient(ClusterConnection connection, Credentials caller)
{
    private const int Page = 2000;

    /// <summary>
    /// Starts <paramref name="argv"/> on <paramref name="node"/> (0: the contact node) with its terminal's client
    /// <paramref name="terminal"/>, descriptors 0-2 being terminals as <paramref name="streams"/> says (default: all).
    /// Sent once: a repeat would start a second process.
    /// </summary>
    public async Task<ProgramStarted> RunAsync(int node, string[] argv, ImmutableDictionary<string, string> environment, string cwd,
        IActorRef terminal, bool pin = false, CancellationToken ct = default, HostStreams? streams = null)
    {
        var request = new RunProgram(caller, node == 0 ? null : new NodeNumber(node), argv[0], argv, environment, cwd, terminal, pin, streams);
        var started = await connection.TryRequestAsync<ProgramStarted>(new ProcessCall(request), ct: ct, idempotent: false);
        return NotStarted(started, node).OrThrow();
    }

    /// <summary>Attaches <paramref name="client"/> to node <paramref name="node"/>'s console; asked once (a repeat would find it busy).</summary>
    public async Task<ConsoleOpened> AttachConsoleAsync(int node, IActorRef client, CancellationToken ct = default)
    {
        var opened = await connection.TryRequestAsync<ConsoleOpened>(new ProcessCall(new AttachConsole(caller, new NodeNumber(node), client)), ct: ct, idempotent: false);
        return opened.About($"node {node}'s console", opened.Error == Errno.ENXIO ? $"no node {node} is up" : opened.Detail).OrThrow();
    }

    /// <summary>
    /// Sends a signal to a PID (or -PGID): once, since a repeat after a slow reply could find its target gone and say
    /// ESRCH. A target that is gone, not the caller's, or a bad signal comes back as a failed outcome.
    /// </summary>
    public async Task<Outcome<KillDone>> KillAsync(int target, int signal, TimeSpan? giveUpAfter = null, CancellationToken ct = default)
    {
        var done = await connection.TryRequestAsync<KillDone>(new ProcessCall(new KillRequest(caller, target, signal)), giveUpAfter: giveUpAfter, ct: ct, idempotent: false);
        return AboutTarget(done, target, strerror: true, Errno.ESRCH, Errno.EPERM, Errno.EINVAL);
    }

    /// <summary>A process as its node sees it (where it runs, its state); a PID nobody has is a failed outcome.</summary>
    public async Task<Outcome<ProcessInfo>> QueryAsync(Pid pid, CancellationToken ct = default)
    {
        var info = await connection.TryRequestAsync<ProcessInfo>(new ProcessCall(new ProcessQuery(pid)), ct: ct);
        return AboutTarget(info, pid.Value, strerror: true, Errno.ESRCH);
    }

    /// <summary>Whether process <paramref name="pid"/> died with a node (hosted by no node that is up); null if no node answered.</summary>
    public async Task<bool?> LostAsync(Pid pid, CancellationToken ct = default)
    {
        var gone = await connection.TryRequestAsync<ProcessesGone>(new ProcessCall(new ProcessLostQuery(pid)), ct: ct);
        return gone.IsOk ? gone.Value.Pids.Contains(pid) : null;
    }

    /// <summary>Every process, asked of each node that is up, page by page (one node's failure is an error, not a silent gap).</summary>
    public async Task<List<ProcessInfo>> ListAsync(CancellationToken ct = default)
    {
        var status = await connection.StatusAsync(ct: ct);
        var all = new List<ProcessInfo>();
        foreach (var node in status.View.Nodes.Where(n => n.State == NodeState.UP).Select(n => n.Node.Value))
            all.AddRange(await ListOnAsync(node, ct: ct));
        return [.. all.DistinctBy(p => p.Pid).OrderBy(p => p.Pid)];
    }

    /// <summary>The processes node <paramref name="node"/> itself hosts, as it lists them (no merging with other nodes).</summary>
    public async Task<List<ProcessInfo>> ListOnAsync(int node, TimeSpan? giveUpAfter = null, CancellationToken ct = default)
    {
        var all = new List<ProcessInfo>();
        var after = new Pid(0);
        while (true)
        {
            var page = await connection.RequestAsync<ProcessPage>(new ProcessCall(new ProcessListQuery(after, Page)), node, giveUpAfter, ct);
            all.AddRange(page.Processes);
            if (!page.More || page.Processes.Length == 0) return all;
            after = page.Processes[^1].Pid;
        }
    }

    /// <summary>Cuts or mends node <paramref name="node"/>'s links to the nodes on <paramref name="hostPorts"/> (ssi chaos); asked once.</summary>
    public Task<LinksSet> SetLinksAsync(int node, IEnumerable<string> hostPorts, bool cut, TimeSpan giveUpAfter, CancellationToken ct = default) =>
        connection.RequestAsync<LinksSet>(new BenchCall(new SetLinks([.. hostPorts], cut)), node, giveUpAfter, ct, idempotent: false);

    /// <summary>Moves a process to a node and returns the node it is on. Sent once: a move is a change.</summary>
    public async Task<NodeNumber> MigrateAsync(Pid pid, NodeNumber node, CancellationToken ct = default)
    {
        var moved = await connection.TryRequestAsync<Migrated>(new ProcessCall(new MigrateRequest(caller, pid, node)), ct: ct, idempotent: false);
        return AboutTarget(moved, pid.Value, strerror: false, Errno.ESRCH, Errno.EPERM, Errno.EHOSTDOWN, Errno.EBUSY, Errno.EINVAL).OrThrow().Node;
    }

    /// <summary>Pins a process to its node (or unpins it); asking twice does no harm.</summary>
    public async Task PinAsync(Pid pid, bool pinned, CancellationToken ct = default)
    {
        var set = await connection.TryRequestAsync<PinSet>(new ProcessCall(new PinRequest(caller, pid, pinned)), ct: ct);
        AboutTarget(set, pid.Value, strerror: false, Errno.ESRCH, Errno.EPERM, Errno.EINVAL).OrThrow();
    }

    /// <summary>
    /// Every node's load and leveling as <paramref name="through"/> (or the contact node) sees them, after turning
    /// leveling on or off (<paramref name="enabled"/>) on <paramref name="node"/> (0: every node).
    /// </summary>
    public Task<LoadTable> LoadLevelAsync(int node = 0, bool? enabled = null, int? through = null, TimeSpan? giveUpAfter = null, CancellationToken ct = default) =>
        connection.RequestAsync<LoadTable>(new ProcessCall(new LoadLevelRequest(caller, node == 0 ? null : new NodeNumber(node), enabled)), through, giveUpAfter, ct);

    /// <summary>Round trips from node <paramref name="from"/> to node <paramref name="to"/> (a benchmark's baseline); asked once.</summary>
    public Task<PingTimes> PingAsync(int from, int to, int count, TimeSpan giveUpAfter, CancellationToken ct = default) =>
        connection.RequestAsync<PingTimes>(new BenchCall(new PingNode(new NodeNumber(to), count)), from, giveUpAfter, ct, idempotent: false);

    /// <summary>A bare Akka.Remote stream of <paramref name="bytes"/> from node <paramref name="from"/> to node <paramref name="to"/>; asked once.</summary>
    public Task<StreamRate> StreamAsync(int from, int to, int chunk, long bytes, int window, TimeSpan giveUpAfter, CancellationToken ct = default) =>
        connection.RequestAsync<StreamRate>(new BenchCall(new StreamTo(new NodeNumber(to), chunk, bytes, window)), from, giveUpAfter, ct, idempotent: false);

    /// <summary>Moves a process back and forth between two nodes, timed, asked of node <paramref name="through"/>; asked once.</summary>
    public Task<MigrationTimes> MeasureMigrationsAsync(Pid pid, NodeNumber nodeA, NodeNumber nodeB, int count, int through, TimeSpan giveUpAfter, CancellationToken ct = default) =>
        connection.RequestAsync<MigrationTimes>(new BenchCall(new MeasureMigrations(pid, nodeA, nodeB, count)), through, giveUpAfter, ct, idempotent: false);

    /// <summary>
    /// A failure reply about the target (one of <paramref name="aboutTarget"/>) worded "TARGET: strerror" (kill,
    /// where, as ps tools say it) or "TARGET: the cluster's detail" (migrate, pin, whose details explain more); any
    /// other failure is not about the target alone and is thrown with the cluster's words.
    /// </summary>
    public static Outcome<T> AboutTarget<T>(Outcome<T> reply, int target, bool strerror, params Errno[] aboutTarget)
    {
        if (reply.IsOk) return reply;
        if (!aboutTarget.Contains(reply.Error!.Value)) return Outcome<T>.Ok(reply.OrThrow());
        return reply.About(target, strerror ? reply.Error.Value.Describe() : null);
    }

    /// <summary>A run refused because its node is down says so, and that nothing was started.</summary>
    public static Outcome<T> NotStarted<T>(Outcome<T> reply, int node) =>
        reply.Error == Errno.EHOSTDOWN ? reply.About($"node {node}", $"{reply.Detail}; nothing was started") : reply;
}
