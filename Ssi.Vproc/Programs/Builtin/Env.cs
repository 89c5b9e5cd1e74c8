// env: the environment printed as changed, or a program run in it (through exec's envp).
using System.Collections.Immutable;
using Ssi.Actors.Errors;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// env [-i0] [-u NAME]... [NAME=VALUE]... [COMMAND [ARG]...]: prints the environment as changed (sorted by name: the
/// process keeps it as a map, not in environ's order), or runs COMMAND (from /bin unless it has a slash) in it, the
/// changed environment passed as exec's envp.
/// </summary>
public sealed class Env : Program
{
    private static readonly OptionSpec Spec = new("iu:0", ["ignore-environment=i", "unset=u", "null=0"], """
        Usage: env [OPTION]... [-] [NAME=VALUE]... [COMMAND [ARG]...]
        Set each NAME to VALUE in the environment and run COMMAND.

          -i, --ignore-environment  start with an empty environment
          -0, --null           end each output line with NUL, not newline
          -u, --unset=NAME     remove variable from the environment
              --help     display this help and exit

        A mere - implies -i.  If no COMMAND, print the resulting environment.

        """, FailStatus: 125);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        // Options end at the first operand, as POSIX wants for env: "env A=1 -0" runs "-0".
        var split = OptionsEnd(p.Args);
        var o = Options.Parse(p.Args[1..split], Spec);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var rest = o.Operands.Concat(p.Args[split..]).ToList();
        var clear = o.Has('i');
        if (rest.Count > 0 && rest[0] == "-")
        {
            clear = true;
            rest.RemoveAt(0);
        }
        var environment = clear ? new Dictionary<string, string>() : new Dictionary<string, string>(p.Environment);
        foreach (var name in o.All('u'))
        {
            if (name.Length == 0 || name.Contains('='))
            {
                yield return Io.Complain(p, $"cannot unset {Io.Quote(name)}: Invalid argument");
                yield return new Exit(125);
                yield break;
            }
            environment.Remove(name);
        }
        var changed = clear || o.Has('u');
        var i = 0;
        for (; i < rest.Count && rest[i].IndexOf('=') > 0; i++)
        {
            var equals = rest[i].IndexOf('=');
            environment[rest[i][..equals]] = rest[i][(equals + 1)..];
            changed = true;
        }
        if (i == rest.Count)
        {
            var end = o.Has('0') ? "\0" : "\n";
            yield return Io.Out(string.Concat(environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}{end}")));
            yield break;
        }
        if (o.Has('0'))
        {
            foreach (var call in CommandLine.Refuse(p, Spec, "cannot specify --null (-0) with command")) yield return call;
            yield break;
        }
        var program = rest[i];
        yield return new Exec(program.Contains('/') ? program : "/bin/" + program, [.. rest.Skip(i)], changed ? environment.ToImmutableDictionary() : null);
        var error = p.Result.Error ?? Errno.EIO;
        yield return Io.Complain(p, $"{Io.Quote(program)}: {error.Describe()}");
        yield return new Exit(error is Errno.ENOENT or Errno.ENOTDIR ? 127 : 126);
    }

    // The index of the first argument that is not an option or an option's argument.
    private static int OptionsEnd(string[] args)
    {
        for (var i = 1; i < args.Length; i++)
        {
            var a = args[i];
            if (a == "--") return i + 1;
            if (a.Length < 2 || a[0] != '-') return i;
            if (a.StartsWith("--u", StringComparison.Ordinal) && !a.Contains('=')) i++;
            else if (!a.StartsWith("--", StringComparison.Ordinal) && a.IndexOf('u', 1) == a.Length - 1) i++;
        }
        return args.Length;
    }
}
