// printenv, nice, sync: the environment, the niceness a command runs at, and the store made durable.
using System.Globalization;
using Ssi.Actors.Errors;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// printenv [-0] [VARIABLE]...: every variable as NAME=VALUE (sorted by name: the process keeps its environment as a
/// map), or the value of each one named; exit 1 if any is not set, 2 for a bad command line, as GNU.
/// </summary>
public sealed class Printenv : Program
{
    private static readonly OptionSpec Spec = new("0", ["null=0"], """
        Usage: printenv [OPTION]... [VARIABLE]...
        Print the values of the specified environment VARIABLE(s).
        If no VARIABLE is specified, print name and value pairs for them all.

          -0, --null     end each output line with NUL, not newline
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
        var end = o.Has('0') ? "\0" : "\n";
        if (o.Operands.Count == 0)
        {
            yield return Io.Out(string.Concat(p.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}{end}")));
            yield break;
        }
        var found = o.Operands.Select(name => !name.Contains('=') && p.Environment.TryGetValue(name, out var value) ? value : null).ToList();
        var text = string.Concat(found.Where(v => v is not null).Select(v => v + end));
        if (text.Length > 0) yield return Io.Out(text);
        yield return new Exit(found.Contains(null) ? 1 : 0);
    }
}

/// <summary>
/// nice [-n N] [COMMAND [ARG]...]: runs COMMAND with its niceness raised by N (10 by default; GNU's "-N" form too), or
/// prints the niceness. Lowering it needs root: otherwise "cannot set niceness" is a warning and COMMAND runs anyway,
/// as GNU nice does. The load leveller does not read niceness.
/// </summary>
public sealed class Nice : Program
{
    private static readonly OptionSpec Spec = new("+n:", ["adjustment=n"], """
        Usage: nice [OPTION] [COMMAND [ARG]...]
        Run COMMAND with an adjusted niceness, which affects process scheduling.
        With no COMMAND, print the current niceness.  Niceness values range from
        -20 (most favorable to the process) to 19 (least favorable to the process).

          -n, --adjustment=N   add integer N to the niceness (default 10)
              --help     display this help and exit

        Here niceness is kept and inherited as on Unix, but no node's scheduler or
        the load leveller acts on it.

        """, FailStatus: 125);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        // GNU's obsolete "-N" and "--N" (the latter negative) come first, before getopt sees them.
        var args = p.Args.ToList();
        string? adjustment = null;
        if (args.Count > 1 && args[1].Length > 1 && args[1][0] == '-' && (char.IsAsciiDigit(args[1][1]) || (args[1].Length > 2 && args[1][1] is '-' or '+' && char.IsAsciiDigit(args[1][2]))))
        {
            adjustment = args[1][1] == '-' ? args[1][1..] : args[1][1..].TrimStart('+');
            args.RemoveAt(1);
        }
        var o = Spec.Parse([.. args]);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        adjustment = o.Value('n') ?? adjustment;
        if (o.Operands.Count == 0)
        {
            if (adjustment is not null)
            {
                foreach (var call in CommandLine.Refuse(p, Spec, "a command must be given with an adjustment")) yield return call;
                yield break;
            }
            yield return new GetNice();
            yield return Io.Out(p.Result.Value.ToString(CultureInfo.InvariantCulture) + "\n");
            yield break;
        }
        var by = 10L;
        if (adjustment is not null && !long.TryParse(adjustment, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out by))
        {
            yield return Io.Complain(p, $"invalid adjustment {Io.Quote(adjustment)}");
            yield return new Exit(125);
            yield break;
        }
        yield return new GetNice();
        yield return new SetNice((int)Math.Clamp(p.Result.Value + by, -20, 19));
        if (p.Failed) yield return Io.Report(p, "cannot set niceness");
        var program = o.Operands[0];
        yield return new Exec(program.Contains('/') ? program : "/bin/" + program, [.. o.Operands]);
        var error = p.Result.Error ?? Errno.EIO;
        yield return Io.Complain(p, $"{Io.Quote(program)}: {error.Describe()}");
        yield return new Exit(error is Errno.ENOENT or Errno.ENOTDIR ? 127 : 126);
    }
}

/// <summary>
/// sync [-d|-f] [FILE]...: makes the cluster's store durable (a checkpoint of its log, <see cref="Ssi.Vproc.Programs.Sync"/>).
/// The cluster has one file system and every write is durable when acknowledged, so sync, fsync of FILE (-d: its data)
/// and syncfs of FILE's file system (-f) all end in that one store sync; FILE must exist.
/// </summary>
public sealed class SyncProgram : Program
{
    private static readonly OptionSpec Spec = new("df", ["data=d", "file-system=f"], """
        Usage: sync [OPTION] [FILE]...
        Synchronize cached writes to persistent storage

        If one or more files are specified, sync only them,
        or their containing file systems.

          -d, --data             sync only file data, no unneeded metadata
          -f, --file-system      sync the file systems that contain the files
              --help     display this help and exit

        The cluster has one store: each form syncs it, after checking each FILE exists.

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        string? complaint = o.Has('d') && o.Has('f') ? "cannot specify both --data and --file-system"
            : o.Has('d') && o.Operands.Count == 0 ? "--data needs at least one argument" : null;
        if (complaint is not null)
        {
            yield return Io.Complain(p, complaint);
            yield return new Exit(1);
            yield break;
        }
        if (o.Operands.Count == 0)
        {
            yield return new Sync();
            if (p.Failed)
            {
                yield return Io.Report(p, "sync failed");
                yield return new Exit(1);
            }
            yield break;
        }
        var status = 0;
        for (var i = 0; i < o.Operands.Count; i++)
        {
            yield return new Sync(o.Operands[i]);
            if (!p.Failed) continue;
            yield return Io.Report(p, p.Result.Error is Errno.ENOENT or Errno.EACCES or Errno.ENOTDIR
                ? $"error opening {Io.Quote(o.Operands[i])}"
                : $"error syncing {Io.Quote(o.Operands[i])}");
            status = 1;
        }
        yield return new Exit(status);
    }
}
