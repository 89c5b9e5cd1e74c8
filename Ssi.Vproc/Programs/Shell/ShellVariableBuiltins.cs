// Builtins of variables and options: shift, export, readonly, unset, local and set.
using System.Text;
using Ssi.Actors.Errors;
using Ssi.Actors.Signals;
using Ssi.Cfs.Inodes;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Vproc.Programs.Shell;

public sealed partial class ShellInterpreter
{
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
}
