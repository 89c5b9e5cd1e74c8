// Builtins that run or find commands: eval, ., exec, command, type, and migrate for the shell itself.
using System.Text;
using Ssi.Actors.Errors;
using Ssi.Actors.Signals;
using Ssi.Cfs.Inodes;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Vproc.Programs.Shell;

public sealed partial class ShellInterpreter
{
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
}
