// stty and tty: a terminal's settings, changed and shown, and the name of the terminal on standard input.
namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// stty [-a | -g | SETTING...]: the settings of the terminal on standard input, kept by the terminal device where the
/// client attached (docs/processes.md, "Terminals"). Its arguments are settings, not options (-echo turns echo off),
/// so only -a, -g and --help are taken as options; the words are <see cref="SttySettings"/>'.
/// </summary>
public sealed class Stty : Program
{
    private static readonly OptionSpec Spec = new("ag", ["all=a", "save=g"], """
        Usage: stty [-a|--all] [-g|--save] [SETTING]...
        Print or change terminal characteristics of standard input.

          -a, --all       print all current settings in human-readable form
          -g, --save      print all current settings in a stty-readable form
              --help      display this help and exit

        Settings ([-] means it may be negated with a leading '-'):
          [-]echo [-]echoe [-]echok [-]echonl [-]echoctl [-]echoke [-]icanon [-]isig
          [-]iexten [-]tostop [-]noflsh [-]icrnl [-]inlcr [-]igncr [-]opost [-]onlcr
          intr CHAR  quit CHAR  erase CHAR  kill CHAR  eof CHAR  eol CHAR  susp CHAR
          werase CHAR  lnext CHAR   (CHAR: ^X, ^?, a character, a number, or ^- / undef)
          min N  time N
          [-]raw [-]cooked sane [-]cbreak crt ek [-]nl   speed
          a setting saved by -g

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var args = p.Args.Skip(1).ToList();
        var options = args.TakeWhile(a => a is "-a" or "--all" or "-g" or "--save" or "--help" or "-ag" or "-ga").ToList();
        var o = Spec.Parse([p.Name, .. options]);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var settings = args.Skip(options.Count).ToList();
        if ((o.Has('a') || o.Has('g')) && (settings.Count > 0 || (o.Has('a') && o.Has('g'))))
        {
            foreach (var call in CommandLine.Refuse(p, Spec, "the options for verbose and stty-readable output styles are mutually exclusive")) yield return call;
            yield break;
        }
        yield return new TcGetAttr(Io.Stdin);
        if (p.Failed)
        {
            yield return Io.Complain(p, "'standard input'", p.Result.Error!.Value);
            yield return new Exit(1);
            yield break;
        }
        var current = p.Result.Terminal!;
        if (settings.Count == 0)
        {
            yield return Io.Out(o.Has('a') ? SttySettings.All(current) : o.Has('g') ? SttySettings.Saved(current) : SttySettings.Differences(current));
            yield break;
        }
        if (settings is ["speed"])
        {
            yield return Io.Out("38400\n");
            yield break;
        }
        var (changed, error) = SttySettings.Apply(current, settings);
        if (error is not null)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, error)) yield return call;
            yield break;
        }
        yield return new TcSetAttr(Io.Stdin, changed);
        if (p.Failed)
        {
            yield return Io.Complain(p, "'standard input'", p.Result.Error!.Value);
            yield return new Exit(1);
        }
    }
}

/// <summary>tty [-s]: the name of the terminal on standard input (/dev/pts/N), or "not a tty" and status 1.</summary>
public sealed class Tty : Program
{
    private static readonly OptionSpec Spec = new("s", ["silent=s", "quiet=s"], """
        Usage: tty [OPTION]...
        Print the file name of the terminal connected to standard input.

          -s, --silent, --quiet   print nothing, only return an exit status
              --help     display this help and exit

        """, FailStatus: 2);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        if (o.Operands.Count > 0)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, $"extra operand {Io.Quote(o.Operands[0])}")) yield return call;
            yield break;
        }
        yield return new TtyName(Io.Stdin);
        var name = p.Failed ? null : p.Result.Text;
        if (!o.Has('s')) yield return Io.Out((name ?? "not a tty") + "\n");
        if (name is null) yield return new Exit(1);
    }
}
