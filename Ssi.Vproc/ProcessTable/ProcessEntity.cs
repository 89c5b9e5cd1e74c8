// The entity of one process: it owns the process's state and runs its program, one system call at a time.
using Ssi.Cfs.Pipes;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Service;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessCore;
using Ssi.Actors.Identity;
using Ssi.Vproc.Programs;
using Ssi.Vproc.Routing;

namespace Ssi.Vproc.ProcessTable;

/// <summary>
/// Sharded by PID (type "vproc"). A thin shell: it holds <see cref="ProcessState"/> and the <see cref="ProgramImage"/>,
/// and carries out what the core decides (<see cref="ProcessCore.SystemCallCore"/>, <see cref="ProcessCore.SignalRules"/>,
/// <see cref="ProcessCore.Family"/>, <see cref="ProcessCore.MoveRules"/>) and what the route decides
/// (<see cref="Routing.ProcessRoute"/>). Calls that need another actor are awaited without blocking, so signals,
/// queries and kills are served while a call is in flight. Its behaviours (docs/processes.md):
/// <code>
///   Unborn (OnReceive) --Spawn--> Alive --exit, fatal signal, crash--> Zombie --Reap--> Gone
///     |   ^                        |  ^   run states in the core: Running &lt;-&gt; Sleeping (a call waits),
///     |   |          migrate, at a |  |   Stopped (stop signal) --SIGCONT--> Running or Sleeping
///     |   | ArrivalFailed boundary v  | refused, timed out
///     |   |                     Departing (Moving) --ReadyToArrive--> Forwarding (the route)
///     '--Arrive--> WaitingForHandoff (Arriving) --HandoffDone--> Alive
/// </code>
/// A message for a PID with no live process reaches an unborn entity, which answers ESRCH and goes away.
/// </summary>
public sealed partial class ProcessEntity : UntypedActor, IWithUnboundedStash
{
    public const string TypeName = "vproc";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly VprocNode _node;
    private readonly Pid _pid;
    private IActorRef? _region;
    private ProcessState _state = null!;
    private ProgramImage? _image;
    private IActorRef? _exitWatcher;

    public ProcessEntity(VprocNode node)
    {
        _node = node;
        _pid = new Pid((int)Actors.Sharding.GroupedShardExtractor.KeyOf(Self));
        _route = ProcessRoute.Unborn(_pid, node.Node, ShardHome);
    }

    public IStash Stash { get; set; } = null!;

    public static Props Props(VprocNode node) => Akka.Actor.Props.Create(() => new ProcessEntity(node));

    private IActorRef Region => _region ??= _node.Region(Context.System);

    private bool IsZombie => _state.State == RunState.Zombie;

    /// <summary>Stopped by a signal: it takes no step until SIGCONT (its run state is the core's, not a flag of the actor).</summary>
    private bool IsStopped => _state.State == RunState.Stopped;

    /// <summary>The shard's stop message for passivation.</summary>
    public sealed class Stop
    {
        public static readonly Stop Instance = new();
        private Stop() { }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Spawn spawn: Born(spawn); break;
            // Anything else for the PID is the route's: where it went, or ESRCH (docs/processes.md, "The route").
            case Stop: Route(new RouteInput.ShardStops()); break;
            case RelayedMessage relayed: Route(new RouteInput.Received(relayed.Message, Sender, Relayed: true)); break;
            case IWithPid m: Route(new RouteInput.Received(m, Sender)); break;
            default: Unhandled(message); break;
        }
    }

    private void Born(Spawn spawn)
    {
        if (spawn.State.Node != _node.Node)
        {
            // The shard is away from its node (standing in after a restart): the process must not be born here.
            Sender.Tell(new Failed(Errno.EAGAIN, $"the shard of {_pid} is not on node {spawn.State.Node} yet"));
            StopHere();
            return;
        }
        _state = spawn.State;
        _exitWatcher = spawn.ExitWatcher;
        try
        {
            _image = spawn.Snapshot is { } snapshot
                ? ProgramImage.Restore(snapshot)
                : ProgramImage.Start(new Launcher(spawn.ExecPath ?? "", spawn.ExecArgs), new ProcessContext(spawn.ExecArgs, _state.Environment));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.Warning("process {0} cannot resume its program: {1}", _pid, e);
            Sender.Tell(new Failed(Errno.ENOEXEC, $"cannot resume the program: {e.Message}"));
            StopHere();
            return;
        }
        Sender.Tell(new Spawned(_pid));
        // A forked child's pipe ends were counted as its parent's until now: they are the child's from here.
        if (spawn.Snapshot is not null)
            foreach (var descriptor in _state.Fds.Entries.Values)
                if (descriptor.Handle is PipeHandle pipe) pipe.Pipe.Tell(new PipeHandOver(pipe.End, _state.Parent, _pid));
        _node.Index.Tell(new LocalProcesses.Register(_state.Info, Self));
        Route(new RouteInput.Born());
        Context.Become(Alive);
        Run();
    }

    /// <summary>Who gets the reply to the message being handled (its sender, or the sender of a message relayed on arrival).</summary>
    private IActorRef _replyTo = ActorRefs.Nobody;

    private IActorRef ReplyTo => _replyTo;

    private void Alive(object message) => Handle(message, Sender);

    private void Handle(object message, IActorRef replyTo)
    {
        if (IsZombie)
        {
            AsZombie(message, replyTo); // it died while held messages were handed to it
            return;
        }
        _replyTo = replyTo;
        switch (message)
        {
            case CallInput input: Call(input); break; // the reply or the timer of the call in flight
            case Continue: if (_calls.Call is null && !IsStopped) Run(); break;
            case SignalProcess signal: Signalled(signal); break;
            case ChildExited exited: ChildHasExited(exited); break;
            case ChildStateChanged changed: ChildHasChanged(changed); break;
            case Reparent reparent: Reparented(reparent); break;
            case GetProcessInfo: ReplyTo.Tell(_state.Info); break;
            case SetProcessGroup set: SetGroupByParent(set); break;
            case NodeLost lost: NodeIsLost(lost.Node, lost.At); break;
            case Reap or ExitNoticeDue or ChildExitNoted or Failed: break; // for zombies only
            case DeviceReply reply: Handle(reply.Reply, replyTo); break;
            case TerminalData data: Call(new CallInput.TerminalData(data.CallId, data.Data)); break;
            case TerminalReadCancelled cancelled: Call(new CallInput.ReadCancelled(cancelled.CallId)); break;
            case TerminalBackground background: Call(new CallInput.Background(background.CallId)); break;
            case PipeWritten written: Call(new CallInput.PipeWritten(written.CallId, written.Count)); break;
            case PipeBroken broken: Call(new CallInput.PipeBroken(broken.CallId)); break;
            case PipeWouldBlock wouldBlock: Call(new CallInput.WouldBlock(wouldBlock.CallId)); break;
            case PipeOpened opened: Call(new CallInput.Replied(opened.CallId, opened)); break;
            case PipeOpenRefused refused: Call(new CallInput.Replied(refused.CallId, new Failed(refused.Errno, "no reader"))); break;
            case Spawn: ReplyTo.Tell(new Failed(Errno.EEXIST, $"process {_pid} exists")); break;
            case MigrateProcess migrate: StartMigration(migrate, ReplyTo); break;
            case PinProcess pin: Pin(pin); break;
            case Flush flush: Region.Tell(new FlushDone(_pid, flush.Hop), Self); break;
            case ChildMoved moved: ChildHasMoved(moved); break;
            case ParentMoved moved: _state = _state with { ParentNode = moved.Node }; break;
            case RelayedMessage relayed: Handle(relayed.Message, replyTo); break;
            case Relocated r: ReplyTo.Tell(new RelocationNoted(r.Pid, r.Hop)); break; // the process is here: nothing to route
            case RelocationDue: AnnounceRelocation(); break;
            case RelocationNoted noted: RelocationWasNoted(noted); break;
            case MovedTo or FlushDone or Retire or HandoffDone or AbortArrival: break; // the process is here
            case Arrive a: ReplyTo.Tell(new ArrivalRefused(_pid, a.State.Hop, new Failed(Errno.EEXIST, $"process {_pid} runs here already"))); break;
            case ReadyToArrive or ArrivalRefused: break; // answers to an offer given up on
            case Stop: Context.Stop(Self); break;
            default: Unhandled(message); break;
        }
    }

    /// <summary>Tells the index what ps should show now.</summary>
    private void Publish() => _node.Index.Tell(new LocalProcesses.Update(_state.Info));

    private sealed record ExitNoticeDue;

    private sealed record Continue
    {
        public static readonly Continue Instance = new();
    }

    /// <summary>The program every new process starts with: exec the given file, or report why not as a shell would.</summary>
    internal sealed class Launcher(string path, string[] args) : Program
    {
        public override IEnumerable<SystemCall> Main(ProcessContext p)
        {
            yield return new Exec(path, args);
            var error = p.Result.Error ?? Errno.EIO;
            yield return new Write(Fd.Stderr, Programs.Io.Bytes($"{path}: {error.Describe()}\n"));
            yield return new Exit(error switch
            {
                Errno.ENOENT or Errno.ENOTDIR => 127,
                _ => 126,
            });
        }
    }

    protected override void PostStop()
    {
        if (_state is not null) _node.Index.Tell(new LocalProcesses.Unregister(_pid));
        _callTimer?.Cancel();
    }
}
