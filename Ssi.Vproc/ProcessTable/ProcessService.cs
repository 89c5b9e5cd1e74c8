// A node's process service: creates processes on this node, fans group signals and listings out, serves the CLI.
using Ssi.Cfs.Pipes;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Cluster;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;
using Ssi.Vproc.Pids;

namespace Ssi.Vproc.ProcessTable;

/// <summary>
/// One per node at <c>/user/proc</c>; it owns the node's <see cref="PidAllocator"/> and the terminals of the clients
/// attached here, and no process state (entities own that). A process is always created by the service of the node
/// it is to run on, so its PID names that node and its shard lives there.
/// </summary>
public sealed partial class ProcessService : ReceiveActor, IWithTimers
{
    public ITimerScheduler Timers { get; set; } = null!;

    public const string Name = "proc";

    private readonly NodeNumber _node;
    private readonly PidAllocator _pids;
    private readonly IActorRef _index;
    private IActorRef? _region;
    private readonly VprocSettings _settings;
    private readonly TimeSpan _timeout;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef _lostSessions = ActorRefs.Nobody;
    private IActorRef _console = ActorRefs.Nobody;

    /// <summary>The terminals of this node's clients, by their pts number (the lowest free one is given, as Linux does).</summary>
    private readonly Dictionary<IActorRef, int> _pts = [];

    public ProcessService(NodeNumber node, PidAllocator pids, IActorRef index, VprocSettings settings, IActorRef fs, Programs.ProgramCatalog catalog)
    {
        _node = node;
        _pids = pids;
        _index = index;
        _settings = settings;
        _timeout = settings.CallTimeout;

        Receive<CreateProcess>(Create);
        Receive<LoadProgramAssembly>(l => Programs.ExecLoader.LoadAssemblyAsync(fs, catalog, l.Path, _timeout).PipeTo(Sender,
            success: loaded => loaded.IsOk ? new ProgramAssemblyLoaded(l.Path) : new Failed(loaded.Error!.Value, loaded.Detail ?? l.Path),
            failure: e => new Failed(Errno.ETIMEDOUT, $"{l.Path}: {e.Message}")));
        Receive<SignalLocalGroup>(g => _index.Forward(g));
        Receive<ListLocal>(l => _index.Forward(l));
        Receive<KillGroup>(k => KillEverywhere(k.Group, k.Signal, k.SenderUid, k.SenderPid).PipeTo(Sender));
        Receive<TerminalReply>(r => Region.Tell(new DeviceReply(r.Pid, r.Reply), ActorRefs.NoSender));
        Receive<MakePipe>(m => Sender.Tell(new PipeMade(Context.ActorOf(PipeActor.Props(Self, m.Holder)))));
        Receive<WhichAreGone>(w => AskSurvey(w.Pids, Sender));
        Receive<HostsAny>(h => _index.Forward(h));
        Receive<ProcessLostQuery>(q => AskSurvey([q.Pid], Sender));
        Receive<SurveyDue>(_ => RunSurvey());
        Receive<SignalProcessGroup>(s => _ = KillEverywhere(s.ProcessGroup, s.Signal, 0, Pid.Kernel)); // from a terminal: the kernel sends it
        Receive<ListCluster>(_ => ListEverywhere().PipeTo(Sender));
        Receive<RunProgram>(Run);
        Receive<KillRequest>(Kill);
        Receive<ProcessQuery>(q => Region.Forward(new GetProcessInfo(q.Pid)));
        Receive<MigrateRequest>(m => Region.Forward(new Migration.MigrateProcess(m.Pid, m.Node, m.Who.Uid)));
        Receive<PinRequest>(p => Region.Forward(new Migration.PinProcess(p.Pid, p.Pinned, p.Who.Uid)));
        Receive<Leveling.LoadLevelRequest>(r => Context.ActorSelection("/user/" + Leveling.LoadLeveler.Name).Tell(r, Sender));
        Receive<ProcessListQuery>(q => _index.Forward(new ListLocal(q.AfterPid, Math.Clamp(q.Limit, 1, _settings.ListPageSize))));
        Receive<ConsoleOf>(c => FindConsole(c.Node ?? _node).PipeTo(Sender));
        Receive<AttachConsole>(AttachConsole);
        Receive<ListConsoles>(_ => Sender.Tell(new ConsoleNodes([.. UpNodeNumbers(Context.System)])));
        Receive<LinkConsole>(l => Context.ActorOf(ConsoleLink.Props(l.Client, l.Found.Console, l.Found.Node, l.ReplyTo, _timeout)));
        Receive<Terminated>(t => _pts.Remove(t.ActorRef));
    }

    /// <summary>A terminal for a client, named /dev/pts/N with the lowest N free on this node.</summary>
    private IActorRef NewTerminal(IActorRef client, bool inputIsTerminal)
    {
        var number = 0;
        while (_pts.ContainsValue(number)) number++;
        var terminal = Context.ActorOf(TerminalDevice.Props(client, Self, inputIsTerminal, $"/dev/pts/{number}"));
        _pts[terminal] = number;
        Context.Watch(terminal);
        return terminal;
    }

    protected override void PreStart()
    {
        _lostSessions = Context.ActorOf(LostSessions.Props(), LostSessions.Name);
        _console = Context.ActorOf(ConsoleDevice.Props(_node, Self), ConsoleDevice.Name);
    }

    /// <summary>Node <paramref name="node"/>'s console: this node's at once, another's if that node is up (ENXIO if not).</summary>
    private Task<object> FindConsole(NodeNumber node)
    {
        if (node == _node) return Task.FromResult<object>(new ConsoleFound(node, _console));
        if (AddressOf(Context.System, node) is not { } address) return Task.FromResult<object>(new Failed(Errno.ENXIO, $"no node {node} is up"));
        return Context.System.ActorSelection(new RootActorPath(address) / "user" / Name / ConsoleDevice.Name).ResolveOne(_timeout)
            .ContinueWith(t => t.IsCompletedSuccessfully ? (object)new ConsoleFound(node, t.Result) : new Failed(Errno.ENXIO, $"node {node}'s console did not answer"),
                TaskScheduler.Default);
    }

    /// <summary>ssi console N: a link here stands for the client at node N's console (which talks to members only).</summary>
    private void AttachConsole(AttachConsole attach)
    {
        var replyTo = Sender;
        var self = Self;
        FindConsole(attach.Node).ContinueWith(t =>
        {
            if (t.Result is ConsoleFound found) self.Tell(new LinkConsole(attach.Client, found, replyTo));
            else replyTo.Tell(t.Result);
        }, TaskScheduler.Default);
    }

    private sealed record LinkConsole(IActorRef Client, ConsoleFound Found, IActorRef ReplyTo);

    public static Props Props(NodeNumber node, PidAllocator pids, IActorRef index, VprocSettings settings, IActorRef fs, Programs.ProgramCatalog catalog) =>
        Akka.Actor.Props.Create(() => new ProcessService(node, pids, index, settings, fs, catalog));

    /// <summary>The process region; started after this service (its entities need the service), so looked up on first use.</summary>
    private IActorRef Region => _region ??= Akka.Cluster.Sharding.ClusterSharding.Get(Context.System).ShardRegion(ProcessEntity.TypeName);

    /// <summary>Asks the process service of <paramref name="node"/>: EHOSTDOWN if that node is not up.</summary>
    public static Task<object> AskOn(ActorSystem system, IActorRef local, NodeNumber node, object message, TimeSpan timeout)
    {
        if (NodeNumber.TryFromRoles(Cluster.Get(system).SelfRoles, out var self) && self == node) return local.Ask<object>(message, timeout);
        return AddressOf(system, node) is { } address
            ? system.ActorSelection(new RootActorPath(address) / "user" / Name).Ask<object>(message, timeout)
            : Task.FromResult<object>(new Failed(Errno.EHOSTDOWN, $"node {node} is not up"));
    }

    /// <summary>
    /// Asks <paramref name="node"/> to create a process, and asks again with the same request (named by its
    /// <see cref="CreateProcess.Request"/>) while no answer came: a request that timed out may have made the process,
    /// and the node answers a repeat with the first one's answer, so there is one process or none, never two, and the
    /// caller learns which (found by `ssi chaos`: a fork across a partition failed, then its child's exit reached the
    /// parent). While the node is unreachable the caller waits; once the node has left the cluster, any process it made
    /// died with it. <paramref name="what"/> names the call in the failures ("the fork").
    /// </summary>
    /// <param name="unknownFor">How long an unknown answer is asked again before the call fails with <paramref name="giveUp"/>.</param>
    public static async Task<object> CreateOnceAsync(ActorSystem system, IActorRef service, NodeNumber node, CreateProcess request, TimeSpan timeout,
        TimeSpan unknownFor, string what, Errno giveUp = Errno.EAGAIN)
    {
        if (request.Request is null) throw new ArgumentException("a creation asked again must be named", nameof(request));
        var sent = false;
        var until = DateTime.UtcNow + unknownFor;
        while (true)
        {
            if (sent && !IsMember(system, node))
                return new Failed(giveUp, $"node {node} left the cluster during {what}; nothing of the process is left");
            // Bounded, so a caller is not held for ever. A process made meanwhile by a node that stayed a member but
            // unreachable all that time would still exist: rare, and left as it is.
            if (sent && DateTime.UtcNow > until)
                return new Failed(giveUp, $"node {node} did not answer {what} for {unknownFor.TotalSeconds:0} s");
            object reply;
            try
            {
                reply = await AskOn(system, service, node, request, timeout);
            }
            catch (AskTimeoutException)
            {
                sent = true;
                continue;
            }
            // Its spawn timed out, or (once asked) the node is unreachable now: the answer is unknown until the node
            // answers or is gone.
            if (reply is Failed { Errno: Errno.ETIMEDOUT } || sent && reply is Failed { Errno: Errno.EHOSTDOWN })
            {
                sent = true;
                await Task.Delay(timeout / 10);
                continue;
            }
            return reply;
        }
    }

    /// <summary>Whether <paramref name="node"/> is still a member (reachable or not), rather than downed or gone.</summary>
    public static bool IsMember(ActorSystem system, NodeNumber node) =>
        Cluster.Get(system).State.Members.Any(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining or MemberStatus.Leaving or MemberStatus.Exiting
            && NodeNumber.TryFromRoles(m.Roles, out var n) && n == node);

    private static Address? AddressOf(ActorSystem system, NodeNumber node) =>
        Cluster.Get(system).State.Members.FirstOrDefault(m => m.Status == MemberStatus.Up
            && !Cluster.Get(system).State.Unreachable.Contains(m)
            && NodeNumber.TryFromRoles(m.Roles, out var n) && n == node)?.Address;

    private static IEnumerable<NodeNumber> UpNodeNumbers(ActorSystem system)
    {
        var state = Cluster.Get(system).State;
        foreach (var member in state.Members)
            if (member.Status == MemberStatus.Up && !state.Unreachable.Contains(member) && NodeNumber.TryFromRoles(member.Roles, out var node)) yield return node;
    }

    private static IEnumerable<Address> UpNodes(ActorSystem system) =>
        Cluster.Get(system).State.Members.Where(m => m.Status == MemberStatus.Up && m.HasRole("ssi-node")).Select(m => m.Address);

    /// <summary>How long the answer to a named creation is kept for a repeat, and how many are kept at most.</summary>
    private static readonly TimeSpan CreationMemory = TimeSpan.FromMinutes(10);
    private const int CreationsKept = 100_000;

    private readonly Dictionary<Guid, (Task<object> Reply, Spawn? Spawn)> _creations = [];
    private readonly Queue<(Guid Request, DateTime At)> _creationOrder = new();

    private void Create(CreateProcess create)
    {
        if (create.Request is { } request)
        {
            while (_creationOrder.TryPeek(out var oldest) && (_creationOrder.Count > CreationsKept || DateTime.UtcNow - oldest.At > CreationMemory))
                _creations.Remove(_creationOrder.Dequeue().Request);
            if (_creations.TryGetValue(request, out var first))
            {
                // A repeat: the first one's answer, once it has one. If its spawn timed out, the process may exist
                // or not: the same PID is spawned again, and "exists" means it was made.
                if (first.Reply is { IsCompleted: true, Result: Failed { Errno: Errno.ETIMEDOUT } } && first.Spawn is { } again)
                {
                    var node = _node;
                    first = (SpawnAtHome(again).ContinueWith(t => Answer(t, again.Pid, node), TaskScheduler.Default), again);
                    _creations[request] = first;
                }
                first.Reply.PipeTo(Sender);
                return;
            }
        }
        var created = CreateNew(create);
        if (create.Request is { } named)
        {
            _creations[named] = created;
            _creationOrder.Enqueue((named, DateTime.UtcNow));
        }
        created.Reply.PipeTo(Sender);
    }

    private static object Answer(Task<object> spawned, Pid pid, NodeNumber node) => spawned.IsCompletedSuccessfully
        ? spawned.Result is Spawned or Failed { Errno: Errno.EEXIST } ? new ProcessCreated(pid, node) : spawned.Result
        : new Failed(Errno.ETIMEDOUT, $"process {pid} did not start in time: {spawned.Exception?.GetBaseException().Message}");

    private (Task<object> Reply, Spawn? Spawn) CreateNew(CreateProcess create)
    {
        if (_pids.Allocate() is not { } pid) return (Task.FromResult<object>(new Failed(Errno.EAGAIN, $"node {_node} has no free PID")), null);
        var t = create.Template;
        var state = t with
        {
            Pid = pid,
            Node = _node,
            Pgid = t.Pgid == default ? pid : t.Pgid,
            Sid = t.Sid == default ? pid : t.Sid,
            StartTime = DateTimeOffset.UtcNow,
        };
        var spawn = new Spawn(pid, state, create.Snapshot, create.ExecPath, create.ExecArgs, create.ExitWatcher);
        var node = _node;
        // Only a repeat of a named request may take EEXIST as made: a fresh PID that exists is a real refusal.
        return (SpawnAtHome(spawn).ContinueWith(t => t.IsCompletedSuccessfully && t.Result is Failed { Errno: Errno.EEXIST } ? t.Result : Answer(t, pid, node),
            TaskScheduler.Default), spawn);
    }

    /// <summary>
    /// Sends the spawn until the PID's shard is on this node: right after a node restarts, its shards may still be
    /// held by the node that stood in for it, and a process is never born away from its node (EAGAIN until they return).
    /// </summary>
    private async Task<object> SpawnAtHome(Spawn spawn)
    {
        var until = DateTime.UtcNow + _timeout;
        while (true)
        {
            var reply = await Region.Ask<object>(spawn, _timeout);
            if (reply is not Failed { Errno: Errno.EAGAIN } || DateTime.UtcNow > until) return reply;
            await Task.Delay(_settings.SpawnRetryBackoff); // back off while the coordinator moves the shard home
        }
    }

    /// <summary>A group (or everyone: null) on every node; the counts are summed.</summary>
    private async Task<GroupSignalled> KillEverywhere(Pid? group, int signal, int uid, Pid pid)
    {
        var system = Context.System;
        var asks = UpNodes(system).Select(a => system.ActorSelection(new RootActorPath(a) / "user" / Name)
            .Ask<object>(new SignalLocalGroup(group, signal, uid, pid), _timeout)
            .ContinueWith(t => t.IsCompletedSuccessfully && t.Result is GroupSignalled g ? g : new GroupSignalled(0, 0), TaskScheduler.Default));
        var all = await Task.WhenAll(asks);
        return new GroupSignalled(all.Sum(g => g.Delivered), all.Sum(g => g.Denied));
    }

    private async Task<ProcessList> ListEverywhere()
    {
        var system = Context.System;
        var pages = UpNodes(system).Select(async a =>
        {
            var service = system.ActorSelection(new RootActorPath(a) / "user" / Name);
            var found = new List<ProcessInfo>();
            var after = new Pid(0);
            while (true)
            {
                var page = await service.Ask<ProcessPage>(new ListLocal(after, _settings.ListPageSize), _timeout);
                found.AddRange(page.Processes);
                if (!page.More || page.Processes.Length == 0) return found;
                after = page.Processes[^1].Pid;
            }
        });
        var all = await Task.WhenAll(pages);
        return new ProcessList([.. all.SelectMany(p => p).OrderBy(p => p.Pid)]);
    }

    /// <summary>ssi run: a terminal here for the client, then the process on its node, as a session of its own.</summary>
    private void Run(RunProgram run)
    {
        var replyTo = Sender;
        var system = Context.System;
        var node = run.Node ?? _node;
        if (node != _node && AddressOf(system, node) is null)
        {
            replyTo.Tell(new Failed(Errno.EHOSTDOWN, $"node {node} is not up"));
            return;
        }
        var streams = run.Streams ?? HostStreams.AllTerminals;
        var terminal = NewTerminal(run.Client, streams.StdinIsTerminal);
        var lostSessions = _lostSessions;
        var path = run.Path.Contains('/') ? run.Path : "/bin/" + run.Path;
        var template = new ProcessState
        {
            Pid = default,
            Parent = Pid.Init,
            ParentNode = null,
            Pgid = default, // a session of its own: both become its PID
            Sid = default,
            Credentials = run.Who,
            Cwd = run.Cwd,
            Environment = run.Environment,
            Fds = FdTable.Empty
                .Set(Fd.Stdin, new Descriptor(new TerminalHandle(terminal, 1, streams.StdinIsTerminal)))
                .Set(Fd.Stdout, new Descriptor(new TerminalHandle(terminal, 1, streams.StdoutIsTerminal)))
                .Set(Fd.Stderr, new Descriptor(new TerminalHandle(terminal, 2, streams.StderrIsTerminal))),
            Node = node,
            StartTime = DateTimeOffset.UtcNow,
            Command = string.Join(' ', run.Args),
            Pinned = run.Pinned,
            // A session started from a host terminal has it as its controlling terminal; one started from pipes has none.
            ControllingTerminal = streams.StdinIsTerminal || streams.StdoutIsTerminal || streams.StderrIsTerminal ? terminal : null,
        };
        var create = new CreateProcess(template, null, path, run.Args, terminal) { Request = Guid.NewGuid() };
        CreateOnceAsync(system, Self, node, create, RunAttempt, RunUnknownFor, "the run", Errno.ETIMEDOUT).ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully && t.Result is ProcessCreated created)
            {
                terminal.Tell(new TerminalSetForeground(created.Pid));
                lostSessions.Tell(new LostSessions.Watch(created.Pid, terminal));
                return (object)new ProgramStarted(created.Pid, created.Node, terminal);
            }
            terminal.Tell(PoisonPill.Instance);
            return t.IsCompletedSuccessfully ? t.Result : new Failed(Errno.ETIMEDOUT, $"node {node} did not start the program in time");
        }, TaskScheduler.Default).PipeTo(replyTo);
    }

    /// <summary>
    /// A run's creation is asked again after this long without an answer: a repeat of the same request only waits for
    /// the first one's answer on the node, so a short attempt costs nothing when the node is merely slow.
    /// </summary>
    private static readonly TimeSpan RunAttempt = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a run's unknown answer is asked for before the run fails (ETIMEDOUT): within the client's own
    /// ssi.client.give-up-after (15 s), so the client hears whether its program started rather than giving up first.
    /// </summary>
    private static readonly TimeSpan RunUnknownFor = TimeSpan.FromSeconds(10);

    private void Kill(KillRequest kill)
    {
        if (kill.Signal != 0 && !Signal.IsValid(kill.Signal))
        {
            Sender.Tell(new Failed(Errno.EINVAL, $"{kill.Signal}: invalid signal specification"));
            return;
        }
        var replyTo = Sender;
        if (kill.Target > 0)
        {
            Region.Ask<object>(new SignalProcess(new Pid(kill.Target), kill.Signal, kill.Who.Uid, Pid.Kernel), _timeout).PipeTo(replyTo,
                success: r => r is SignalSent ? new KillDone(kill.Target, kill.Signal) : r,
                failure: e => new Failed(Errno.ETIMEDOUT, e.Message));
            return;
        }
        if (kill.Target == 0)
        {
            replyTo.Tell(new Failed(Errno.EINVAL, "0: a process group needs its number, as -PGID"));
            return;
        }
        KillEverywhere(kill.Target == -1 ? null : new Pid(-kill.Target), kill.Signal, kill.Who.Uid, Pid.Kernel).PipeTo(replyTo, success: g => g switch
        {
            { Delivered: > 0 } => new KillDone(kill.Target, kill.Signal),
            { Denied: > 0 } => new Failed(Errno.EPERM, $"{kill.Target}: Operation not permitted"),
            _ => new Failed(Errno.ESRCH, $"{kill.Target}: No such process"),
        });
    }
}
