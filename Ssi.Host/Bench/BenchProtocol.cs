// Messages of the benchmarks' node-side measurements (a node's /user/bench), asked through the gateway by root only.
using System.Collections.Immutable;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Vproc.Migration;

namespace Ssi.Host.Bench;

/// <summary>A measurement a benchmark asks of one node; it moves or probes processes regardless of their owners.</summary>
public interface IBenchRequest : ISsiMessage;

/// <summary>
/// <see cref="Count"/> plain Akka round trips (Identify) from the node that receives it to the process service of
/// <see cref="Node"/>, one at a time; the baseline of the process and migration benchmarks.
/// </summary>
public sealed record PingNode(NodeNumber Node, int Count) : IBenchRequest;

public sealed record PingTimes(ImmutableArray<double> Microseconds) : ISsiMessage;

/// <summary>
/// Moves <see cref="Pid"/> back and forth between two nodes <see cref="Count"/> times, one move at a time, from the
/// node that receives it, timing each (the first move goes to <see cref="NodeB"/>).
/// </summary>
public sealed record MeasureMigrations(Pid Pid, NodeNumber NodeA, NodeNumber NodeB, int Count) : IBenchRequest;

/// <param name="FirstFailure">The refusal of the first move that failed, if any did.</param>
public sealed record MigrationTimes(ImmutableArray<double> Microseconds, int Failures, Failed? FirstFailure) : ISsiMessage
{
    /// <summary>Where the time of each timed move went (one entry per move that went somewhere, in order).</summary>
    public ImmutableArray<MovePhases> Phases { get; init; } = [];
}

/// <summary>
/// One move in steps, in microseconds: the request reaching the process (through its origin when it is away); the
/// process reaching a system-call boundary (a terminal read is cancelled first); capturing its state; the state
/// reaching the target's entity (serialization, transport, shard routing); restoring it there; the target's answer
/// coming back; the reply reaching the asker.
/// </summary>
public sealed record MovePhases(double ToProcess, double ToBoundary, double Capture, double ToTarget, double Restore, double Confirm, double Reply)
{
    /// <summary>The steps of a move asked at <paramref name="asked"/> and answered at <paramref name="replied"/> (Stopwatch ticks).</summary>
    public static MovePhases From(long asked, MoveTrace trace, long replied)
    {
        static double Us(long from, long to) => (to - from) * 1_000_000.0 / System.Diagnostics.Stopwatch.Frequency;
        return new MovePhases(Us(asked, trace.Asked), Us(trace.Asked, trace.Leaving), Us(trace.Leaving, trace.Offered),
            Us(trace.Offered, trace.TargetGot), Us(trace.TargetGot, trace.TargetReady), Us(trace.TargetReady, trace.Confirmed),
            Us(trace.Confirmed, replied));
    }
}

/// <summary>
/// Sends <see cref="Bytes"/> to the bench service of <see cref="Node"/> in <see cref="Chunk"/>-byte messages, at most
/// <see cref="Window"/> unacknowledged, from the node that receives it: a bare Akka.Remote stream, the baseline of the
/// pipe benchmark. Answered with <see cref="StreamRate"/>.
/// </summary>
public sealed record StreamTo(NodeNumber Node, int Chunk, long Bytes, int Window) : IBenchRequest;

public sealed record StreamRate(double MegabytesPerSecond) : ISsiMessage;

/// <summary>One message of a <see cref="StreamTo"/>, acknowledged by the receiving node's bench service.</summary>
public sealed record StreamChunk(byte[] Data) : ISsiMessage;

public sealed record StreamChunkTaken : ISsiMessage
{
    public static readonly StreamChunkTaken Instance = new();
}

/// <summary>
/// Cuts (<see cref="Cut"/>) or mends the links of the node that receives it to the nodes listening on
/// <see cref="HostPorts"/> ("host:port"), both ways, with Akka.Remote's throttler adapter: the network partitions of
/// `ssi chaos`. Mending with no host:port mends every link cut before. Refused with EPERM unless the node runs with
/// ssi.chaos.fault-injection = on, and with EOPNOTSUPP without the trttl adapter.
/// </summary>
public sealed record SetLinks(ImmutableArray<string> HostPorts, bool Cut) : IBenchRequest;

/// <summary>How many links the node now has cut.</summary>
public sealed record LinksSet(int CutLinks) : ISsiMessage;
