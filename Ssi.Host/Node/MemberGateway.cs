// The member side of a node's gateway: serves requests a client gateway has already checked, or passes them on.
using Akka.Actor;
using Akka.Cluster;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Membership;
using Ssi.Actors.Protocol;

namespace Ssi.Host.Node;

/// <summary>
/// One per node at <c>/user/ssi-gateway</c> in the member actor system. It owns no state. Only members reach it: the
/// node's client gateway (in-process) and the member gateways of other nodes. It trusts what it receives, because the
/// client gateway authenticated the client and fixed who the request acts as.
/// </summary>
public sealed class MemberGateway : ReceiveActor
{
    public const string Name = "ssi-gateway";

    private readonly NodeNumber _self;
    private readonly IActorRef _monitor;
    private readonly IActorRef _fs;
    private readonly IActorRef _processes;
    private readonly IActorRef _bench;
    private readonly DateTimeOffset _startedAt;
    private readonly TimeSpan _statusTimeout;

    public MemberGateway(NodeNumber self, IActorRef monitor, IActorRef fs, IActorRef processes, IActorRef bench, DateTimeOffset startedAt,
        TimeSpan statusTimeout)
    {
        _self = self;
        _monitor = monitor;
        _fs = fs;
        _processes = processes;
        _bench = bench;
        _startedAt = startedAt;
        _statusTimeout = statusTimeout;
        Receive<GatewayRequest>(Handle);
    }

    public static Props Props(NodeNumber self, IActorRef monitor, IActorRef fs, IActorRef processes, IActorRef bench, DateTimeOffset startedAt,
        TimeSpan statusTimeout) =>
        Akka.Actor.Props.Create(() => new MemberGateway(self, monitor, fs, processes, bench, startedAt, statusTimeout));

    private void Handle(GatewayRequest request)
    {
        if (request.TargetNode is { } target && target != _self.Value)
        {
            Forward(request, target);
            return;
        }
        switch (request.Query)
        {
            case GetClusterStatus:
                var replyTo = Sender;
                _monitor.Ask<NodeTableView>(GetNodeTable.Instance, _statusTimeout)
                    .PipeTo(replyTo,
                        success: view => new ClusterStatus(view, Environment.ProcessId, _startedAt),
                        failure: ex => new Failed(Errno.ETIMEDOUT, "node monitor did not answer: " + ex.Message));
                break;
            case FileSystemCall call:
                _fs.Forward(call.Request); // the file-system service replies to the asker directly
                break;
            case ProcessCall call:
                _processes.Forward(call.Request); // so does the process service
                break;
            case BenchCall call:
                _bench.Forward(call.Request); // and the bench service
                break;
            default:
                Sender.Tell(new Failed(Errno.EINVAL, $"unknown request {request.Query.GetType().Name}"));
                break;
        }
    }

    /// <summary>Passes a request to the member gateway of another node, which replies to the asker directly.</summary>
    private void Forward(GatewayRequest request, int target)
    {
        var member = Cluster.Get(Context.System).State.Members.FirstOrDefault(m =>
            m.Status == MemberStatus.Up && NodeNumber.TryFromRoles(m.Roles, out var n) && n.Value == target);
        if (member is null)
        {
            Sender.Tell(new Failed(Errno.EHOSTDOWN, $"node {target} is not up"));
            return;
        }
        Context.ActorSelection(new RootActorPath(member.Address) / "user" / Name).Tell(request with { TargetNode = null }, Sender);
    }
}
