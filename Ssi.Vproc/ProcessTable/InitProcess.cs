// PID 1: the parent of every session started from outside and of every orphan; it reaps whatever reports to it.
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Vproc.Migration;

namespace Ssi.Vproc.ProcessTable;

/// <summary>
/// The entity of PID 1. It keeps no state: an exit notice is answered and the zombie reaped at once, so init can be
/// restarted on any node (its shard is re-homed by sharding when its node dies) without losing anything. It ignores
/// every signal, as Linux's init does for signals it has no handler for, and refuses them from users other than root.
/// It never moves (OpenSSI's init cannot): migrate and pin are refused with EINVAL, whoever asks.
/// </summary>
public sealed class InitProcess : ReceiveActor
{
    public const string CannotMove = "init cannot move";

    private readonly VprocNode _node;
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private IActorRef? _region;

    public InitProcess(VprocNode node)
    {
        _node = node;
        Receive<ChildExited>(exited =>
        {
            Sender.Tell(new ChildExitNoted(exited.Child));
            Region.Tell(new Reap(exited.Child), ActorRefs.NoSender);
        });
        Receive<SignalProcess>(s =>
            Sender.Tell(s.SenderUid == 0 ? new SignalSent(Pid.Init) : new Failed(Errno.EPERM, "init belongs to root")));
        Receive<GetProcessInfo>(_ => Sender.Tell(Info));
        Receive<SetProcessGroup>(_ => Sender.Tell(new Failed(Errno.ESRCH, "init is nobody's child")));
        Receive<Spawn>(_ => Sender.Tell(new Failed(Errno.EEXIST, "PID 1 is init")));
        Receive<MigrateProcess>(_ => Sender.Tell(new Failed(Errno.EINVAL, CannotMove)));
        Receive<PinProcess>(_ => Sender.Tell(new Failed(Errno.EINVAL, CannotMove)));
        Receive<Reparent>(_ => { });
        Receive<ChildStateChanged>(_ => { }); // init waits for no stopped child
        Receive<Reap>(_ => { });
        Receive<NodeLost>(_ => { });
        Receive<ProcessEntity.Stop>(_ => Context.Stop(Self));
    }

    public static Props Props(VprocNode node) => Akka.Actor.Props.Create(() => new InitProcess(node));

    private IActorRef Region => _region ??= _node.Region(Context.System);

    private ProcessInfo Info => new(Pid.Init, Pid.Kernel, Pid.Init, Pid.Init, 0, 0, RunState.Sleeping, _node.Node, "init", _started, TimeSpan.Zero);

    protected override void PreStart() => _node.Index.Tell(new LocalProcesses.Register(Info, Self));

    protected override void PostStop() => _node.Index.Tell(new LocalProcesses.Unregister(Pid.Init));
}
