// touch: makes the files that are missing; changing the times of one that exists needs utimensat(2), which the cluster lacks.
using Ssi.Actors.Errors;
using Ssi.Cfs.Files;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// touch [-c] FILE...: each missing FILE is created empty (mode 0666 less the umask); -c creates none. A FILE that
/// exists would have its times set to now, which no system call here can do: touch says so for it
/// ("setting times of 'f': Function not implemented") and exits 1, rather than pretend. -a -m -d -r -t set times
/// too and are refused the same way.
/// </summary>
public sealed class Touch : Program
{
    private static readonly OptionSpec Spec = new("acd:fmr:t:h", ["no-create=c", "date=d", "reference=r", "no-dereference=h", "time:"], """
        Usage: touch [OPTION]... FILE...
        Create each FILE that does not exist, empty.

          -c, --no-create        do not create any files
              --help     display this help and exit

        Setting the times of a file (what touch does to a file that exists, and what
        -a, -m, -d, -r, -t and --time ask for) needs utimensat(2), which the cluster
        does not have: touch reports it for each such file and exits 1.

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
            foreach (var call in CommandLine.Refuse(p, Spec, "missing file operand")) yield return call;
            yield break;
        }
        var setsTimes = o.Given.Exists(g => g.Name is "a" or "m" or "d" or "r" or "t" or "time" or "h");
        var status = 0;
        for (var i = 0; i < o.Operands.Count; i++)
        {
            var name = o.Operands[i];
            yield return new Stat(name);
            var exists = !p.Failed;
            if (!exists && p.Result.Error != Errno.ENOENT)
            {
                yield return Io.Report(p, $"cannot touch {Io.Quote(name)}");
                status = 1;
                continue;
            }
            if (!exists && !o.Has('c'))
            {
                yield return new Open(name, OpenFlags.WriteOnly | OpenFlags.Create);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"cannot touch {Io.Quote(name)}");
                    status = 1;
                    continue;
                }
                yield return new Close(p.Result.Fd);
                if (!setsTimes) continue;
            }
            if (exists || (setsTimes && !o.Has('c')))
            {
                yield return Io.Complain(p, $"setting times of {Io.Quote(name)}: {Errno.ENOSYS.Describe()}");
                status = 1;
            }
        }
        yield return new Exit(status);
    }
}
