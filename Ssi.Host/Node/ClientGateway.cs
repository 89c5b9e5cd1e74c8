// The only actor a client can reach: it checks the client's credential and hands checked requests to the member side.
using Akka.Actor;
using Akka.Event;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Actors.Security;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Host.Node;

/// <summary>
/// One per node at <c>/user/gateway</c> of the node's client-facing actor system (<see cref="ClientFront"/>). Every
/// request is authenticated here: the credential must carry this cluster's signature, and the caller it acts as comes
/// from the credential (<see cref="CallerCheck"/>). A checked request goes to the node's <see cref="MemberGateway"/>
/// in-process, and the answer comes back here to be sent to the client, so nothing of the member system is ever
/// addressed by a client. <c>ssi run</c>'s terminal is reached through a <see cref="TerminalRelay"/> child.
/// </summary>
public sealed class ClientGateway : ReceiveActor
{
    public const string Name = "gateway";
    public const string Path = "/user/" + Name;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ClusterSecret _secret;
    private readonly IActorRef _member;
    private readonly TimeSpan _replyTimeout;
    private int _refusals;

    public ClientGateway(ClusterSecret secret, IActorRef member, TimeSpan replyTimeout)
    {
        _secret = secret;
        _member = member;
        _replyTimeout = replyTimeout;
        Receive<ClientRequest>(Handle);
    }

    public static Props Props(ClusterSecret secret, IActorRef member, TimeSpan replyTimeout) =>
        Akka.Actor.Props.Create(() => new ClientGateway(secret, member, replyTimeout));

    private void Handle(ClientRequest request)
    {
        if (request.Credential is not { } credential || !credential.IsSignedBy(_secret))
        {
            // Log the first refusals and then every hundredth, so a rogue client cannot flood the log.
            if (_refusals++ % 100 == 0)
                _log.Warning("refused a request from {0}: its credential is not signed by this cluster ({1} refusals)", Sender.Path.Address, _refusals);
            Sender.Tell(request.Credential is null
                ? new AccessDenied(AccessRefusal.NoCredential, "the request carries no credential")
                : new AccessDenied(AccessRefusal.NotIssuedByThisCluster, "the client's credential was not issued by this cluster"));
            return;
        }
        var refusal = request.Query is null ? new Failed(Errno.EINVAL, "empty request") : CallerCheck.Refusal(credential, request.Query);
        if (refusal is not null)
        {
            _log.Warning("refused {0} of {1} (uid {2}): {3}", request.Query?.GetType().Name, credential.User, credential.Uid, refusal.Detail);
            Sender.Tell(refusal);
            return;
        }
        if (request.Query is ProcessCall { Request: RunProgram run })
        {
            Run(run);
            return;
        }
        if (request.Query is ProcessCall { Request: AttachConsole attach })
        {
            Attach(attach);
            return;
        }
        _member.Ask<object>(new GatewayRequest(request.TargetNode, request.Query!), _replyTimeout)
            .PipeTo(Sender, failure: _ => new Failed(Errno.ETIMEDOUT, "the node did not answer in time"));
    }

    /// <summary>
    /// ssi run: the terminal device is made on this node for a relay, the client talks to the relay. The relay's
    /// name is random: only the client it was made for learns it.
    /// </summary>
    private void Run(RunProgram run)
    {
        var replyTo = Sender;
        var relay = Context.ActorOf(TerminalRelay.Props(run.Client), "tty-" + Guid.NewGuid().ToString("N"));
        _member.Ask<object>(new GatewayRequest(null, new ProcessCall(run with { Client = relay })), _replyTimeout)
            .ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully && t.Result is ProgramStarted started)
                {
                    relay.Tell(new TerminalRelay.Attach(started.Terminal));
                    return started with { Terminal = relay };
                }
                relay.Tell(PoisonPill.Instance);
                return t.IsCompletedSuccessfully ? t.Result : new Failed(Errno.ETIMEDOUT, "the node did not start the program in time");
            }, TaskScheduler.Default)
            .PipeTo(replyTo);
    }

    /// <summary>ssi console N: as for ssi run, the client talks to a relay here, which talks to the console's link.</summary>
    private void Attach(AttachConsole attach)
    {
        var replyTo = Sender;
        var relay = Context.ActorOf(TerminalRelay.Props(attach.Client), "console-" + Guid.NewGuid().ToString("N"));
        _member.Ask<object>(new GatewayRequest(null, new ProcessCall(attach with { Client = relay })), _replyTimeout)
            .ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully && t.Result is ConsoleOpened opened)
                {
                    relay.Tell(new TerminalRelay.Attach(opened.Console));
                    return opened with { Console = relay };
                }
                relay.Tell(PoisonPill.Instance);
                return t.IsCompletedSuccessfully ? t.Result : new Failed(Errno.ETIMEDOUT, $"node {attach.Node}'s console did not answer in time");
            }, TaskScheduler.Default)
            .PipeTo(replyTo);
    }
}
