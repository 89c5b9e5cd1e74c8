// Actor that turns Akka cluster events into OpenSSI node states, owns the NodeTable, and publishes every change.
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Ssi.Actors.Identity;

namespace Ssi.Actors.Membership;

/// <summary>
/// One per node, at <c>/user/node-monitor</c>. It alone owns this node's <see cref="NodeTable"/>.
/// Other modules subscribe to <see cref="NodeStateChanged"/> and <see cref="NodeReachabilityChanged"/> on the event stream.
/// </summary>
public sealed class NodeMonitor : ReceiveActor
{
    public const string Name = "node-monitor";

    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly NodeNumber _self;
    private NodeTable _table = NodeTable.Empty;

    public NodeMonitor(NodeNumber self)
    {
        _self = self;
        Receive<ClusterEvent.IMemberEvent>(e => Observe(e.Member, e.Member.Status));
        Receive<ClusterEvent.UnreachableMember>(e => Reachability(e.Member, reachable: false));
        Receive<ClusterEvent.ReachableMember>(e => Reachability(e.Member, reachable: true));
        Receive<GetNodeTable>(_ => Sender.Tell(new NodeTableView(_self, _table.ToInfos(), _table.UnreachableEvents, _table.DownEvents)));
    }

    public static Props Props(NodeNumber self) => Akka.Actor.Props.Create(() => new NodeMonitor(self));

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Observe(Member member, MemberStatus status)
    {
        if (!NodeNumber.TryFromRoles(member.Roles, out var node)) return;
        var (table, changed) = _table.Apply(new MemberObservation(node, member.UniqueAddress, status), DateTimeOffset.UtcNow);
        _table = table;
        if (changed is null) return;
        _log.Info("node {0} {1} -> {2} ({3})", changed.Node, changed.Previous, changed.Current, changed.Address);
        Context.System.EventStream.Publish(changed);
    }

    private void Reachability(Member member, bool reachable)
    {
        if (!NodeNumber.TryFromRoles(member.Roles, out var node)) return;
        var (table, changed) = _table.SetReachable(node, member.UniqueAddress, reachable);
        _table = table;
        if (changed is null) return;
        _log.Warning("node {0} is {1} ({2})", node, reachable ? "reachable again" : "unreachable", changed.Address);
        Context.System.EventStream.Publish(changed);
    }
}
