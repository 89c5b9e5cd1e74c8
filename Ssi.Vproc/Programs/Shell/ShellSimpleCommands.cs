// Simple commands: expansion, assignments, builtins and functions in the shell, programs by fork and exec with PATH search.
using System.Collections.Immutable;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;

namespace Ssi.Vproc.Programs.Shell;

public sealed partial class ShellInterpreter
{
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
        var forked = new Box<bool>();
        foreach (var call in ForkChild(forked)) yield return call;
        if (!forked.Value) yield break;
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
}
