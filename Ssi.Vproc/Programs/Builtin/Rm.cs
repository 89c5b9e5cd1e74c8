// rm: removing files, and whole trees depth first through readdir, with coreutils' messages and exit codes.
using Ssi.Actors.Errors;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>rm [-dfrRv] PATH...: directories only with -r (depth first through readdir) or, when empty, -d.</summary>
public sealed class Rm : Program
{
    private const string Usage = """
        Usage: rm [OPTION]... [FILE]...
        Remove (unlink) the FILE(s).
          -f, --force           ignore nonexistent files and arguments, never prompt
          -r, -R, --recursive   remove directories and their contents recursively
          -d, --dir             remove empty directories
          -v, --verbose         explain what is being done

        """;

    private static readonly OptionSpec Spec = new("dfrRv", ["dir=d", "force=f", "recursive=R", "verbose=v"], Usage);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o) || (o.Operands.Count == 0 && !o.Has('f')))
        {
            foreach (var call in CommandLine.Ends(o) ? CommandLine.End(p, Spec, o) : CommandLine.Refuse(p, Spec, "missing operand")) yield return call;
            yield break;
        }
        var force = o.Has('f');
        var recursive = o.Has('r') || o.Has('R');
        var verbose = o.Has('v');
        var status = 0;
        for (var i = 0; i < o.Operands.Count; i++)
        {
            var path = o.Operands[i];
            if (PathText.BaseName(path) is "." or "..")
            {
                yield return Io.Complain(p, $"refusing to remove '.' or '..' directory: skipping {Io.Quote(path)}");
                status = 1;
                continue;
            }
            if (recursive && path.StartsWith('/') && path.Trim('/').Length == 0)
            {
                yield return Io.Complain(p, $"it is dangerous to operate recursively on {Io.Quote(path)}");
                yield return Io.Complain(p, "use --no-preserve-root to override this failsafe");
                status = 1;
                continue;
            }
            yield return new Stat(path, FollowLast: false);
            if (p.Failed)
            {
                if (force && p.Result.Error == Errno.ENOENT) continue;
                yield return Io.Report(p, $"cannot remove {Io.Quote(path)}");
                status = 1;
                continue;
            }
            if (!p.Result.Stat!.IsDirectory)
            {
                yield return new Unlink(path);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"cannot remove {Io.Quote(path)}");
                    status = 1;
                }
                else if (verbose) yield return Io.Out($"removed {Io.Quote(path)}\n");
                continue;
            }
            if (!recursive && !o.Has('d'))
            {
                yield return Io.Complain(p, $"cannot remove {Io.Quote(path)}", Errno.EISDIR);
                status = 1;
                continue;
            }
            // Depth first: a directory is listed when first on top of the stack (its files removed, its
            // subdirectories pushed) and removed when on top again. A failure below keeps its ancestors.
            List<string> stack = [path];
            var listed = new HashSet<string>();
            var kept = new HashSet<string>();
            while (stack.Count > 0)
            {
                var dir = stack[^1];
                if (recursive && listed.Add(dir))
                {
                    yield return new ReadDirectory(dir);
                    if (p.Failed)
                    {
                        yield return Io.Report(p, $"cannot remove {Io.Quote(dir)}");
                        status = 1;
                        Keep(stack, kept, dir);
                        continue;
                    }
                    var files = new List<string>();
                    for (var e = 0; e < p.Result.Entries.Length; e++)
                    {
                        var entry = p.Result.Entries[e];
                        if (entry.Name is "." or "..") continue;
                        if (entry.Type == InodeType.Directory) stack.Add(PathText.Join(dir, entry.Name));
                        else files.Add(PathText.Join(dir, entry.Name));
                    }
                    for (var f = 0; f < files.Count; f++)
                    {
                        yield return new Unlink(files[f]);
                        if (p.Failed)
                        {
                            yield return Io.Report(p, $"cannot remove {Io.Quote(files[f])}");
                            status = 1;
                            Keep(stack, kept, files[f]);
                        }
                        else if (verbose) yield return Io.Out($"removed {Io.Quote(files[f])}\n");
                    }
                    continue;
                }
                stack.RemoveAt(stack.Count - 1);
                if (kept.Contains(dir)) continue;
                yield return new Rmdir(dir);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"cannot remove {Io.Quote(dir)}");
                    status = 1;
                    Keep(stack, kept, dir);
                }
                else if (verbose) yield return Io.Out($"removed directory {Io.Quote(dir)}\n");
            }
        }
        yield return new Exit(status);
    }

    /// <summary>Marks the directories on the stack that contain <paramref name="path"/>: they cannot be removed now.</summary>
    private static void Keep(List<string> stack, HashSet<string> kept, string path)
    {
        foreach (var dir in stack)
            if (path == dir || path.StartsWith(PathText.Join(dir, ""), StringComparison.Ordinal)) kept.Add(dir);
    }
}
