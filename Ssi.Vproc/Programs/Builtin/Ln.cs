// ln: hard links and symbolic links, as GNU ln makes them.
using Ssi.Actors.Errors;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// ln [-s] [-f] [-n|-T] TARGET LINK_NAME, or ln [-s] [-f] TARGET... DIRECTORY (or -t DIRECTORY TARGET...). A hard link by
/// default, a symbolic link with -s (its target kept as written); -f removes an existing destination first.
/// </summary>
public sealed class Ln : Program
{
    private static readonly OptionSpec Spec = new("sfnTt:v", ["symbolic=s", "force=f", "no-dereference=n", "no-target-directory=T", "target-directory=t", "verbose=v"], """
        Usage: ln [OPTION]... [-T] TARGET LINK_NAME
          or:  ln [OPTION]... TARGET... DIRECTORY
          or:  ln [OPTION]... -t DIRECTORY TARGET...
        Create a link to TARGET with the name LINK_NAME, or links to each TARGET in DIRECTORY.
        Hard links by default, symbolic links with --symbolic.

          -f, --force                 remove existing destination files
          -n, --no-dereference        treat LINK_NAME as a normal file if it is a symbolic link to a directory
          -s, --symbolic              make symbolic links instead of hard links
          -t, --target-directory=DIRECTORY  specify the DIRECTORY in which to create the links
          -T, --no-target-directory   treat LINK_NAME as a normal file always
          -v, --verbose               print name of each linked file
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
        var operands = o.Operands;
        var directory = o.Value('t');
        if (operands.Count == 0 || (directory is null && operands.Count == 1 && o.Has('T')))
        {
            foreach (var call in CommandLine.Refuse(p, Spec, operands.Count == 0 ? "missing file operand" : $"missing destination file operand after {Io.Quote(operands[0])}")) yield return call;
            yield break;
        }
        if (directory is null && operands.Count > 2 && o.Has('T'))
        {
            foreach (var call in CommandLine.Refuse(p, Spec, $"extra operand {Io.Quote(operands[2])}")) yield return call;
            yield break;
        }
        // Which names to make: into a directory (-t, or a last operand that is one), else the one LINK_NAME given.
        var targets = directory is not null ? operands.ToList() : operands.Count == 1 ? operands.ToList() : operands.Take(operands.Count - 1).ToList();
        if (directory is null && operands.Count == 1) directory = ".";
        if (directory is null && !o.Has('T'))
        {
            var last = operands[^1];
            yield return new Stat(last, FollowLast: !o.Has('n'));
            if (!p.Failed && p.Result.Stat!.Type == InodeType.Directory) directory = last;
            else if (operands.Count > 2)
            {
                yield return Io.Complain(p, $"target {Io.Quote(last)}", p.Failed ? p.Result.Error!.Value : Errno.ENOTDIR);
                yield return new Exit(1);
            }
        }
        var status = 0;
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            var name = directory is null ? operands[^1] : Within(directory, target);
            if (o.Has('f'))
            {
                yield return new Unlink(name);
                if (p.Failed && p.Result.Error is not (Errno.ENOENT or Errno.EISDIR))
                {
                    yield return Io.Report(p, $"cannot remove {Io.Quote(name)}");
                    status = 1;
                    continue;
                }
            }
            yield return o.Has('s') ? new Symlink(target, name) : new Link(target, name);
            if (p.Failed)
            {
                var what = p.Result.Error == Errno.ENOENT && !o.Has('s')
                    ? $"failed to access {Io.Quote(target)}"
                    : $"failed to create {(o.Has('s') ? "symbolic" : "hard")} link {Io.Quote(name)}";
                yield return Io.Report(p, what);
                status = 1;
                continue;
            }
            if (o.Has('v')) yield return Io.Out($"{Io.Quote(name)} -> {Io.Quote(target)}\n");
        }
        yield return new Exit(status);
    }

    /// <summary>DIRECTORY/BASENAME(TARGET), as ln names a link it makes in a directory.</summary>
    private static string Within(string directory, string target)
    {
        var trimmed = target.TrimEnd('/');
        var name = trimmed[(trimmed.LastIndexOf('/') + 1)..];
        return directory.EndsWith('/') ? directory + name : directory + "/" + name;
    }
}
