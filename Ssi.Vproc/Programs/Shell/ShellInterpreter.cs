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
}
