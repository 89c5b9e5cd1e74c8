// cp: its command line, as GNU cp reads it; Copying does the copy.
namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// cp [OPTION]... SOURCE... DEST, or -t DIRECTORY SOURCE...: files, links and (with -R) trees, as GNU cp. Links named
/// on the command line are followed unless -R, -d, -P or -a says otherwise.
/// </summary>
public sealed class Cp : Program
{
    private const string Usage = """
        Usage: cp [OPTION]... [-T] SOURCE DEST
          or:  cp [OPTION]... SOURCE... DIRECTORY
          or:  cp [OPTION]... -t DIRECTORY SOURCE...
        Copy SOURCE to DEST, or multiple SOURCE(s) to DIRECTORY.
          -a, --archive                same as -dR --preserve=all
          -d                           same as --no-dereference --preserve=links
          -f, --force                  if an existing destination file cannot be opened, remove it and try again
          -i, --interactive            prompt before overwrite
          -H                           follow command-line symbolic links in SOURCE
          -l, --link                   hard link files instead of copying
          -L, --dereference            always follow symbolic links in SOURCE
          -n, --no-clobber             do not overwrite an existing file
          -P, --no-dereference         never follow symbolic links in SOURCE
          -p                           same as --preserve=mode,ownership,timestamps
              --preserve[=ATTR_LIST]   preserve the specified attributes
              --no-preserve=ATTR_LIST  don't preserve the specified attributes
              --parents                use full source file name under DIRECTORY
          -R, -r, --recursive          copy directories recursively
              --remove-destination     remove each existing destination file before attempting to open it
          -s, --symbolic-link          make symbolic links instead of copying
          -t, --target-directory=DIRECTORY  copy all SOURCE arguments into DIRECTORY
          -T, --no-target-directory    treat DEST as a normal file
          -v, --verbose                explain what is being done

        """;

    private static readonly OptionSpec Spec = new("adfHiLlnPpRrst:Tvx",
        ["archive=a", "force=f", "interactive=i", "link=l", "dereference=L", "no-clobber=n", "no-dereference=P", "preserve::",
         "no-preserve:", "parents", "recursive=R", "remove-destination", "symbolic-link=s", "target-directory=t",
         "no-target-directory=T", "verbose=v", "one-file-system=x"], Usage);

    private static readonly string[] Attributes = ["mode", "ownership", "timestamps", "links", "context", "xattr", "all"];

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var run = new Copying();
        var dereference = (Copying.Follow?)null;
        string? complaint = null;
        foreach (var g in o.Given)
        {
            switch (g.Name)
            {
                case "a": (run.Recursive, dereference, run.PreserveLinks, run.PreserveMode) = (true, Copying.Follow.Never, true, true); break;
                case "d": (dereference, run.PreserveLinks) = (Copying.Follow.Never, true); break;
                case "H": dereference = Copying.Follow.CommandLine; break;
                case "L": dereference = Copying.Follow.Always; break;
                case "P": dereference = Copying.Follow.Never; break;
                case "p": run.PreserveMode = true; break;
                case "R" or "r": run.Recursive = true; break;
                case "f": run.Force = true; break;
                case "i": (run.Interactive, run.NoClobber) = (true, false); break;
                case "n": (run.NoClobber, run.Interactive) = (true, false); break;
                case "l": run.HardLink = true; break;
                case "s": run.SymbolicLink = true; break;
                case "v": run.Verbose = true; break;
                case "remove-destination": run.RemoveDestination = true; break;
                case "preserve" or "no-preserve":
                    var keep = g.Name == "preserve";
                    foreach (var attribute in (g.Value ?? "mode,ownership,timestamps").Split(','))
                    {
                        if (!Attributes.Contains(attribute)) complaint ??= $"invalid argument {Io.Quote(attribute)} for '--{g.Name}'";
                        if (attribute is "mode" or "all") run.PreserveMode = keep;
                        if (attribute is "links" or "all") run.PreserveLinks = keep;
                    }
                    break;
            }
        }
        // GNU: -R copies links as links unless -H or -L says otherwise; without -R, links are followed.
        run.Dereference = dereference ?? (run.Recursive ? Copying.Follow.Never : Copying.Follow.Always);
        if (complaint is not null)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, complaint)) yield return call;
            yield break;
        }

        var operands = o.Operands;
        var target = o.Value('t');
        if (target is not null && o.Has('T'))
        {
            foreach (var call in CommandLine.Refuse(p, Spec, "cannot combine --target-directory (-t) and --no-target-directory (-T)")) yield return call;
            yield break;
        }
        if (operands.Count == 0 || (target is null && operands.Count == 1))
        {
            var missing = operands.Count == 0 ? "missing file operand" : $"missing destination file operand after {Io.Quote(operands[0])}";
            foreach (var call in CommandLine.Refuse(p, Spec, missing)) yield return call;
            yield break;
        }
        if (o.Has('T') && operands.Count > 2)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, $"extra operand {Io.Quote(operands[2])}")) yield return call;
            yield break;
        }
        var dest = target ?? operands[^1];
        string[] sources = target is null ? [.. operands.Take(operands.Count - 1)] : [.. operands];
        var intoDirectory = false;
        if (!o.Has('T'))
        {
            yield return new Stat(dest);
            intoDirectory = !p.Failed && p.Result.Stat!.IsDirectory;
            if (target is not null && p.Failed)
            {
                yield return Io.Report(p, $"failed to access {Io.Quote(dest)}");
                yield return new Exit(1);
                yield break;
            }
            var why = (sources.Length > 1 || target is not null) && !intoDirectory ? $"target {Io.Quote(dest)} is not a directory"
                : o.Has("parents") && !intoDirectory ? "with --parents, the destination must be a directory"
                : null;
            if (why is not null)
            {
                yield return Io.Complain(p, why);
                yield return new Exit(1);
                yield break;
            }
        }
        yield return new GetCwd();
        run.Cwd = p.Result.Text;
        foreach (var source in sources) // an array: see Copying.CopyDirectory
        {
            if (o.Has("parents"))
            {
                // The source's own directories are made under DEST first, with the source directories' modes.
                var parents = PathText.Parents(source.TrimStart('/'));
                for (var i = 0; i < parents.Count; i++)
                {
                    var made = PathText.Join(dest, parents[i]);
                    yield return new Stat(made);
                    if (!p.Failed) continue;
                    yield return new Stat(source.StartsWith('/') ? "/" + parents[i] : parents[i]);
                    yield return new Programs.Mkdir(made, p.Failed ? 0x1FF : p.Result.Stat!.Mode & 0xFFF);
                }
                foreach (var call in run.Copy(p, source, PathText.Join(dest, source.TrimStart('/')), commandLine: true)) yield return call;
            }
            else
            {
                var to = intoDirectory ? PathText.Join(dest, PathText.BaseName(source)) : dest;
                foreach (var call in run.Copy(p, source, to, commandLine: true)) yield return call;
            }
        }
        yield return new Exit(run.Status);
    }
}
