// The shell's processes: subshells, background jobs, pipelines, waiting for them, and command substitution.
using System.Collections.Immutable;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;

namespace Ssi.Vproc.Programs.Shell;

public sealed partial class ShellInterpreter
{
    private IEnumerable<SystemCall> RunSubshell(Command body, bool tail)
    {
        if (tail && State.IsSubshell && !State.Traps.ContainsKey(0))
        {
            foreach (var call in Run(body, true)) yield return call;
            yield break;
        }
        var forked = new Box<bool>();
        foreach (var call in ForkChild(forked)) yield return call;
        if (!forked.Value) yield break;
        if (P.Result.Value == 0)
        {
            foreach (var call in EnterSubshell()) yield return call;
            foreach (var call in Run(body, true)) yield return call;
            foreach (var call in LeaveSubshell()) yield return call;
        }
        var pid = P.Result.Int;
        foreach (var call in WaitFor(pid)) yield return call;
        CheckErrExit();
    }

    /// <summary>
    /// In a child that is a subshell: traps other than ignored signals are reset, the signals an interactive shell
    /// takes for itself (SIGINT, SIGTERM, SIGTSTP...) get their defaults back, and jobs are not its own.
    /// </summary>
    private IEnumerable<SystemCall> EnterSubshell()
    {
        State.IsSubshell = true;
        foreach (var signal in State.Traps.Keys.ToList())
        {
            if (State.Traps[signal].Length == 0) continue;
            State.Traps.Remove(signal);
            if (signal != 0) yield return new SigAction(signal, Disposition.Default);
        }
        foreach (var signal in State.OwnSignals)
            if (!State.Traps.ContainsKey(signal)) yield return new SigAction(signal, Disposition.Default);
        State.OwnSignals.Clear();
        State.PendingSignals.Clear();
        State.Jobs.Clear();
        State.Monitor = false;
        State.Interactive = false;
    }

    /// <summary>The end of a subshell's child: its status, after its own EXIT trap and any abort message.</summary>
    private IEnumerable<SystemCall> LeaveSubshell()
    {
        foreach (var call in ReportAbort()) yield return call;
        foreach (var call in ExitShell(State.LastStatus)) yield return call;
    }

    private IEnumerable<SystemCall> RunBackground(Command body)
    {
        var forked = new Box<bool>();
        foreach (var call in ForkChild(forked)) yield return call;
        if (!forked.Value) yield break;
        if (P.Result.Value == 0)
        {
            var monitor = State.Monitor;
            foreach (var call in EnterSubshell()) yield return call;
            if (monitor) yield return new SetPgid(0, 0);
            else
            {
                yield return new SigAction(Signal.SIGINT, Disposition.Ignore);
                yield return new SigAction(Signal.SIGQUIT, Disposition.Ignore);
                yield return new Open("/dev/null");
                if (!Failed && P.Result.Int != 0)
                {
                    var fd = P.Result.Fd;
                    yield return new Dup2(fd, Io.Stdin);
                    yield return new Close(fd);
                }
            }
            foreach (var call in Run(body, true)) yield return call;
            foreach (var call in LeaveSubshell()) yield return call;
        }
        var pid = P.Result.Int;
        if (State.Monitor) yield return new SetPgid(pid, pid);
        State.LastBackground = pid;
        var job = new ShellJob { Number = NextJobNumber(), ProcessGroup = pid, Text = Describe(body), Pids = [pid] };
        State.Jobs.Add(job);
        if (State.Interactive) yield return Io.Err($"[{job.Number}] {pid}\n");
        State.LastStatus = 0;
    }

    /// <summary>Forks; when the fork fails, says so and sets status 2. After success, the fork's result is current.</summary>
    private IEnumerable<SystemCall> ForkChild(Box<bool> forked)
    {
        yield return new Fork();
        forked.Value = !Failed;
        if (forked.Value) yield break;
        yield return Message($"cannot fork: {P.Result.Error!.Value.Describe()}");
        State.LastStatus = 2;
    }

    private int NextJobNumber() => State.Jobs.Count == 0 ? 1 : State.Jobs.Max(j => j.Number) + 1;

    private IEnumerable<SystemCall> RunPipeline(Pipeline pipeline)
    {
        if (pipeline.Negated) State.ErrExitSuppressed++;
        if (pipeline.Stages.Length == 1)
        {
            foreach (var call in Run(pipeline.Stages[0], false)) yield return call;
        }
        else
        {
            var pids = new List<int>();
            var previous = -1;
            var group = 0;
            for (var i = 0; i < pipeline.Stages.Length; i++)
            {
                var last = i == pipeline.Stages.Length - 1;
                var read = -1;
                var write = -1;
                if (!last)
                {
                    yield return new Pipe();
                    if (Failed)
                    {
                        yield return Message($"pipe: {P.Result.Error!.Value.Describe()}");
                        State.LastStatus = 2;
                        break;
                    }
                    read = P.Result.PipeEnds.Read.Value;
                    write = P.Result.PipeEnds.Write.Value;
                }
                var forked = new Box<bool>();
                foreach (var call in ForkChild(forked)) yield return call;
                if (!forked.Value) break;
                if (P.Result.Value == 0)
                {
                    var monitor = State.Monitor;
                    foreach (var call in EnterSubshell()) yield return call;
                    if (monitor) yield return new SetPgid(0, group);
                    if (previous >= 0)
                    {
                        yield return new Dup2(new Fd(previous), Io.Stdin);
                        yield return new Close(new Fd(previous));
                    }
                    if (!last)
                    {
                        yield return new Close(new Fd(read));
                        yield return new Dup2(new Fd(write), Io.Stdout);
                        yield return new Close(new Fd(write));
                    }
                    foreach (var call in Run(pipeline.Stages[i], true)) yield return call;
                    foreach (var call in LeaveSubshell()) yield return call;
                }
                var pid = P.Result.Int;
                if (group == 0) group = pid;
                if (State.Monitor) yield return new SetPgid(pid, group);
                pids.Add(pid);
                if (previous >= 0) yield return new Close(new Fd(previous));
                if (!last)
                {
                    yield return new Close(new Fd(write));
                    previous = read;
                }
            }
            if (pids.Count > 0)
            {
                foreach (var call in WaitForJob(pids, group, Describe(pipeline))) yield return call;
            }
        }
        if (pipeline.Negated)
        {
            State.ErrExitSuppressed--;
            if (!Aborted) State.LastStatus = State.LastStatus == 0 ? 1 : 0;
        }
        else if (pipeline.Stages.Length > 1) CheckErrExit();
    }

    private IEnumerable<SystemCall> WaitFor(int pid)
    {
        foreach (var call in WaitForJob([pid], pid, null)) yield return call;
    }

    /// <summary>
    /// Waits for a foreground job's processes; $? is the last one's. With job control, the job owns the terminal
    /// meanwhile, and one stopped by Ctrl-Z becomes a stopped job.
    /// </summary>
    private IEnumerable<SystemCall> WaitForJob(List<int> pids, int group, string? text)
    {
        var statuses = new Dictionary<int, int>();
        var stopped = false;
        foreach (var call in ForegroundBegin(group)) yield return call;
        for (var i = 0; i < pids.Count; i++)
        {
            while (true)
            {
                yield return WaitCall(pids[i]);
                if (Failed)
                {
                    if (P.Result.Error == Errno.EINTR)
                    {
                        foreach (var call in RunTraps()) yield return call;
                        continue;
                    }
                    statuses[pids[i]] = WaitStatus.Exited(127);
                    break;
                }
                var status = P.Result.Status;
                if (IsStoppedStatus(status))
                {
                    stopped = true;
                    statuses[pids[i]] = status;
                    break;
                }
                statuses[pids[i]] = status;
                break;
            }
            if (stopped) break;
        }
        foreach (var call in ForegroundEnd()) yield return call;
        var lastStatus = statuses.TryGetValue(pids[^1], out var s) ? s : statuses.Values.Last();
        if (stopped)
        {
            var job = new ShellJob { Number = _resumedJobNumber > 0 ? _resumedJobNumber : NextJobNumber(), ProcessGroup = group, Text = text ?? "", Pids = pids, Stopped = true };
            foreach (var (pid, st) in statuses)
                if (!IsStoppedStatus(st)) job.Statuses[pid] = st;
            State.Jobs.Add(job);
            yield return Io.Err($"\n[{job.Number}]+  Stopped                 {job.Text}\n");
            State.LastStatus = 128 + ((lastStatus >> 8) & 0xFF);
            yield break;
        }
        State.LastStatus = WaitStatus.ShellCode(lastStatus);
        if (WaitStatus.IfSignaled(lastStatus) && State.Interactive && WaitStatus.TermSig(lastStatus) is not (Signal.SIGINT or Signal.SIGPIPE))
            yield return Io.Err(Signal.Describe(WaitStatus.TermSig(lastStatus)) + (WaitStatus.CoreDumped(lastStatus) ? " (core dumped)" : "") + "\n");
    }

    private static bool IsStoppedStatus(int status) => (status & 0xFF) == 0x7F;

    private static string Describe(Command command) => ShellText.Of(command);

    // ---- command substitution ----

    private IEnumerable<SystemCall> CommandSubstitution(string script, Box<string> output)
    {
        output.Value = "";
        Command? command;
        try
        {
            command = script.Trim().Length == 0 ? null : ShellParser.ParseAll(script);
        }
        catch (ShellSyntaxError e)
        {
            Abort($"Syntax error: {e.Message}", 2);
            yield break;
        }
        if (command is null)
        {
            _substitutionStatus = State.LastStatus = 0;
            yield break;
        }
        yield return new Pipe();
        if (Failed)
        {
            Abort($"pipe: {P.Result.Error!.Value.Describe()}", 2);
            yield break;
        }
        var (read, write) = P.Result.PipeEnds;
        yield return new Fork();
        if (Failed)
        {
            Abort($"cannot fork: {P.Result.Error!.Value.Describe()}", 2);
            yield break;
        }
        if (P.Result.Value == 0)
        {
            foreach (var call in EnterSubshell()) yield return call;
            yield return new Close(read);
            yield return new Dup2(write, Io.Stdout);
            yield return new Close(write);
            foreach (var call in Run(command, true)) yield return call;
            foreach (var call in LeaveSubshell()) yield return call;
        }
        var pid = P.Result.Int;
        yield return new Close(write);
        var chunks = new List<byte[]>();
        while (true)
        {
            yield return new Read(read, Io.Chunk);
            if (Failed)
            {
                if (P.Result.Error == Errno.EINTR) continue;
                break;
            }
            if (P.Result.Data.Length == 0) break;
            chunks.Add(P.Result.Data);
        }
        yield return new Close(read);
        foreach (var call in WaitFor(pid)) yield return call;
        _substitutionStatus = State.LastStatus;
        output.Value = Io.Text(Io.Concat(chunks)).TrimEnd('\n');
    }
}
