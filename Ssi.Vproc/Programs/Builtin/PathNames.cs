// basename and dirname: the last component of a name, and all but it, as coreutils take them apart (no system calls).
namespace Ssi.Vproc.Programs.Builtin;

/// <summary>basename NAME [SUFFIX], basename -a|-s SUFFIX [-z] NAME...: each NAME without its directory and SUFFIX.</summary>
public sealed class Basename : Program
{
    private static readonly OptionSpec Spec = new("as:z", ["multiple=a", "suffix=s", "zero=z"], """
        Usage: basename NAME [SUFFIX]
          or:  basename OPTION... NAME...
        Print NAME with any leading directory components removed.
        If specified, also remove a trailing SUFFIX.

          -a, --multiple       support multiple arguments and treat each as a NAME
          -s, --suffix=SUFFIX  remove a trailing SUFFIX; implies -a
          -z, --zero           end each output line with NUL, not newline
              --help           display this help and exit

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var multiple = o.Has('a') || o.Has('s');
        string? complaint = o.Operands.Count == 0 ? "missing operand"
            : !multiple && o.Operands.Count > 2 ? $"extra operand {Io.Quote(o.Operands[2])}" : null;
        if (complaint is not null)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, complaint)) yield return call;
            yield break;
        }
        var suffix = o.Value('s') ?? (!multiple && o.Operands.Count == 2 ? o.Operands[1] : "");
        var names = multiple ? o.Operands : o.Operands.Take(1);
        var end = o.Has('z') ? "\0" : "\n";
        yield return Io.Out(string.Concat(names.Select(n => Of(n, suffix) + end)));
    }

    /// <summary>The last component; SUFFIX goes unless it is all that is left.</summary>
    public static string Of(string name, string suffix)
    {
        var last = PathText.BaseName(name);
        return suffix.Length > 0 && last.Length > suffix.Length && last.EndsWith(suffix, StringComparison.Ordinal) && last != "/"
            ? last[..^suffix.Length]
            : last;
    }
}

/// <summary>dirname [-z] NAME...: each NAME without its last component ("." for none).</summary>
public sealed class Dirname : Program
{
    private static readonly OptionSpec Spec = new("z", ["zero=z"], """
        Usage: dirname [OPTION] NAME...
        Output each NAME with its last non-slash component and trailing slashes
        removed; if NAME contains no /'s, output '.' (meaning the current directory).

          -z, --zero     end each output line with NUL, not newline
              --help     display this help and exit

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        if (o.Operands.Count == 0)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, "missing operand")) yield return call;
            yield break;
        }
        var end = o.Has('z') ? "\0" : "\n";
        yield return Io.Out(string.Concat(o.Operands.Select(n => Of(n) + end)));
    }

    public static string Of(string name)
    {
        var trimmed = name.TrimEnd('/');
        if (trimmed.Length == 0) return name.Length == 0 ? "." : "/";
        var slash = trimmed.LastIndexOf('/');
        if (slash < 0) return ".";
        var parent = trimmed[..slash].TrimEnd('/');
        return parent.Length == 0 ? "/" : parent;
    }
}
