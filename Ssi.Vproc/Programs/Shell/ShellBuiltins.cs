// The shell's builtins: the special ones of XCU 2.14 and the regular ones a shell must have to work on itself.
using System.Text;
using Ssi.Actors.Errors;
using Ssi.Actors.Signals;
using Ssi.Cfs.Inodes;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Vproc.Programs.Shell;

public static class ShellBuiltins
{
    private static readonly HashSet<string> Special = ["break", ":", "continue", ".", "eval", "exec", "exit", "export", "readonly", "return", "set", "shift", "times", "trap", "unset"];

    private static readonly HashSet<string> Regular = ["echo", "printf", "test", "[", "cd", "pwd", "read", "umask", "wait", "kill", "jobs", "fg", "bg", "true", "false", "type", "command", "local", "getopts", "hash", "migrate"];

    public static readonly HashSet<string> Keywords = ["if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for", "{", "}", "!", "in"];

    public static bool IsSpecial(string name) => Special.Contains(name);

    public static bool IsRegular(string name) => Regular.Contains(name);

    public static bool IsBuiltin(string name) => Special.Contains(name) || Regular.Contains(name);
}

public sealed partial class ShellInterpreter
{
    /// <summary>Runs builtin fields[0]; $? is its status.</summary>
    public IEnumerable<SystemCall> RunBuiltin(List<string> fields)
    {
        var args = fields;
        IEnumerable<SystemCall> calls = args[0] switch
        {
            ":" or "true" => Status(0),
            "false" => Status(1),
            "echo" => args is [_, "--help"] ? Output("--help\n", 0) : RunInline(new Echo(), args),
            "printf" => args.Count == 1 ? Fail("printf", "usage: printf format [arg ...]", 2) : RunInline(new Printf { AsShellBuiltin = true }, args),
            "test" or "[" => RunInline(new Test(), args),
            "exit" => FlowBuiltin(args, Flow.Exit),
            "return" => FlowBuiltin(args, Flow.Return),
            "break" => FlowBuiltin(args, Flow.Break),
            "continue" => FlowBuiltin(args, Flow.Continue),
            "shift" => Shift(args),
            "export" => ExportOrReadonly(args, export: true),
            "readonly" => ExportOrReadonly(args, export: false),
            "unset" => Unset(args),
            "local" => Local(args),
            "set" => SetBuiltin(args),
            "eval" => Eval(args),
            "." => Dot(args),
            "exec" => ExecBuiltin(args),
            "cd" => Cd(args),
            "pwd" => Pwd(args),
            "read" => ReadBuiltin(args),
            "umask" => UmaskBuiltin(args),
            "trap" => Trap(args),
            "times" => Output("0m0.000s 0m0.000s\n0m0.000s 0m0.000s\n", 0),
            "type" => TypeBuiltin(args.Skip(1).ToList(), verbose: true),
            "command" => CommandBuiltin(args),
            "hash" => Status(0),
            "migrate" => MigrateBuiltin(args),
            "getopts" => Getopts(args),
            "wait" => WaitBuiltin(args),
            "kill" => KillBuiltin(args),
            "jobs" => JobsBuiltin(args),
            "fg" => Foreground(args),
            "bg" => BackgroundBuiltin(args),
            _ => Output("", 127),
        };
        foreach (var call in calls) yield return call;
    }

    private IEnumerable<SystemCall> Status(int status)
    {
        State.LastStatus = status;
        yield break;
    }

    private IEnumerable<SystemCall> Output(string text, int status)
    {
        if (text.Length > 0) yield return Io.Out(text);
        State.LastStatus = Failed ? 1 : status;
    }

    private IEnumerable<SystemCall> Fail(string builtin, string message, int status = 1)
    {
        yield return Message($"{builtin}: {message}");
        State.LastStatus = status;
    }

    /// <summary>A program of /bin run inside the shell: its calls pass through, and its exit becomes $?.</summary>
    private IEnumerable<SystemCall> RunInline(Program program, List<string> args)
    {
        var context = new ProcessContext(args.ToArray(), State.Environment());
        var calls = program.Main(context).GetEnumerator();
        while (calls.MoveNext())
        {
            if (calls.Current is Exit exit)
            {
                State.LastStatus = exit.Code & 0xFF;
                yield break;
            }
            yield return calls.Current;
            context.Result = P.Result;
        }
        State.LastStatus = 0;
    }

    private IEnumerable<SystemCall> FlowBuiltin(List<string> args, Flow flow)
    {
        var n = flow is Flow.Break or Flow.Continue ? 1 : State.LastStatus;
        if (args.Count > 1)
        {
            if (!int.TryParse(args[1], out n) || flow is Flow.Break or Flow.Continue && n < 1)
            {
                foreach (var call in Fail(args[0], $"Illegal number: {args[1]}", 2)) yield return call;
                if (!State.Interactive) State.Flow = Flow.Exit;
                yield break;
            }
        }
        switch (flow)
        {
            case Flow.Break or Flow.Continue:
                if (State.LoopDepth == 0)
                {
                    State.LastStatus = 0;
                    yield break;
                }
                State.Flow = flow;
                State.FlowCount = Math.Min(n, State.LoopDepth);
                State.LastStatus = 0;
                break;
            case Flow.Return when State.FunctionDepth > 0 || State.DotDepth > 0:
                State.Flow = Flow.Return;
                State.LastStatus = n & 0xFF;
                break;
            default:
                State.Flow = Flow.Exit;
                State.LastStatus = n & 0xFF;
                break;
        }
    }

    private IEnumerable<SystemCall> Shift(List<string> args)
    {
        var n = 1;
        if (args.Count > 1 && (!int.TryParse(args[1], out n) || n < 0))
        {
            foreach (var call in Fail("shift", $"Illegal number: {args[1]}", 2)) yield return call;
            if (!State.Interactive) State.Flow = Flow.Exit;
            yield break;
        }
        if (n > State.Positional.Length)
        {
            foreach (var call in Fail("shift", "can't shift that many", 2)) yield return call;
            if (!State.Interactive) State.Flow = Flow.Exit;
            yield break;
        }
        State.Positional = State.Positional[n..];
        State.LastStatus = 0;
    }

    private IEnumerable<SystemCall> ExportOrReadonly(List<string> args, bool export)
    {
        var name = export ? "export" : "readonly";
        var operands = args.Skip(1).ToList();
        if (operands.Count > 0 && operands[0] == "--") operands.RemoveAt(0);
        if (operands.Count == 0 || operands is ["-p"])
        {
            var s = new StringBuilder();
            foreach (var (n, v) in State.Variables.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (export ? !v.Exported : !v.ReadOnly) continue;
                s.Append(name).Append(' ').Append(n);
                if (v.Value is not null) s.Append('=').Append(QuoteValue(v.Value));
                s.Append('\n');
            }
            foreach (var call in Output(s.ToString(), 0)) yield return call;
            yield break;
        }
        State.LastStatus = 0;
        foreach (var operand in operands)
        {
            var eq = operand.IndexOf('=');
            var n = eq >= 0 ? operand[..eq] : operand;
            if (!ShellParser.IsName(n))
            {
                foreach (var call in Fail(name, $"{n}: bad variable name", 2)) yield return call;
                if (!State.Interactive) State.Flow = Flow.Exit;
                yield break;
            }
            if (!State.Variables.TryGetValue(n, out var v)) State.Variables[n] = v = new ShellVariable();
            if (eq >= 0)
            {
                if (v.ReadOnly)
                {
                    foreach (var call in Fail(name, $"{n}: is read only", 2)) yield return call;
                    if (!State.Interactive) State.Flow = Flow.Exit;
                    yield break;
                }
                v.Value = operand[(eq + 1)..];
            }
            if (export) v.Exported = true;
            else v.ReadOnly = true;
        }
    }

    /// <summary>A value in single quotes, as set and export -p print it.</summary>
    private static string QuoteValue(string value) => "'" + value.Replace("'", "'\\''") + "'";

    private IEnumerable<SystemCall> Unset(List<string> args)
    {
        var functions = false;
        var i = 1;
        for (; i < args.Count && args[i].StartsWith('-') && args[i].Length > 1; i++)
        {
            if (args[i] == "--")
            {
                i++;
                break;
            }
            if (args[i] == "-f") functions = true;
            else if (args[i] == "-v") functions = false;
            else
            {
                foreach (var call in Fail("unset", $"Illegal option {args[i]}", 2)) yield return call;
                yield break;
            }
        }
        State.LastStatus = 0;
        for (; i < args.Count; i++)
        {
            var name = args[i];
            if (functions)
            {
                State.Functions.Remove(name);
                continue;
            }
            if (State.Variables.TryGetValue(name, out var v))
            {
                if (v.ReadOnly)
                {
                    foreach (var call in Fail("unset", $"{name}: is read only", 2)) yield return call;
                    if (!State.Interactive) State.Flow = Flow.Exit;
                    yield break;
                }
                State.Variables.Remove(name);
            }
            else if (!ShellParser.IsName(name))
            {
                foreach (var call in Fail("unset", $"{name}: bad variable name", 2)) yield return call;
                yield break;
            }
        }
    }

    private IEnumerable<SystemCall> Local(List<string> args)
    {
        if (State.Locals.Count == 0)
        {
            foreach (var call in Fail("local", "not in a function")) yield return call;
            yield break;
        }
        var frame = State.Locals[^1];
        foreach (var operand in args.Skip(1))
        {
            var eq = operand.IndexOf('=');
            var name = eq >= 0 ? operand[..eq] : operand;
            if (!ShellParser.IsName(name))
            {
                foreach (var call in Fail("local", $"{name}: bad variable name")) yield return call;
                yield break;
            }
            if (!frame.Exists(l => l.Name == name))
            {
                var old = State.Variables.TryGetValue(name, out var v) ? new ShellVariable { Value = v.Value, Exported = v.Exported, ReadOnly = v.ReadOnly } : null;
                frame.Add((name, old));
            }
            if (eq >= 0) State.Set(name, operand[(eq + 1)..]);
        }
        State.LastStatus = 0;
    }

    private static readonly (char Letter, string Name)[] OptionNames =
    [
        ('e', "errexit"), ('u', "nounset"), ('x', "xtrace"), ('f', "noglob"), ('C', "noclobber"), ('n', "noexec"),
        ('v', "verbose"), ('a', "allexport"), ('m', "monitor"),
    ];

    /// <summary>Sets one option by letter; false if there is no such option.</summary>
    public bool SetOption(char letter, bool on)
    {
        switch (letter)
        {
            case 'e': State.ErrExit = on; break;
            case 'u': State.NoUnset = on; break;
            case 'x': State.XTrace = on; break;
            case 'f': State.NoGlob = on; break;
            case 'C': State.NoClobber = on; break;
            case 'n': State.NoExec = on && !State.Interactive; break;
            case 'v': State.Verbose = on; break;
            case 'a': State.AllExport = on; break;
            case 'm': State.Monitor = on; break;
            case 'i': State.Interactive = on; break;
            default: return false;
        }
        return true;
    }

    private bool IsOptionOn(char letter) => State.OptionLetters.Contains(letter);

    private IEnumerable<SystemCall> SetBuiltin(List<string> args)
    {
        if (args.Count == 1)
        {
            var s = new StringBuilder();
            foreach (var (n, v) in State.Variables.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                if (v.Value is not null) s.Append(n).Append('=').Append(QuoteValue(v.Value)).Append('\n');
            foreach (var call in Output(s.ToString(), 0)) yield return call;
            yield break;
        }
        var i = 1;
        for (; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                i++;
                State.Positional = args.Skip(i).ToArray();
                State.LastStatus = 0;
                yield break;
            }
            if (a == "-")
            {
                State.XTrace = false;
                State.Verbose = false;
                i++;
                break;
            }
            if (a == "+") continue;
            if (a.Length < 2 || a[0] is not ('-' or '+')) break;
            var on = a[0] == '-';
            for (var k = 1; k < a.Length; k++)
            {
                if (a[k] == 'o')
                {
                    if (i + 1 >= args.Count)
                    {
                        var listing = new StringBuilder();
                        foreach (var (letter, name) in OptionNames)
                            listing.Append(on ? $"{name,-16}{(IsOptionOn(letter) ? "on" : "off")}\n" : $"set {(IsOptionOn(letter) ? '-' : '+')}o {name}\n");
                        foreach (var call in Output(listing.ToString(), 0)) yield return call;
                        yield break;
                    }
                    var option = args[++i];
                    var found = OptionNames.FirstOrDefault(o => o.Name == option);
                    if (found.Name is null)
                    {
                        if (option is "pipefail" or "vi" or "emacs" or "nolog" or "ignoreeof" or "notify" or "noclobber")
                        {
                            if (option == "noclobber") State.NoClobber = on;
                            continue;
                        }
                        foreach (var call in Fail("set", $"Illegal option -o {option}", 2)) yield return call;
                        if (!State.Interactive) State.Flow = Flow.Exit;
                        yield break;
                    }
                    SetOption(found.Letter, on);
                    continue;
                }
                if (!SetOption(a[k], on))
                {
                    foreach (var call in Fail("set", $"Illegal option {a[0]}{a[k]}", 2)) yield return call;
                    if (!State.Interactive) State.Flow = Flow.Exit;
                    yield break;
                }
            }
        }
        if (i < args.Count) State.Positional = args.Skip(i).ToArray();
        State.LastStatus = 0;
    }

    private IEnumerable<SystemCall> Eval(List<string> args)
    {
        var text = string.Join(' ', args.Skip(1));
        State.LastStatus = 0;
        foreach (var call in RunScript(text)) yield return call;
    }

    private IEnumerable<SystemCall> Dot(List<string> args)
    {
        if (args.Count < 2)
        {
            foreach (var call in Fail(".", "filename argument required", 2)) yield return call;
            yield break;
        }
        var path = args[1];
        if (!path.Contains('/'))
        {
            var found = (string?)null;
            foreach (var dir in (State.Get("PATH") ?? "/bin").Split(':'))
            {
                var candidate = (dir.Length == 0 ? "." : dir).TrimEnd('/') + "/" + path;
                yield return new Stat(candidate);
                if (!Failed && P.Result.Stat?.Type == InodeType.Regular)
                {
                    found = candidate;
                    break;
                }
            }
            path = found ?? path;
        }
        var text = new Box<string?>();
        foreach (var call in ReadFile(path, text)) yield return call;
        if (text.Value is null)
        {
            Abort($".: cannot open {args[1]}: {(P.Result.Error is { } e && e != Errno.ENOENT ? e.Describe() : "No such file")}", 2);
            yield break;
        }
        var positional = State.Positional;
        if (args.Count > 2) State.Positional = args.Skip(2).ToArray();
        State.DotDepth++;
        State.LastStatus = 0;
        foreach (var call in RunScript(text.Value!)) yield return call;
        State.DotDepth--;
        if (args.Count > 2) State.Positional = positional;
        if (State.Flow == Flow.Return) State.Flow = Flow.Normal;
    }

    private IEnumerable<SystemCall> ExecBuiltin(List<string> args)
    {
        var i = 1;
        if (i < args.Count && args[i] == "--") i++;
        if (i >= args.Count)
        {
            State.LastStatus = 0;
            yield break;
        }
        foreach (var call in ExecProgram(args.Skip(i).ToList(), State.Environment())) yield return call;
    }

    private IEnumerable<SystemCall> Cd(List<string> args)
    {
        var operands = args.Skip(1).Where(a => a is not ("-L" or "-P")).ToList();
        if (operands.Count > 0 && operands[0] == "--") operands.RemoveAt(0);
        var print = false;
        string target;
        if (operands.Count == 0)
        {
            target = State.Get("HOME") ?? "";
            if (target.Length == 0)
            {
                foreach (var call in Fail("cd", "HOME not set")) yield return call;
                yield break;
            }
        }
        else if (operands[0] == "-")
        {
            target = State.Get("OLDPWD") ?? "";
            if (target.Length == 0)
            {
                foreach (var call in Fail("cd", "OLDPWD not set")) yield return call;
                yield break;
            }
            print = true;
        }
        else target = operands[0];
        var old = State.Get("PWD");
        if (old is null)
        {
            yield return new GetCwd();
            old = Failed ? "" : P.Result.Text;
        }
        if (!target.StartsWith('/') && !target.StartsWith("./") && !target.StartsWith("../") && target is not ("." or "..") && State.Get("CDPATH") is { Length: > 0 } cdpath)
        {
            foreach (var entry in cdpath.Split(':'))
            {
                var candidate = (entry.Length == 0 ? "." : entry.TrimEnd('/')) + "/" + target;
                yield return new Stat(candidate);
                if (Failed || P.Result.Stat?.Type != InodeType.Directory) continue;
                if (entry.Length > 0)
                {
                    target = candidate.StartsWith('/') ? candidate : old.TrimEnd('/') + "/" + candidate;
                    print = true;
                }
                break;
            }
        }
        var logical = target.StartsWith('/') ? target : (old.TrimEnd('/') + "/" + target);
        yield return new Chdir(target);
        if (Failed)
        {
            foreach (var call in Fail("cd", $"can't cd to {target}", 2)) yield return call;
            yield break;
        }
        var cleaned = CleanPath(logical);
        State.Set("OLDPWD", old, export: true);
        State.Set("PWD", cleaned, export: true);
        if (print) yield return Io.Out(cleaned + "\n");
        State.LastStatus = 0;
    }

    /// <summary>A path with . and .. resolved by text, as cd -L keeps $PWD.</summary>
    private static string CleanPath(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }

    private IEnumerable<SystemCall> Pwd(List<string> args)
    {
        var physical = args.Contains("-P");
        var pwd = State.Get("PWD");
        if (physical || pwd is null || !pwd.StartsWith('/'))
        {
            yield return new GetCwd();
            if (Failed)
            {
                foreach (var call in Fail("pwd", P.Result.Error!.Value.Describe())) yield return call;
                yield break;
            }
            pwd = P.Result.Text;
        }
        foreach (var call in Output(pwd + "\n", 0)) yield return call;
    }

    private IEnumerable<SystemCall> ReadBuiltin(List<string> args)
    {
        var raw = false;
        string? prompt = null;
        var i = 1;
        for (; i < args.Count && args[i].StartsWith('-') && args[i].Length > 1; i++)
        {
            if (args[i] == "--")
            {
                i++;
                break;
            }
            if (args[i] == "-r") raw = true;
            else if (args[i] == "-p" && i + 1 < args.Count) prompt = args[++i];
            else
            {
                foreach (var call in Fail("read", $"Illegal option {args[i]}", 2)) yield return call;
                yield break;
            }
        }
        var names = args.Skip(i).ToList();
        var reply = names.Count == 0;
        if (prompt is not null) yield return Io.Err(prompt);
        var line = new StringBuilder();
        var escaped = new List<bool>();
        var eof = false;
        var bytes = new List<byte>();
        while (true)
        {
            yield return new Read(Io.Stdin, 1);
            if (Failed)
            {
                if (P.Result.Error == Errno.EINTR && State.PendingSignals.Count > 0)
                {
                    State.LastStatus = 128 + State.PendingSignals[0];
                    yield break;
                }
                if (P.Result.Error == Errno.EINTR) continue;
                eof = true;
                break;
            }
            if (P.Result.Data.Length == 0)
            {
                eof = true;
                break;
            }
            bytes.Add(P.Result.Data[0]);
            var c = (char)P.Result.Data[0];
            if (c == '\n' && !(bytes.Count >= 2 && !raw && PendingBackslash(bytes))) break;
        }
        // Decode the line and apply backslash rules.
        var text = Io.Text(bytes.ToArray());
        if (text.EndsWith('\n')) text = text[..^1];
        for (var k = 0; k < text.Length; k++)
        {
            if (!raw && text[k] == '\\')
            {
                if (k + 1 < text.Length)
                {
                    if (text[k + 1] == '\n')
                    {
                        k++;
                        continue;
                    }
                    line.Append(text[++k]);
                    escaped.Add(true);
                }
                continue;
            }
            line.Append(text[k]);
            escaped.Add(false);
        }
        if (reply) State.Set("REPLY", line.ToString());
        else AssignRead(line.ToString(), escaped, names);
        State.LastStatus = eof ? 1 : 0;
    }

    /// <summary>Whether the bytes so far end in an unescaped backslash before the newline just read (a continuation).</summary>
    private static bool PendingBackslash(List<byte> bytes)
    {
        var count = 0;
        for (var k = bytes.Count - 2; k >= 0 && bytes[k] == '\\'; k--) count++;
        return count % 2 == 1;
    }

    /// <summary>read's field splitting: each name takes a field, the last one the rest of the line.</summary>
    private void AssignRead(string line, List<bool> escaped, List<string> names)
    {
        var ifs = State.Ifs;
        bool IsIfs(int k) => !escaped[k] && ifs.Contains(line[k]);
        bool IsWhite(int k) => IsIfs(k) && line[k] is ' ' or '\t' or '\n';
        var at = 0;
        while (at < line.Length && IsWhite(at)) at++;
        for (var n = 0; n < names.Count; n++)
        {
            if (n == names.Count - 1)
            {
                var end = line.Length;
                while (end > at && IsWhite(end - 1)) end--;
                // A trailing single non-whitespace delimiter is dropped, as dash does.
                if (end > at && IsIfs(end - 1) && !IsWhite(end - 1))
                {
                    var rest = line[at..(end - 1)];
                    var hasOther = false;
                    for (var k = at; k < end - 1; k++) if (IsIfs(k) && !IsWhite(k)) hasOther = true;
                    if (!hasOther) end--;
                    _ = rest;
                }
                State.Set(names[n], line[at..end]);
                break;
            }
            var start = at;
            while (at < line.Length && !IsIfs(at)) at++;
            State.Set(names[n], line[start..at]);
            while (at < line.Length && IsWhite(at)) at++;
            if (at < line.Length && IsIfs(at))
            {
                at++;
                while (at < line.Length && IsWhite(at)) at++;
            }
        }
    }

    private IEnumerable<SystemCall> UmaskBuiltin(List<string> args)
    {
        var symbolic = args.Count > 1 && args[1] == "-S";
        var operand = args.Skip(1).FirstOrDefault(a => a != "-S");
        if (operand is null)
        {
            yield return new Umask(0);
            var old = P.Result.Int;
            yield return new Umask(old);
            if (symbolic)
            {
                string Bits(int m) => ((m & 4) == 0 ? "r" : "") + ((m & 2) == 0 ? "w" : "") + ((m & 1) == 0 ? "x" : "");
                foreach (var call in Output($"u={Bits(old >> 6)},g={Bits(old >> 3)},o={Bits(old)}\n", 0)) yield return call;
            }
            else foreach (var call in Output(Convert.ToString(old, 8).PadLeft(4, '0') + "\n", 0)) yield return call;
            yield break;
        }
        int mask;
        try
        {
            mask = Convert.ToInt32(operand, 8);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            mask = -1;
        }
        if (mask is < 0 or > 0x1FF)
        {
            foreach (var call in Fail("umask", $"Illegal number: {operand}", 2)) yield return call;
            yield break;
        }
        yield return new Umask(mask);
        State.LastStatus = 0;
    }

    private IEnumerable<SystemCall> Trap(List<string> args)
    {
        if (args.Count == 1)
        {
            var s = new StringBuilder();
            foreach (var (trapped, command) in State.Traps.OrderBy(kv => kv.Key))
                s.Append($"trap -- {QuoteValue(command)} {(trapped == 0 ? "EXIT" : Signal.Name(trapped))}\n");
            foreach (var call in Output(s.ToString(), 0)) yield return call;
            yield break;
        }
        var i = 1;
        if (args[i] == "--") i++;
        if (i >= args.Count)
        {
            State.LastStatus = 0;
            yield break;
        }
        string? action = args[i];
        if (action.Length > 1 && action[0] == '-' && action != "--")
        {
            foreach (var call in Fail("trap", $"Illegal option {action}", 2)) yield return call;
            yield break;
        }
        var conditions = args.Skip(i + 1).ToList();
        var trimmed = action.Trim();
        if (conditions.Count == 0 || action == "-" || trimmed.Length > 0 && trimmed.All(char.IsAsciiDigit))
        {
            // "trap SIG..." (an unsigned integer first) resets, as "trap - SIG" does.
            if (action != "-" && conditions.Count == 0) conditions.Add(action);
            action = null;
        }
        State.LastStatus = 0;
        foreach (var condition in conditions)
        {
            var signal = ParseSignal(condition);
            if (signal is null)
            {
                foreach (var call in Fail("trap", $"{condition}: bad trap")) yield return call;
                continue;
            }
            var sig = signal.Value;
            if (action is null) State.Traps.Remove(sig);
            else State.Traps[sig] = action;
            if (sig == 0 || Signal.IsUncatchable(sig)) continue;
            yield return new SigAction(sig, action is null ? Disposition.Default : action.Length == 0 ? Disposition.Ignore : Disposition.Handle);
        }
    }

    private static int? ParseSignal(string text)
    {
        if (text is "EXIT" or "0") return 0;
        if (text.All(char.IsAsciiDigit) && text.Length > 0) return int.TryParse(text, out var n) && Signal.IsValid(n) ? n : null;
        var name = text.StartsWith("SIG", StringComparison.Ordinal) ? text : "SIG" + text;
        return Signal.TryParse(name, out var s) || Signal.TryParse(text, out s) ? s : null;
    }

    private IEnumerable<SystemCall> CommandBuiltin(List<string> args)
    {
        var i = 1;
        var mode = ' ';
        for (; i < args.Count && args[i].StartsWith('-') && args[i].Length > 1; i++)
        {
            if (args[i] == "--")
            {
                i++;
                break;
            }
            foreach (var letter in args[i][1..])
                if (letter is 'v' or 'V') mode = letter;
        }
        var rest = args.Skip(i).ToList();
        if (rest.Count == 0)
        {
            State.LastStatus = 0;
            yield break;
        }
        if (mode != ' ')
        {
            foreach (var call in TypeBuiltin(rest, verbose: mode == 'V')) yield return call;
            yield break;
        }
        if (ShellBuiltins.IsBuiltin(rest[0]))
        {
            foreach (var call in RunBuiltin(rest)) yield return call;
            yield break;
        }
        foreach (var call in RunProgram(rest, [], [], tail: false)) yield return call;
    }

    private IEnumerable<SystemCall> TypeBuiltin(List<string> names, bool verbose)
    {
        var status = 0;
        var s = new StringBuilder();
        foreach (var name in names)
        {
            if (ShellBuiltins.Keywords.Contains(name))
            {
                s.Append(verbose ? $"{name} is a shell keyword\n" : $"{name}\n");
                continue;
            }
            if (State.Functions.ContainsKey(name))
            {
                s.Append(verbose ? $"{name} is a shell function\n" : $"{name}\n");
                continue;
            }
            if (ShellBuiltins.IsBuiltin(name))
            {
                s.Append(verbose ? $"{name} is a {(ShellBuiltins.IsSpecial(name) ? "special " : "")}shell builtin\n" : $"{name}\n");
                continue;
            }
            string? found = null;
            if (name.Contains('/'))
            {
                yield return new Stat(name);
                if (!Failed) found = name;
            }
            else
            {
                foreach (var dir in (State.Get("PATH") ?? "/bin").Split(':'))
                {
                    var candidate = (dir.Length == 0 ? "." : dir).TrimEnd('/') + "/" + name;
                    yield return new Stat(candidate);
                    if (!Failed && P.Result.Stat?.Type == InodeType.Regular)
                    {
                        found = candidate;
                        break;
                    }
                }
            }
            if (found is null)
            {
                if (verbose) s.Append($"{name}: not found\n");
                status = verbose ? 127 : 1;
                continue;
            }
            s.Append(verbose ? $"{name} is {found}\n" : $"{found}\n");
        }
        foreach (var call in Output(s.ToString(), status)) yield return call;
    }

    /// <summary>migrate N: the shell itself moves to node N, with its variables, functions, jobs and open files.</summary>
    private IEnumerable<SystemCall> MigrateBuiltin(List<string> args)
    {
        if (args.Count != 2 || !int.TryParse(args[1], out var node) || node < 1)
        {
            foreach (var call in Fail("migrate", "usage: migrate NODE", 2)) yield return call;
            yield break;
        }
        yield return new Migrate(new Ssi.Actors.Identity.NodeNumber(node));
        if (Failed)
        {
            foreach (var call in Fail("migrate", $"node {node}: {P.Result.Error!.Value.Describe()}")) yield return call;
            yield break;
        }
        State.LastStatus = 0;
    }

    private IEnumerable<SystemCall> Getopts(List<string> args)
    {
        if (args.Count < 3)
        {
            foreach (var call in Fail("getopts", "usage: getopts optstring var [arg...]", 2)) yield return call;
            yield break;
        }
        var spec = args[1];
        var name = args[2];
        var operands = args.Count > 3 ? args.Skip(3).ToArray() : State.Positional;
        var index = int.TryParse(State.Get("OPTIND"), out var oi) && oi > 0 ? oi : 1;
        var offset = int.TryParse(State.Get("_GETOPTS_OFFSET"), out var off) ? off : 1;
        var silent = spec.StartsWith(':');
        if (silent) spec = spec[1..];
        if (index > operands.Length || operands[index - 1] is var arg && (arg.Length < 2 || arg[0] != '-' || arg == "--"))
        {
            if (index <= operands.Length && operands[index - 1] == "--") index++;
            State.Set("OPTIND", index.ToString());
            State.Set(name, "?");
            State.Variables.Remove("OPTARG");
            State.Variables.Remove("_GETOPTS_OFFSET");
            State.LastStatus = 1;
            yield break;
        }
        var current = operands[index - 1];
        if (offset >= current.Length) offset = 1;
        var letter = current[offset];
        var at = spec.IndexOf(letter);
        offset++;
        void Advance()
        {
            index++;
            offset = 1;
        }
        if (at < 0 || letter == ':')
        {
            if (offset >= current.Length) Advance();
            State.Set(name, "?");
            if (silent) State.Set("OPTARG", letter.ToString());
            else
            {
                State.Variables.Remove("OPTARG");
                yield return Message($"Illegal option -{letter}");
            }
        }
        else if (at + 1 < spec.Length && spec[at + 1] == ':')
        {
            if (offset < current.Length)
            {
                State.Set("OPTARG", current[offset..]);
                Advance();
                State.Set(name, letter.ToString());
            }
            else if (index < operands.Length)
            {
                State.Set("OPTARG", operands[index]);
                index += 2;
                offset = 1;
                State.Set(name, letter.ToString());
            }
            else
            {
                Advance();
                if (silent)
                {
                    State.Set(name, ":");
                    State.Set("OPTARG", letter.ToString());
                }
                else
                {
                    State.Set(name, "?");
                    State.Variables.Remove("OPTARG");
                    yield return Message($"No arg for -{letter} option");
                }
            }
        }
        else
        {
            if (offset >= current.Length) Advance();
            State.Variables.Remove("OPTARG");
            State.Set(name, letter.ToString());
        }
        State.Set("OPTIND", index.ToString());
        State.Set("_GETOPTS_OFFSET", offset.ToString());
        State.LastStatus = 0;
    }
}
