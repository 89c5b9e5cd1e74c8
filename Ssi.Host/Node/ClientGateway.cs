// Actor through which clients reach a node: it checks the client's token and answers or passes on its request.
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Membership;
using Ssi.Actors.Protocol;
using Ssi.Actors.Security;

namespace Ssi.Host.Node;

/// <summary>
/// One per node at <c>/user/ssi-gateway</c>, registered with the ClusterClient receptionist.
/// It owns no state; the node monitor owns membership. Every request is authenticated here, before anything else.
/// </summary>
public sealed class ClientGateway : ReceiveActor
{
    public const string Name = "ssi-gateway";
    public const string Path = "/user/" + Name;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ClusterSecret _secret;
    private readonly NodeNumber _self;
    private readonly IActorRef _monitor;
    private readonly IActorRef _fs;
    private readonly IActorRef _processes;
    private readonly DateTimeOffset _startedAt;
    private int _refusals;

    public ClientGateway(ClusterSecret secret, NodeNumber self, IActorRef monitor, IActorRef fs, IActorRef processes, DateTimeOffset startedAt)
    {
        _fs = fs;
        _processes = processes;
        _secret = secret;
        _self = self;
        _monitor = monitor;
        _startedAt = startedAt;
        Receive<ClientRequest>(Handle);
    }

    public static Props Props(ClusterSecret secret, NodeNumber self, IActorRef monitor, IActorRef fs, IActorRef processes, DateTimeOffset startedAt) =>
        Akka.Actor.Props.Create(() => new ClientGateway(secret, self, monitor, fs, processes, startedAt));

    private void Handle(ClientRequest request)
    {
        if (!_secret.Accepts(request.Token))
        {
            // Log the first refusals and then every hundredth, so a rogue client cannot flood the log.
            if (_refusals++ % 100 == 0) _log.Warning("refused a client without the cluster secret ({0} refusals)", _refusals);
            Sender.Tell(new AccessDenied("the client does not hold this cluster's secret"));
            return;
        }
        if (request.TargetNode is { } target && target != _self.Value)
        {
            Forward(request, target);
            return;
        }
        switch (request.Query)
        {
            case GetClusterStatus:
                var replyTo = Sender;
                _monitor.Ask<NodeTableView>(GetNodeTable.Instance, TimeSpan.FromSeconds(5))
                    .PipeTo(replyTo,
                        success: view => new ClusterStatus(view, Environment.ProcessId, _startedAt),
                        failure: ex => new Failed(Errno.ETIMEDOUT, "node monitor did not answer: " + ex.Message));
                break;
            case FileSystemCall call:
                _fs.Forward(call.Request); // the file-system service replies to the client directly
                break;
            case ProcessCall call:
                _processes.Forward(call.Request); // so does the process service
                break;
            default:
                Sender.Tell(new Failed(Errno.EINVAL, $"unknown request {request.Query.GetType().Name}"));
                break;
        }
    }

    /// <summary>Passes a request to the gateway of another node, which replies to the client directly.</summary>
    private void Forward(ClientRequest request, int target)
    {
        var member = Cluster.Get(Context.System).State.Members.FirstOrDefault(m =>
            m.Status == MemberStatus.Up && NodeNumber.TryFromRoles(m.Roles, out var n) && n.Value == target);
        if (member is null)
        {
            Sender.Tell(new Failed(Errno.EHOSTDOWN, $"node {target} is not up"));
            return;
        }
        Context.ActorSelection(new RootActorPath(member.Address) / "user" / Name).Tell(request, Sender);
    }
}
