// The node side of the benchmarks: timed loops of moves and round trips, run inside a node so no client hop is timed.
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Remote.Transport;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Host.Bench;

/// <summary>
/// One per node at <c>/user/bench</c>; it owns no state. Reached only through the node's member gateway, with a
/// request the client gateway let through for root alone (<see cref="Node.CallerCheck"/>). Moves are asked of the
/// process region with <see cref="MigrateProcess.Trace"/> set, so each reply carries the timestamps of its steps.
/// </summary>
public sealed class BenchService : ReceiveActor
{
    public const string Name = "bench";

    private readonly TimeSpan _timeout;
    private readonly bool _faultInjection;
    private readonly HashSet<Address> _cut = [];
    private IActorRef? _region;

    /// <param name="timeout">How long one move or round trip may take (the process layer's call-timeout).</param>
    /// <param name="faultInjection">Whether root may cut this node's links (ssi.chaos.fault-injection).</param>
    public BenchService(TimeSpan timeout, bool faultInjection = false)
    {
        _timeout = timeout;
        _faultInjection = faultInjection;
        // Awaited in the actor's context: the set of cut links is its state.
        ReceiveAsync<SetLinks>(async s =>
        {
            var replyTo = Sender;
            replyTo.Tell(await SetLinksAsync(s));
        });
        Receive<PingNode>(p => PingAsync(p).PipeTo(Sender, failure: e => Unanswered("a round trip", e)));
        Receive<MeasureMigrations>(m => MeasureMigrationsAsync(m).PipeTo(Sender, failure: e => Unanswered("a move", e)));
        Receive<StreamTo>(s => StreamAsync(s).PipeTo(Sender, failure: e => Unanswered("a stream", e)));
        Receive<StreamChunk>(_ => Sender.Tell(StreamChunkTaken.Instance));
    }

    public static Props Props(TimeSpan timeout, bool faultInjection = false) => Akka.Actor.Props.Create(() => new BenchService(timeout, faultInjection));

    /// <summary>Blackholes (or lets through again) the links to other nodes, both ways, as a partition would.</summary>
    private async Task<object> SetLinksAsync(SetLinks request)
    {
        if (!_faultInjection)
            return new Failed(Errno.EPERM, "fault injection is off on this node (ssi.chaos.fault-injection)");
        var self = Cluster.Get(Context.System).SelfAddress;
        var targets = new List<Address>();
        foreach (var hostPort in request.HostPorts)
        {
            var colon = hostPort.LastIndexOf(':');
            if (colon < 1 || !int.TryParse(hostPort[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port))
                return new Failed(Errno.EINVAL, $"not a host:port: {hostPort}");
            targets.Add(new Address(self.Protocol, self.System, hostPort[..colon], port));
        }
        if (!request.Cut && targets.Count == 0) targets.AddRange(_cut);
        var transport = ((Akka.Remote.RemoteActorRefProvider)((ExtendedActorSystem)Context.System).Provider).Transport;
        ThrottleMode mode = request.Cut ? Blackhole.Instance : Unthrottled.Instance;
        var refused = 0;
        foreach (var target in targets)
        {
            // Each link on its own: one the transport refuses must not leave the others as they were.
            if (!await transport.ManagementCommand(new SetThrottle(target, ThrottleTransportAdapter.Direction.Both, mode)))
            {
                refused++;
                continue;
            }
            if (request.Cut) _cut.Add(target);
            else _cut.Remove(target);
        }
        return refused == targets.Count && refused > 0
            ? new Failed(Errno.EOPNOTSUPP, "this node's transport cannot cut links (akka.remote.dot-netty.tcp.applied-adapters = [trttl])")
            : new LinksSet(_cut.Count);
    }

    /// <summary>A measurement that broke off is a typed failure, never an exception sent back as the reply.</summary>
    private Failed Unanswered(string what, Exception e) => e is AskTimeoutException
        ? new Failed(Errno.ETIMEDOUT, $"{what} got no answer in {_timeout.TotalSeconds:0} s")
        : new Failed(Errno.EIO, $"{what} failed: {e.Message}");

    private IActorRef Region => _region ??= ClusterSharding.Get(Context.System).ShardRegion(ProcessEntity.TypeName);

    private async Task<object> MeasureMigrationsAsync(MeasureMigrations measure)
    {
        var region = Region;
        var times = new List<double>();
        var phases = new List<MovePhases>();
        var failures = 0;
        Failed? first = null;
        for (var i = 0; i < Math.Clamp(measure.Count, 1, 1_000_000); i++)
        {
            var target = i % 2 == 0 ? measure.NodeB : measure.NodeA;
            var asked = Stopwatch.GetTimestamp();
            object reply;
            try
            {
                reply = await region.Ask<object>(new MigrateProcess(measure.Pid, target, 0) { Trace = true }, _timeout);
            }
            catch (AskTimeoutException)
            {
                reply = new Failed(Errno.ETIMEDOUT, $"move {i + 1} (to node {target}) got no answer in {_timeout.TotalSeconds:0} s");
            }
            var replied = Stopwatch.GetTimestamp();
            if (reply is Migrated moved)
            {
                times.Add(Stopwatch.GetElapsedTime(asked, replied).TotalMicroseconds);
                // A move to the node the process is on does nothing and has no steps.
                if (moved.Trace is { } trace) phases.Add(MovePhases.From(asked, trace, replied));
            }
            else
            {
                failures++;
                first ??= reply as Failed ?? new Failed(Errno.EIO, $"move {i + 1} (to node {target}): unexpected reply {reply}");
            }
        }
        return new MigrationTimes([.. times], failures, first) { Phases = [.. phases] };
    }

    private async Task<object> StreamAsync(StreamTo stream)
    {
        var cluster = Cluster.Get(Context.System);
        var address = cluster.State.Members.FirstOrDefault(m => m.Status == MemberStatus.Up && NodeNumber.TryFromRoles(m.Roles, out var n) && n == stream.Node)?.Address;
        if (address is null) return new Failed(Errno.EHOSTDOWN, $"node {stream.Node} is not up");
        var target = await Context.System.ActorSelection(new RootActorPath(address) / "user" / Name).ResolveOne(_timeout);
        var chunk = new byte[Math.Clamp(stream.Chunk, 1, 1 << 20)];
        var count = (int)Math.Max(1, stream.Bytes / chunk.Length);
        var window = Math.Clamp(stream.Window, 1, 1024);
        var inFlight = new Queue<Task<StreamChunkTaken>>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            if (inFlight.Count == window) await inFlight.Dequeue();
            inFlight.Enqueue(target.Ask<StreamChunkTaken>(new StreamChunk(chunk), _timeout));
        }
        while (inFlight.Count > 0) await inFlight.Dequeue();
        return new StreamRate((double)count * chunk.Length / clock.Elapsed.TotalMicroseconds);
    }

    private async Task<object> PingAsync(PingNode ping)
    {
        var cluster = Cluster.Get(Context.System);
        var address = cluster.State.Members.FirstOrDefault(m => m.Status == MemberStatus.Up && !cluster.State.Unreachable.Contains(m)
            && NodeNumber.TryFromRoles(m.Roles, out var n) && n == ping.Node)?.Address;
        if (address is null) return new Failed(Errno.EHOSTDOWN, $"node {ping.Node} is not up");
        var target = Context.System.ActorSelection(new RootActorPath(address) / "user" / ProcessService.Name);
        var times = new List<double>();
        for (var i = 0; i < Math.Clamp(ping.Count, 1, 100_000); i++)
        {
            var clock = Stopwatch.StartNew();
            await target.Ask<ActorIdentity>(new Identify(i), _timeout);
            times.Add(clock.Elapsed.TotalMicroseconds);
        }
        return new PingTimes([.. times]);
    }
}
