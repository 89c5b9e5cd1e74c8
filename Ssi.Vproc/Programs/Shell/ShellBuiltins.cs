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
