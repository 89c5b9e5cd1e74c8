// Runs built-in programs on the real process core and the real cluster file system; the test plays the rest of the cluster.
using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Service;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;
using Ssi.Vproc.Programs.Builtin;
using ProcessId = Ssi.Actors.Identity.Pid;

namespace Ssi.Tests.Vproc.Programs;

/// <summary>What a run left: the wait status and everything written to stdout and stderr.</summary>
public sealed record RunResult(int Status, byte[] StdoutBytes, string Stderr)
{
    public string Stdout => Encoding.UTF8.GetString(StdoutBytes);

    public int ExitCode => WaitStatus.IfExited(Status) ? WaitStatus.ExitStatus(Status) : throw new InvalidOperationException($"killed by signal {WaitStatus.TermSig(Status)}");
}

/// <summary>
/// The process entity's loop without the actor: each process is stepped with <see cref="ProgramSteps"/>, each call
/// decided by <see cref="SystemCallCore"/>, and each decision carried out as the entity carries it out (its effects,
/// then the reply it waits for, through the core's <see cref="Then"/>). File calls go to the real file-system service
/// (<see cref="MachineFiles"/>); the standard streams are a <see cref="TestStreams"/> device, or a real file for a
/// stdout that is not a terminal; the rest of the cluster (other processes, nodes) is the test's, in
/// <see cref="Processes"/> and <see cref="DownNodes"/>. Fork runs the child to its end at once (the child runs first).
/// Between two calls the program is captured and restored, so every test also checks that a program keeps only plain
/// data across a call, as fork and migration need. What the machine cannot carry out throws, so a test fails loudly.
/// </summary>
public sealed partial class ProgramMachine
{
    private sealed class Process(ProcessState state, ProgramImage image)
    {
        public ProcessState State { get; set; } = state;
        public ProgramImage Image { get; set; } = image;
        public int Pid => State.Pid.Value;
        public bool Ended => State.State == RunState.Zombie;
    }

    private readonly ProgramCluster _cluster;
    private readonly MachineFiles _files;
    private readonly Dictionary<int, Process> _table = [];
    private readonly Dictionary<string, Func<Program>> _programs = new(Builtins.All);
    private int _nextPid;
    private long _callIds;

    public ProgramMachine(ProgramCluster cluster)
    {
        _cluster = cluster;
        _files = new MachineFiles(cluster);
    }

    public byte[] Stdin { get; set; } = [];
    /// <summary>stdin reads return one line at most, as from a terminal (it is a character device either way).</summary>
    public bool StdinIsTerminal { get; set; }
    /// <summary>stdin is a pipe on the client's host (no terminal: isatty false, ENOTTY), as with <c>echo | ssi run</c>.</summary>
    public bool StdinIsPipe { get; set; }
    /// <summary>stdout is the device (fstat: a character device) rather than a file of the file system.</summary>
    public bool StdoutIsTerminal { get; set; }
    /// <summary>Writes to stdout fail with EPIPE once this many bytes were written (a reader that went away); stdout is the device.</summary>
    public long? StdoutLimit { get; set; }
    /// <summary>stderr is a second descriptor of stdout's file (2&gt;&amp;1), so the two interleave in <see cref="RunResult.StdoutBytes"/>.</summary>
    public bool StderrToStdout { get; set; }
    public int Uid { get; set; } = 1000;
    public int Gid { get; set; } = 1000;
    /// <summary>The supplementary groups of the process's credentials.</summary>
    public int[] Groups { get; set; } = [];
    public int Umask { get; set; } = 0x12;
    public string Cwd { get; set; } = "/";
    public int Pid { get; set; } = 100;
    public int Node { get; set; } = 1;
    public ImmutableDictionary<string, string> Environment { get; set; } = ImmutableDictionary<string, string>.Empty;
    /// <summary>The other processes of the cluster, as the process layer would list them.</summary>
    public List<ProcessInfo> Processes { get; } = [];
    public HashSet<int> DownNodes { get; } = [];
    /// <summary>The signals delivered to processes of <see cref="Processes"/>: (pid, or -group, signal).</summary>
    public List<(int Pid, int Signal)> Kills { get; } = [];
    /// <summary>Every call made, with the PID and node of the process that made it.</summary>
    public List<(int Pid, int Node, SystemCall Call)> Calls { get; } = [];
    /// <summary>The programs that crashed in the last run (they ended as of SIGSEGV, as on the entity).</summary>
    public List<Exception> Crashes { get; } = [];
    public int StdinConsumed { get; private set; }
    /// <summary>The umask the process of the last run ended with.</summary>
    public int UmaskAtExit { get; private set; }
    public int MaxCalls { get; set; } = 100_000;

    // ---- the tree, as root through the real file system ----

    public InodeAttributes AddFile(string path, string content, int mode = 0x1A4, DateTimeOffset? mtime = null, int? uid = null) =>
        _files.AddFile(path, Encoding.UTF8.GetBytes(content), mode, mtime, uid ?? Uid, Gid);

    public InodeAttributes AddFile(string path, byte[] content, int mode = 0x1A4) => _files.AddFile(path, content, mode, null, Uid, Gid);

    public InodeAttributes AddDirectory(string path, int mode = 0x1ED, DateTimeOffset? mtime = null, int? uid = null) =>
        _files.AddDirectory(path, mode, mtime, uid ?? Uid, Gid);

    /// <summary>A FIFO or device node (root's unless <paramref name="uid"/> says otherwise).</summary>
    public InodeAttributes AddNode(string path, InodeType type, DeviceNumber device = default, int mode = 0x1B6, DateTimeOffset? mtime = null, int uid = 0) =>
        _files.AddNode(path, type, mode, device, mtime, uid, uid);

    public void AddSymlink(string path, string target) => _files.AddSymlink(path, target, Uid, Gid);

    /// <summary>An executable file for a program (#!ssi-program NAME, root's), as BinDirectory installs the built-ins.</summary>
    public void AddProgram(string path, Func<Program> program)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        _files.AddFile(path, ProgramCatalog.BuiltinFile(name), 0x1ED, null, 0, 0);
        _programs[name] = program;
    }

    public void Chmod(string path, int mode) => _files.Chmod(path, mode);

    public InodeAttributes? Find(string path, bool follow = true) => _files.Find(path, follow);

    public void AddHardLink(string path, string existing) => _files.AddHardLink(path, existing);

    public string? ReadLink(string path) => _files.ReadLink(path);

    public IReadOnlyList<FsEntry>? List(string path) => _files.List(path);

    public byte[]? ReadBytes(string path) => _files.ReadBytes(path);

    public bool Exists(string path) => Find(path) is not null;

    public string ReadFile(string path) => _files.ReadFile(path);

    // ---- running ----

    /// <summary>Runs a program as process <see cref="Pid"/>; output, stdin, calls and kills start afresh, the tree stays.</summary>
    public RunResult Run(Program program, params string[] argv)
    {
        (_nextPid, _callIds) = (Pid + 1, 0);
        _table.Clear();
        Calls.Clear();
        Kills.Clear();
        Crashes.Clear();
        var who = Credentials.Of(Uid, Gid, Groups);
        var streams = _cluster.System.ActorOf(TestStreams.Props(Stdin, StdinIsTerminal, StdoutLimit));
        try
        {
            string? stdoutFile = null;
            FileHandle stdout = new TerminalHandle(streams, 1);
            if (!StdoutIsTerminal && StdoutLimit is null)
            {
                stdoutFile = _files.StreamFile("stdout", who);
                stdout = new CfsHandle(_files.Expect<FsOpened>(new FsOpen(who, stdoutFile, OpenFlags.WriteOnly, 0)).OpenFile);
            }
            FileHandle stderr = new TerminalHandle(streams, 2);
            if (StderrToStdout)
            {
                if (stdout is not CfsHandle shared) throw new NotSupportedException("2>&1 needs a stdout that is a file");
                _files.Expect<FsReferences>(new FsRetainOpen(who, shared.OpenFile));
                stderr = stdout;
            }
            var fds = FdTable.Empty.Set(new Fd(0), new Descriptor(new TerminalHandle(streams, 0, IsTerminal: !StdinIsPipe)))
                .Set(new Fd(1), new Descriptor(stdout)).Set(new Fd(2), new Descriptor(stderr));
            var state = new ProcessState
            {
                Pid = new ProcessId(Pid), Parent = ProcessId.Init, ParentNode = new NodeNumber(Node), Pgid = new Pid(Pid), Sid = new Pid(Pid),
                Credentials = who, Cwd = Cwd, Umask = Umask, Environment = Environment, Fds = fds,
                Node = new NodeNumber(Node), StartTime = DateTimeOffset.UtcNow, Command = string.Join(' ', argv),
            };
            var process = new Process(state, ProgramImage.Start(program, new ProcessContext(argv, Environment)));
            _table[Pid] = process;
            var status = RunToEnd(process);
            UmaskAtExit = process.State.Umask;
            var seen = streams.Ask<TestStreams.Seen>(TestStreams.Query.Instance, ProgramCluster.CallTimeout).GetAwaiter().GetResult();
            StdinConsumed = seen.StdinConsumed;
            var output = stdoutFile is null ? seen.Stdout : _files.ReadReal(stdoutFile);
            if (stdoutFile is not null) _files.Expect<FsDone>(new FsUnlink(Credentials.Root, stdoutFile));
            return new RunResult(status, output, Encoding.UTF8.GetString(seen.Stderr));
        }
        finally
        {
            _cluster.System.Stop(streams);
        }
    }

    /// <summary>What the entity's Run does: step, decide, carry out, until the process ends.</summary>
    private int RunToEnd(Process process)
    {
        while (!process.Ended)
        {
            var (state, step) = ProgramSteps.Next(process.Image, process.State);
            process.State = state;
            switch (step)
            {
                case ProgramStep.Ended ended:
                    End(process, ended.Status);
                    break;
                case ProgramStep.Crashed crashed:
                    Crashes.Add(crashed.Error);
                    End(process, ProgramSteps.CrashStatus);
                    break;
                case ProgramStep.Stopped:
                    throw new NotSupportedException($"process {process.Pid} stopped, and nothing in the machine would continue it");
                case ProgramStep.Call call:
                    if (Calls.Count >= MaxCalls) throw new InvalidOperationException($"more than {MaxCalls} system calls");
                    Calls.Add((process.Pid, process.State.Node.Value, call.SystemCall));
                    var result = Carry(process, call.SystemCall, SystemCallCore.Decide(process.State, call.SystemCall, World(process)));
                    if (process.Ended) break;
                    if (result is not null) process.Image.Context.Result = result;
                    process.Image = ProgramImage.Restore(process.Image.Capture());
                    break;
            }
        }
        return process.State.ExitStatus!.Value;
    }

    private CallWorld World(Process process) =>
        new(process.State.Node, DateTimeOffset.UtcNow, () => Processes.Select(p => p.Node).Append(new NodeNumber(Node)).Distinct().Except(DownNodes.Select(n => new NodeNumber(n))).Order());

    /// <summary>The entity's Carry and Complete in one loop: the result, or null when the call ended or replaced the program.</summary>
    private SysResult? Carry(Process process, SystemCall call, CallDecision decision)
    {
        while (true)
        {
            process.State = decision.State;
            foreach (var effect in decision.Effects) Perform(process, effect);
            object reply;
            Then then;
            switch (decision.Waiting)
            {
                case null: return decision.Result;
                case AskFor ask: (reply, then) = (Ask(process, ask.To, ask.Request), ask.Then); break;
                case AskDevice ask: (reply, then) = (ask.Device.Ask<object>(ask.Request, ProgramCluster.CallTimeout).GetAwaiter().GetResult(), ask.Then); break;
                case LoadProgram load: (reply, then) = (Load(process, load), new OnExecLoaded(load.Environment)); break;
                case CreateChild create: (reply, then) = (Fork(process, create), new OnForked()); break;
                case ReadDevice read: return ReadFrom(process, read);
                case EndProcess end:
                    End(process, end.Status);
                    return null;
                default:
                    // Block, SleepFor, MoveSelf: nothing in the machine would end them (its children end before fork returns).
                    throw new NotSupportedException($"process {process.Pid}: {call} waits for {decision.Waiting}, which the machine does not carry out");
            }
            if (process.Ended) return null; // a signal ended it meanwhile; the entity drops such a late reply too
            decision = then.Complete(process.State, reply, World(process));
        }
    }

    private void Perform(Process process, Effect effect)
    {
        switch (effect)
        {
            // Waited for, so that the tree is settled when the next call or the test looks.
            case Send { To: Destination.FileSystem } send: _cluster.Ask(_files.Map((IFileSystemRequest)send.Message)); break;
            case Send { To: Destination.Processes, Message: Reap reap }: _table.Remove(reap.Pid.Value); break;
            case Send { To: Destination.Processes, Message: ChildStateChanged changed }:
                if (_table.TryGetValue(changed.Pid.Value, out var parent)) parent.State = Family.ChildStateChanged(parent.State, changed) ?? parent.State;
                break;
            case SendToDevice send: send.Device.Tell(send.Message, ActorRefs.NoSender); break;
            case PublishInfo: break; // the machine's table reads each process's state when asked
            case StartImage start:
                process.Image = ProgramImage.Start(start.Program, new ProcessContext(start.Args, process.State.Environment));
                break;
            default: throw new NotSupportedException($"process {process.Pid}: the machine does not perform {effect}");
        }
    }

    /// <summary>exec's loading, by the product's loader against the real file system.</summary>
    private object Load(Process process, LoadProgram load) =>
        ExecLoader.LoadAsync(_cluster.FileSystem, new ProgramCatalog(_programs.ToImmutableDictionary()), process.State.Credentials, _files.Map(load.Path),
                load.Given ?? load.Path, load.Args, path => _files.Map(process.State.Resolve(path)), ProgramCluster.CallTimeout)
            .GetAwaiter().GetResult();

    /// <summary>A terminal read, answered by the device as the entity's WaitForTerminal gets it.</summary>
    private SysResult ReadFrom(Process process, ReadDevice read)
    {
        var request = new TerminalRead(++_callIds, Math.Clamp(read.Call.Count, 0, FileCalls.MaxRead), new Pid(process.Pid));
        var data = read.Device.Device.Ask<TerminalData>(request, ProgramCluster.CallTimeout).GetAwaiter().GetResult();
        return SysResult.Ok(data.Data.Length) with { Data = data.Data };
    }

    /// <summary>The entity's Terminate: descriptions released, the parent told, a zombie left until it is reaped.</summary>
    private void End(Process process, int status)
    {
        if (process.Ended) return;
        foreach (var effect in process.State.Fds.Entries.Values.SelectMany(d => FileCalls.Release(process.State, d))) Perform(process, effect);
        foreach (var (child, record) in process.State.Children)
            if (record.Status is not null) _table.Remove(child.Value);
        process.State = process.State with
        {
            State = RunState.Zombie,
            ExitStatus = status,
            Fds = FdTable.Empty,
            Children = ImmutableDictionary<ProcessId, ChildRecord>.Empty,
        };
        if (_table.TryGetValue(process.State.Parent.Value, out var parent))
            parent.State = Family.ChildExited(parent.State, new Pid(process.Pid), status, process.State.Pgid) ?? parent.State;
    }
}
