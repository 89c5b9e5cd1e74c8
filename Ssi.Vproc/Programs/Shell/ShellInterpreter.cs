// Runs parsed commands: lists, pipelines, compound commands, functions, and programs started with fork and exec.
using System.Collections.Immutable;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;

namespace Ssi.Vproc.Programs.Shell;

/// <summary>
/// The shell's executor. Every method that runs something is an iterator of system calls, so the shell in the middle
/// of a pipeline, a loop or a function is still plain data that fork copies and migration moves. A child made by fork
/// continues inside the same iterator chain and ends with exit, never returning into the parent's code.
/// </summary>
public sealed partial class ShellInterpreter
{
    public ShellInterpreter(ProcessContext p)
    {
        P = p;
    }

    public ProcessContext P { get; }
    public ShellState State { get; } = new();

    private bool Failed => P.Failed;

    /// <summary>An error that ends the current command line (an expansion error, a syntax error in eval...).</summary>
    public bool Aborted { get; private set; }

    private string? _abortMessage;
    private int _substitutionStatus = -1;

    /// <summary>The status of a command whose redirection failed: 2, as dash gives (bash gives 1).</summary>
    private const int RedirectionFailed = 2;

    private bool Stopped => Aborted || State.Flow != Flow.Normal;

    private void Abort(string message, int status)
    {
        Aborted = true;
        _abortMessage ??= message;
        State.LastStatus = status;
    }

    /// <summary>Writes the message of an abort once; the caller decides whether the shell goes on.</summary>
    public IEnumerable<SystemCall> ReportAbort()
    {
        if (_abortMessage is { } message)
        {
            _abortMessage = null;
            yield return Message(message);
        }
    }

    public void ClearAbort()
    {
        Aborted = false;
        _abortMessage = null;
    }

    private Write Message(string text) => Io.Err($"{State.ArgZero}: {text}\n");

    // ---- scripts ----

    /// <summary>
    /// Parses and runs <paramref name="source"/> one complete command at a time. <paramref name="execLast"/>: this is
    /// the whole work of the process (sh -c), so its last command may replace the shell instead of forking.
    /// </summary>
    public IEnumerable<SystemCall> RunScript(string source, bool execLast = false)
    {
        var position = 0;
        while (true)
        {
            var (command, next, error) = Parse(source, position);
            if (error is not null)
            {
                yield return Message($"Syntax error: {error}");
                State.LastStatus = 2;
                Aborted = true;
                yield break;
            }
            if (command is null) yield break;
            position = next;
            if (State.NoExec) continue;
            var last = execLast && !State.Traps.ContainsKey(0) && Parse(source, position) is (null, _, null);
            foreach (var call in Run(command, last)) yield return call;
            foreach (var call in AfterCommand()) yield return call;
            if (Stopped) yield break;
        }
    }

    private static (Command? Command, int Next, string? Error) Parse(string source, int position)
    {
        try
        {
            var (command, next) = ShellParser.ParseNext(source, position);
            return (command, next, null);
        }
        catch (ShellSyntaxError e)
        {
            return (null, position, e.Message);
        }
    }

    /// <summary>Between two commands: an abort's message, and the traps of signals that came.</summary>
    public IEnumerable<SystemCall> AfterCommand()
    {
        foreach (var call in ReportAbort()) yield return call;
        foreach (var call in RunTraps()) yield return call;
    }

    public IEnumerable<SystemCall> RunTraps()
    {
        while (State.PendingSignals.Count > 0 && !State.InTrap)
        {
            var signal = State.PendingSignals[0];
            State.PendingSignals.RemoveAt(0);
            if (!State.Traps.TryGetValue(signal, out var action) || action.Length == 0) continue;
            var status = State.LastStatus;
            State.InTrap = true;
            foreach (var call in RunScript(action)) yield return call;
            State.InTrap = false;
            if (State.Flow == Flow.Exit) yield break;
            State.LastStatus = status;
        }
    }

    /// <summary>exit: the EXIT trap, then the end of the process.</summary>
    public IEnumerable<SystemCall> ExitShell(int status)
    {
        State.LastStatus = status;
        if (State.Traps.Remove(0, out var action) && action.Length > 0)
        {
            State.Flow = Flow.Normal;
            ClearAbort();
            foreach (var call in RunScript(action)) yield return call;
            foreach (var call in ReportAbort()) yield return call;
            if (State.Flow != Flow.Exit) State.LastStatus = status;
        }
        yield return new Exit(State.LastStatus & 0xFF);
    }

    // ---- commands ----

    public IEnumerable<SystemCall> Run(Command command, bool tail)
    {
        switch (command)
        {
            case SimpleCommand simple:
                foreach (var call in RunSimple(simple, tail)) yield return call;
                break;
            case Pipeline pipeline:
                foreach (var call in RunPipeline(pipeline)) yield return call;
                break;
            case AndOr andOr:
                State.ErrExitSuppressed++;
                foreach (var call in Run(andOr.Left, false)) yield return call;
                State.ErrExitSuppressed--;
                if (Stopped) yield break;
                if (State.LastStatus == 0 == andOr.And)
                    foreach (var call in Run(andOr.Right, tail)) yield return call;
                break;
            case Sequence sequence:
                for (var i = 0; i < sequence.Commands.Length; i++)
                {
                    foreach (var call in Run(sequence.Commands[i], tail && i == sequence.Commands.Length - 1)) yield return call;
                    if (Stopped) yield break;
                    foreach (var call in RunTraps()) yield return call;
                    if (Stopped) yield break;
                }
                break;
            case Background background:
                foreach (var call in RunBackground(background.Body)) yield return call;
                break;
            case Redirected redirected:
                var saves = new List<(int Fd, int Saved)>();
                var ok = new Box<bool>();
                foreach (var call in Redirect(redirected.Redirections, saves, ok)) yield return call;
                if (ok.Value) foreach (var call in Run(redirected.Body, false)) yield return call;
                else if (!Aborted) State.LastStatus = RedirectionFailed;
                foreach (var call in Restore(saves)) yield return call;
                break;
            case Subshell subshell:
                foreach (var call in RunSubshell(subshell.Body, tail)) yield return call;
                break;
            case BraceGroup group:
                foreach (var call in Run(group.Body, tail)) yield return call;
                break;
            case IfClause clause:
                foreach (var call in RunIf(clause, tail)) yield return call;
                break;
            case LoopClause loop:
                foreach (var call in RunLoop(loop)) yield return call;
                break;
            case ForClause loop:
                foreach (var call in RunFor(loop)) yield return call;
                break;
            case CaseClause clause:
                foreach (var call in RunCase(clause, tail)) yield return call;
                break;
            case FunctionDefinition definition:
                State.Functions[definition.Name] = definition.Body;
                State.LastStatus = 0;
                break;
            case EmptyCommand:
                break;
        }
    }

    private IEnumerable<SystemCall> RunIf(IfClause clause, bool tail)
    {
        foreach (var (condition, body) in clause.Branches)
        {
            State.ErrExitSuppressed++;
            foreach (var call in Run(condition, false)) yield return call;
            State.ErrExitSuppressed--;
            if (Stopped) yield break;
            if (State.LastStatus != 0) continue;
            foreach (var call in Run(body, tail)) yield return call;
            yield break;
        }
        if (clause.Else is not null) foreach (var call in Run(clause.Else, tail)) yield return call;
        else State.LastStatus = 0;
    }

    /// <summary>After a loop's body: true when the loop ends (break, or anything leaving further).</summary>
    private bool LeavesLoop()
    {
        if (Aborted) return true;
        switch (State.Flow)
        {
            case Flow.Break:
                if (--State.FlowCount <= 0) State.Flow = Flow.Normal;
                return true;
            case Flow.Continue:
                if (--State.FlowCount <= 0)
                {
                    State.Flow = Flow.Normal;
                    return false;
                }
                return true;
            case Flow.Normal: return false;
            default: return true;
        }
    }

    private IEnumerable<SystemCall> RunLoop(LoopClause loop)
    {
        var status = 0;
        State.LoopDepth++;
        while (true)
        {
            State.ErrExitSuppressed++;
            foreach (var call in Run(loop.Condition, false)) yield return call;
            State.ErrExitSuppressed--;
            if (State.Flow != Flow.Normal || Aborted)
            {
                if (LeavesLoop()) break;
                continue;
            }
            if (State.LastStatus == 0 == loop.Until) break;
            foreach (var call in Run(loop.Body, false)) yield return call;
            status = State.LastStatus;
            if (LeavesLoop()) break;
            foreach (var call in RunTraps()) yield return call;
            if (Stopped) break;
        }
        State.LoopDepth--;
        if (State.Flow == Flow.Normal && !Aborted) State.LastStatus = status;
    }

    private IEnumerable<SystemCall> RunFor(ForClause loop)
    {
        var values = new List<string>();
        if (loop.Words is { } words)
        {
            foreach (var call in ExpandFields(words, values)) yield return call;
            if (Aborted) yield break;
        }
        else values.AddRange(State.Positional);
        var status = 0;
        State.LoopDepth++;
        for (var i = 0; i < values.Count; i++)
        {
            if (!State.Set(loop.Name, values[i]))
            {
                Abort($"{loop.Name}: is read only", 2);
                break;
            }
            foreach (var call in Run(loop.Body, false)) yield return call;
            status = State.LastStatus;
            if (LeavesLoop()) break;
        }
        State.LoopDepth--;
        if (State.Flow == Flow.Normal && !Aborted) State.LastStatus = status;
    }

    private IEnumerable<SystemCall> RunCase(CaseClause clause, bool tail)
    {
        var word = new Box<string>();
        foreach (var call in ExpandString(clause.Word, word)) yield return call;
        if (Aborted) yield break;
        for (var i = 0; i < clause.Items.Length; i++)
        {
            var item = clause.Items[i];
            for (var k = 0; k < item.Patterns.Length; k++)
            {
                var pattern = new Box<string>();
                foreach (var call in ExpandPattern(item.Patterns[k], pattern)) yield return call;
                if (Aborted) yield break;
                if (!ShellPattern.Matches(pattern.Value, word.Value)) continue;
                State.LastStatus = 0;
                if (item.Body is not null) foreach (var call in Run(item.Body, tail)) yield return call;
                yield break;
            }
        }
        State.LastStatus = 0;
    }

    /// <summary>set -e: a command that failed where the option applies ends the shell.</summary>
    private void CheckErrExit()
    {
        if (State.ErrExit && State.ErrExitSuppressed == 0 && State.LastStatus != 0 && State.Flow == Flow.Normal && !Aborted)
        {
            State.Flow = Flow.Exit;
        }
    }

    // ---- processes ----

    private IEnumerable<SystemCall> RunSubshell(Command body, bool tail)
    {
        if (tail && State.IsSubshell && !State.Traps.ContainsKey(0))
        {
            foreach (var call in Run(body, true)) yield return call;
            yield break;
        }
        yield return new Fork();
        if (Failed)
        {
            yield return Message($"cannot fork: {P.Result.Error!.Value.Describe()}");
            State.LastStatus = 2;
            yield break;
        }
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
        yield return new Fork();
        if (Failed)
        {
            yield return Message($"cannot fork: {P.Result.Error!.Value.Describe()}");
            State.LastStatus = 2;
            yield break;
        }
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
                yield return new Fork();
                if (Failed)
                {
                    yield return Message($"cannot fork: {P.Result.Error!.Value.Describe()}");
                    State.LastStatus = 2;
                    break;
                }
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

    // ---- simple commands ----

    private IEnumerable<SystemCall> RunSimple(SimpleCommand command, bool tail)
    {
        _substitutionStatus = -1;
        var fields = new List<string>();
        if (command.Words.Length > 1 && command.Words[0] is "export" or "readonly" or "local")
        {
            // Their NAME=value operands are assignments, as dash reads them: neither split nor globbed.
            fields.Add(command.Words[0]);
            for (var i = 1; i < command.Words.Length && !Aborted; i++)
            {
                var word = command.Words[i];
                var eq = word.IndexOf('=');
                if (eq > 0 && ShellParser.IsName(word[..eq]))
                {
                    var value = new Box<string>();
                    foreach (var call in ExpandString(word[(eq + 1)..], value, assignment: true)) yield return call;
                    fields.Add(word[..(eq + 1)] + value.Value);
                }
                else foreach (var call in ExpandFields([word], fields)) yield return call;
            }
        }
        else foreach (var call in ExpandFields(command.Words, fields)) yield return call;
        if (Aborted) yield break;
        var assignments = new List<KeyValuePair<string, string>>();
        // Before a command, each assignment is seen by the ones after it (FOO=1 BAR=$FOO cmd), then set back.
        var shadowed = new List<(string Name, ShellVariable? Old)>();
        for (var i = 0; i < command.Assignments.Length; i++)
        {
            var value = new Box<string>();
            foreach (var call in ExpandString(command.Assignments[i].Value, value, assignment: true)) yield return call;
            if (Aborted) break;
            var name = command.Assignments[i].Name;
            assignments.Add(new(name, value.Value));
            if (fields.Count > 0 && i < command.Assignments.Length - 1 && !(State.Variables.TryGetValue(name, out var current) && current.ReadOnly))
            {
                shadowed.Add((name, current is null ? null : new ShellVariable { Value = current.Value, Exported = current.Exported }));
                State.Variables[name] = new ShellVariable { Value = value.Value, Exported = current?.Exported ?? false };
            }
        }
        for (var i = shadowed.Count - 1; i >= 0; i--)
        {
            if (shadowed[i].Old is null) State.Variables.Remove(shadowed[i].Name);
            else State.Variables[shadowed[i].Name] = shadowed[i].Old!;
        }
        if (Aborted) yield break;
        if (State.XTrace && (fields.Count > 0 || assignments.Count > 0))
            yield return Io.Err(ShellText.Trace(State.Get("PS4") ?? "+ ", assignments, fields));

        if (fields.Count == 0 && command.Redirections.Length > 0 && command.Assignments.Length > 0)
        {
            // dash redirects first, so the assignments' command substitutions write where the redirections say.
            var saves = new List<(int, int)>();
            var ok = new Box<bool>();
            foreach (var call in Redirect(command.Redirections, saves, ok)) yield return call;
            if (ok.Value && !Aborted)
            {
                assignments.Clear();
                _substitutionStatus = -1;
                for (var i = 0; i < command.Assignments.Length; i++)
                {
                    var value = new Box<string>();
                    foreach (var call in ExpandString(command.Assignments[i].Value, value, assignment: true)) yield return call;
                    if (Aborted) break;
                    assignments.Add(new(command.Assignments[i].Name, value.Value));
                }
            }
            foreach (var call in Restore(saves)) yield return call;
            if (Aborted) yield break;
            if (!ok.Value)
            {
                State.LastStatus = RedirectionFailed;
                CheckErrExit();
                yield break;
            }
            foreach (var (name, value) in assignments)
            {
                if (!State.Set(name, value))
                {
                    Abort($"{name}: is read only", 2);
                    yield break;
                }
            }
            State.LastStatus = _substitutionStatus >= 0 ? _substitutionStatus : 0;
            CheckErrExit();
            yield break;
        }
        if (fields.Count == 0)
        {
            foreach (var (name, value) in assignments)
            {
                if (!State.Set(name, value))
                {
                    Abort($"{name}: is read only", 2);
                    yield break;
                }
            }
            var saves = new List<(int, int)>();
            var ok = new Box<bool>();
            foreach (var call in Redirect(command.Redirections, saves, ok)) yield return call;
            foreach (var call in Restore(saves)) yield return call;
            if (Aborted) yield break;
            State.LastStatus = !ok.Value ? RedirectionFailed : _substitutionStatus >= 0 ? _substitutionStatus : 0;
            CheckErrExit();
            yield break;
        }

        var name0 = fields[0];
        if (ShellBuiltins.IsSpecial(name0))
        {
            foreach (var (name, value) in assignments)
            {
                if (!State.Set(name, value))
                {
                    Abort($"{name}: is read only", 2);
                    yield break;
                }
            }
            foreach (var call in RunBuiltinRedirected(fields, command.Redirections, special: true)) yield return call;
        }
        else if (State.Functions.TryGetValue(name0, out var body))
        {
            var saved = new List<(string Name, ShellVariable? Old)>();
            foreach (var (name, value) in assignments)
            {
                saved.Add((name, State.Variables.TryGetValue(name, out var old) ? new ShellVariable { Value = old.Value, Exported = old.Exported, ReadOnly = old.ReadOnly } : null));
                if (!State.Set(name, value, export: true))
                {
                    Abort($"{name}: is read only", 2);
                    yield break;
                }
            }
            var saves = new List<(int, int)>();
            var ok = new Box<bool>();
            foreach (var call in Redirect(command.Redirections, saves, ok)) yield return call;
            if (ok.Value) foreach (var call in CallFunction(body, fields)) yield return call;
            else if (!Aborted) State.LastStatus = RedirectionFailed;
            foreach (var call in Restore(saves)) yield return call;
            foreach (var (name, old) in saved)
            {
                if (old is null) State.Variables.Remove(name);
                else State.Variables[name] = old;
            }
        }
        else if (ShellBuiltins.IsRegular(name0))
        {
            foreach (var call in RunBuiltinRedirected(fields, command.Redirections, special: false, assignments)) yield return call;
        }
        else
        {
            foreach (var call in RunProgram(fields, assignments, command.Redirections, tail)) yield return call;
        }
        CheckErrExit();
    }

    private IEnumerable<SystemCall> RunBuiltinRedirected(List<string> fields, ImmutableArray<Redirection> redirections, bool special, List<KeyValuePair<string, string>>? temporary = null)
    {
        var saves = new List<(int, int)>();
        var ok = new Box<bool>();
        var keep = fields[0] == "exec" && fields.Count == 1;
        foreach (var call in Redirect(redirections, keep ? null : saves, ok)) yield return call;
        if (ok.Value)
        {
            var saved = new List<(string Name, ShellVariable? Old)>();
            if (temporary is not null)
                foreach (var (name, value) in temporary)
                {
                    saved.Add((name, State.Variables.TryGetValue(name, out var old) ? new ShellVariable { Value = old.Value, Exported = old.Exported, ReadOnly = old.ReadOnly } : null));
                    State.Set(name, value, export: true);
                }
            foreach (var call in RunBuiltin(fields)) yield return call;
            foreach (var (name, old) in saved)
            {
                if (old is null) State.Variables.Remove(name);
                else State.Variables[name] = old;
            }
        }
        else if (!Aborted)
        {
            State.LastStatus = RedirectionFailed;
            if (special && !State.Interactive) State.Flow = Flow.Exit;
        }
        foreach (var call in Restore(saves)) yield return call;
    }

    public IEnumerable<SystemCall> CallFunction(Command body, List<string> fields)
    {
        var positional = State.Positional;
        State.Positional = fields.Skip(1).ToArray();
        State.FunctionDepth++;
        State.Locals.Add([]);
        var loops = State.LoopDepth;
        State.LoopDepth = 0;
        foreach (var call in Run(body, false)) yield return call;
        State.LoopDepth = loops;
        var locals = State.Locals[^1];
        State.Locals.RemoveAt(State.Locals.Count - 1);
        for (var i = locals.Count - 1; i >= 0; i--)
        {
            if (locals[i].Old is null) State.Variables.Remove(locals[i].Name);
            else State.Variables[locals[i].Name] = locals[i].Old!;
        }
        State.FunctionDepth--;
        State.Positional = positional;
        if (State.Flow == Flow.Return) State.Flow = Flow.Normal;
    }

    private IEnumerable<SystemCall> RunProgram(List<string> fields, List<KeyValuePair<string, string>> assignments, ImmutableArray<Redirection> redirections, bool tail)
    {
        if (tail && State.IsSubshell && !State.Traps.ContainsKey(0))
        {
            var ok = new Box<bool>();
            foreach (var call in Redirect(redirections, null, ok)) yield return call;
            if (!ok.Value) yield return new Exit(RedirectionFailed);
            foreach (var call in ExecProgram(fields, State.Environment(assignments))) yield return call;
        }
        yield return new Fork();
        if (Failed)
        {
            yield return Message($"cannot fork: {P.Result.Error!.Value.Describe()}");
            State.LastStatus = 2;
            yield break;
        }
        if (P.Result.Value == 0)
        {
            var monitor = State.Monitor;
            foreach (var call in EnterSubshell()) yield return call;
            if (monitor) yield return new SetPgid(0, 0);
            var ok = new Box<bool>();
            foreach (var call in Redirect(redirections, null, ok)) yield return call;
            if (!ok.Value)
            {
                foreach (var call in ReportAbort()) yield return call;
                yield return new Exit(RedirectionFailed);
            }
            foreach (var call in ExecProgram(fields, State.Environment(assignments))) yield return call;
        }
        var pid = P.Result.Int;
        if (State.Monitor) yield return new SetPgid(pid, pid);
        foreach (var call in WaitForJob([pid], pid, string.Join(' ', fields))) yield return call;
    }

    /// <summary>execve by PATH search; on failure the process reports and exits 126 or 127. A file that is not a program runs as a script.</summary>
    private IEnumerable<SystemCall> ExecProgram(List<string> fields, ImmutableDictionary<string, string> environment)
    {
        var name = fields[0];
        var args = fields.ToArray();
        Errno? denied = null;
        string? deniedPath = null;
        if (name.Contains('/'))
        {
            yield return ExecCall(name, args, environment);
            if (P.Result.Error == Errno.ENOEXEC)
            {
                foreach (var call in RunAsScript(name, args)) yield return call;
            }
            var error = P.Result.Error ?? Errno.ENOENT;
            yield return Message($"{name}: {(error == Errno.ENOENT ? "not found" : error.Describe())}");
            yield return new Exit(error == Errno.ENOENT ? 127 : 126);
        }
        var path = State.Get("PATH") ?? "/bin:/usr/bin";
        var directories = path.Split(':');
        for (var i = 0; i < directories.Length; i++)
        {
            var candidate = (directories[i].Length == 0 ? "." : directories[i]).TrimEnd('/') + "/" + name;
            yield return ExecCall(candidate, args, environment);
            if (P.Result.Error == Errno.ENOEXEC)
            {
                foreach (var call in RunAsScript(candidate, args)) yield return call;
            }
            if (P.Result.Error is Errno.EACCES or Errno.EISDIR && denied is null)
            {
                denied = P.Result.Error;
                deniedPath = candidate;
            }
        }
        if (denied is { } d)
        {
            yield return Message($"{deniedPath}: {d.Describe()}");
            yield return new Exit(126);
        }
        yield return Message($"{name}: not found");
        yield return new Exit(127);
    }

    private static Exec ExecCall(string path, string[] args, ImmutableDictionary<string, string> environment) => new(path, args, environment);

    /// <summary>A file execve refused as no program: the shell runs it as a script in this (child) process, as sh does.</summary>
    private IEnumerable<SystemCall> RunAsScript(string path, string[] args)
    {
        var text = new Box<string?>();
        foreach (var call in ReadFile(path, text)) yield return call;
        if (text.Value is null)
        {
            yield return Message($"{path}: {P.Result.Error?.Describe() ?? "cannot read"}");
            yield return new Exit(126);
        }
        State.Functions.Clear();
        State.ArgZero = path;
        State.Positional = args[1..];
        State.IsSubshell = true;
        foreach (var call in RunScript(text.Value!, execLast: true)) yield return call;
        foreach (var call in LeaveSubshell()) yield return call;
    }

    /// <summary>A whole file as text, or null (the error in the last result).</summary>
    public IEnumerable<SystemCall> ReadFile(string path, Box<string?> text)
    {
        yield return new Open(path);
        if (Failed)
        {
            text.Value = null;
            yield break;
        }
        var fd = P.Result.Fd;
        var chunks = new List<byte[]>();
        foreach (var call in Io.ReadAll(P, fd, chunks)) yield return call;
        var failed = P.Result;
        yield return new Close(fd);
        if (failed.Error is not null)
        {
            P.Result = failed;
            text.Value = null;
            yield break;
        }
        text.Value = Io.Text(Io.Concat(chunks));
    }

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
