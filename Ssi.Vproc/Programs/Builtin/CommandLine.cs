// The prologue every tool shares: a bad command line ends it with GNU's two lines, --help with its usage.
namespace Ssi.Vproc.Programs.Builtin;

public static class CommandLine
{
    /// <summary>Whether the parsed line ends the tool before it starts: an error, or --help.</summary>
    public static bool Ends(Options o) => o.Error is not null || o.WantsHelp;

    /// <summary>
    /// Run it as <c>if (CommandLine.Ends(o)) { foreach (var call in CommandLine.End(p, Spec, o)) yield return call; yield break; }</c>.
    /// </summary>
    public static IEnumerable<SystemCall> End(ProcessContext p, OptionSpec spec, Options o) =>
        o.Error is { } error ? Refuse(p, spec, error) : Help(p, spec);

    /// <summary>
    /// "tool: complaint" (if any), the tool's synopsis (if it has one, as grep prints it) and "Try 'tool --help' for
    /// more information.", then exit with the tool's usage status.
    /// </summary>
    public static IEnumerable<SystemCall> Refuse(ProcessContext p, OptionSpec spec, string? complaint)
    {
        var lines = (complaint is null ? "" : Io.Text(p.ErrorLine(complaint))) + spec.Synopsis + $"Try '{p.Tool} --help' for more information.\n";
        yield return Io.Err(lines);
        yield return new Exit(spec.FailStatus);
    }

    private static IEnumerable<SystemCall> Help(ProcessContext p, OptionSpec spec)
    {
        yield return Io.Out(spec.Usage);
        yield return new Exit(p.Failed ? 1 : 0);
    }
}
