// A PID's route driven by hand in tests: feeds inputs to ProcessRoute.Decide and keeps what it asked for.
using Ssi.Actors.Identity;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Routing;

namespace Ssi.Tests.Vproc.Routing;

internal sealed class RouteTrace(ProcessRoute route)
{
    /// <summary>Born on node 1: its route starts in node 1's shard.</summary>
    public static readonly Pid ThePid = new(1_000_042);

    public ProcessRoute Route { get; private set; } = route;

    private readonly List<RouteEffect> _effects = [];

    /// <summary>The entity of the PID in the origin's shard on node 1, at home.</summary>
    public static RouteTrace AtOrigin() => new(ProcessRoute.Unborn(ThePid, node: new NodeNumber(1), shardHome: new NodeNumber(1)));

    /// <summary>The entity of the PID in the origin's shard standing in on <paramref name="node"/> (node 1 is down).</summary>
    public static RouteTrace StandInOn(int node) => new(ProcessRoute.Unborn(ThePid, new NodeNumber(node), shardHome: new NodeNumber(1)));

    /// <summary>The entity of the PID in <paramref name="node"/>'s own shard (a place the process may go to).</summary>
    public static RouteTrace On(int node) => new(ProcessRoute.Unborn(ThePid, new NodeNumber(node), shardHome: new NodeNumber(node)));

    public RouteTrace Feed(RouteInput input)
    {
        var (next, effects) = ProcessRoute.Decide(Route, input);
        Route = next;
        _effects.AddRange(effects);
        return this;
    }

    public RouteTrace Got(IWithPid message, object? sender = null, bool relayed = false) =>
        Feed(new RouteInput.Received(message, sender, relayed));

    /// <summary>Born here, then left for <paramref name="node"/> as its <paramref name="hop"/>th move.</summary>
    public RouteTrace BornAndLeftFor(int node, long hop) => Feed(new RouteInput.Born()).Feed(new RouteInput.Left(new NodeNumber(node), hop)).Cleared();

    /// <summary>The effects asked for since the last call, in order.</summary>
    public List<RouteEffect> Take()
    {
        var taken = _effects.ToList();
        _effects.Clear();
        return taken;
    }

    public RouteTrace Cleared()
    {
        _effects.Clear();
        return this;
    }

    public static SignalProcess Signal(int number) => new(ThePid, number, 0, new Pid(0));

    public static Arrive Arrival(long hop) => new(ThePid, null!, [], null, false, null) { CallIds = hop };
}
