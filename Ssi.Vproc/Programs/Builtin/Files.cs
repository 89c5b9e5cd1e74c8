// mkdir and mv (rm and cp have files of their own): changing the name space of the cluster file system, with coreutils' messages and exit codes.
using Ssi.Actors.Errors;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>Path text as the file programs need it: basename, joining, and the parent directories of a path.</summary>
public static class PathText
{
    public static string BaseName(string path)
    {
        var trimmed = path.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed[(trimmed.LastIndexOf('/') + 1)..];
    }

    public static string Join(string directory, string name) => directory.EndsWith('/') ? directory + name : directory + "/" + name;

    /// <summary>"a", "a/b" for "a/b/c" (each prefix that names a directory to make for mkdir -p), without the path itself.</summary>
    public static List<string> Parents(string path)
    {
        var parents = new List<string>();
        var trimmed = path.TrimEnd('/');
        for (var i = trimmed.IndexOf('/', 1); i > 0; i = trimmed.IndexOf('/', i + 1))
            if (trimmed[i - 1] != '/') parents.Add(trimmed[..i]);
        return parents;
    }

    /// <summary>An absolute path without "." , ".." or repeated slashes, for comparing where two paths lead.</summary>
    public static string Normalise(string cwd, string path)
    {
        var parts = new List<string>();
        foreach (var part in (path.StartsWith('/') ? path : cwd + "/" + path).Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
            }
            else parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }
}

/// <summary>mkdir [-pv] [-m MODE] DIR...: -m sets the mode exactly (the umask is cleared around the call).</summary>
public sealed class Mkdir : Program
{
    private const string Usage = """
        Usage: mkdir [OPTION]... DIRECTORY...
        Create the DIRECTORY(ies), if they do not already exist.
          -m, --mode=MODE   set file mode (as in chmod), not a=rwx - umask
          -p, --parents     no error if existing, make parent directories as needed
          -v, --verbose     print a message for each created directory

        """;

    private static readonly OptionSpec Spec = new("m:pv", ["mode=m", "parents=p", "verbose=v"], Usage);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o) || o.Operands.Count == 0)
        {
            foreach (var call in CommandLine.Ends(o) ? CommandLine.End(p, Spec, o) : CommandLine.Refuse(p, Spec, "missing operand")) yield return call;
            yield break;
        }
        yield return new Umask(0);
        var umask = p.Result.Int;
        var mode = 0x1FF & ~umask;
        if (o.Value('m') is { } text)
        {
            if (ModeText.Parse(text, umask) is not { } parsed)
            {
                yield return new Umask(umask);
                yield return Io.Complain(p, $"invalid mode {Io.Quote(text)}");
                yield return new Exit(1);
                yield break;
            }
            mode = parsed;
        }
        // Parents made by -p get u+wx so that the rest of the path can be made inside them, as coreutils does.
        var parentMode = (0x1FF & ~umask) | 0xC0;
        var status = 0;
        for (var i = 0; i < o.Operands.Count; i++)
        {
            var dir = o.Operands[i];
            var parents = o.Has('p') ? PathText.Parents(dir) : [];
            var failed = false;
            for (var j = 0; j < parents.Count && !failed; j++)
            {
                yield return new Programs.Mkdir(parents[j], parentMode);
                if (!p.Failed)
                {
                    if (o.Has('v')) yield return Io.Out($"mkdir: created directory {Io.Quote(parents[j])}\n");
                    continue;
                }
                if (p.Result.Error != Errno.EEXIST)
                {
                    yield return Io.Report(p, $"cannot create directory {Io.Quote(parents[j])}");
                    failed = true;
                }
            }
            if (failed)
            {
                status = 1;
                continue;
            }
            yield return new Programs.Mkdir(dir, mode);
            if (p.Failed && p.Result.Error == Errno.EEXIST && o.Has('p'))
            {
                // -p accepts a directory that is there already, and nothing else.
                yield return new Stat(dir);
                if (!p.Failed && p.Result.Stat!.IsDirectory) continue;
                yield return Io.Complain(p, $"cannot create directory {Io.Quote(dir)}", Errno.EEXIST);
                status = 1;
            }
            else if (p.Failed)
            {
                yield return Io.Report(p, $"cannot create directory {Io.Quote(dir)}");
                status = 1;
            }
            else if (o.Has('v')) yield return Io.Out($"mkdir: created directory {Io.Quote(dir)}\n");
        }
        yield return new Umask(umask);
        yield return new Exit(status);
    }
}

/// <summary>Modes as chmod and mkdir -m take them: octal, or symbolic clauses like "u=rwx,go-w".</summary>
public static class ModeText
{
    /// <summary>The mode for a new node, from <paramref name="start"/> (0777 for a directory); null if the text is not a mode.</summary>
    public static int? Parse(string text, int umask, int start = 0x1FF)
    {
        if (text.Length > 0 && text.All(c => c is >= '0' and <= '7'))
            return text.Length <= 4 ? Convert.ToInt32(text, 8) : null;
        var mode = start;
        foreach (var clause in text.Split(','))
        {
            var i = 0;
            var who = 0;
            for (; i < clause.Length && clause[i] is 'u' or 'g' or 'o' or 'a'; i++)
                who |= clause[i] switch { 'u' => 0x9C0, 'g' => 0x438, 'o' => 0x207, _ => 0xFFF };
            if (i == clause.Length) return null;
            // Without u, g, o or a the umask limits what + and = give, as in chmod(1).
            var mask = who == 0 ? 0xFFF & ~umask : who;
            while (i < clause.Length)
            {
                var op = clause[i++];
                if (op is not ('+' or '-' or '=')) return null;
                var bits = 0;
                for (; i < clause.Length && clause[i] is 'r' or 'w' or 'x' or 'X' or 's' or 't'; i++)
                    bits |= clause[i] switch { 'r' => 0x124, 'w' => 0x92, 'x' or 'X' => 0x49, 's' => 0xC00, _ => 0x200 };
                bits &= mask;
                mode = op switch
                {
                    '+' => mode | bits,
                    '-' => mode & ~bits,
                    _ => (mode & ~(who == 0 ? 0xFFF : who)) | bits,
                };
            }
        }
        return mode;
    }
}

/// <summary>
/// mv [-finv] SOURCE... DEST, or -t DIRECTORY SOURCE...: rename(2), into DEST when it is a directory. The last of -f,
/// -i and -n decides what happens to an existing target: replaced, asked about (a line of stdin), or kept.
/// </summary>
public sealed class Mv : Program
{
    private const string Usage = """
        Usage: mv [OPTION]... [-T] SOURCE DEST
          or:  mv [OPTION]... SOURCE... DIRECTORY
          or:  mv [OPTION]... -t DIRECTORY SOURCE...
        Rename SOURCE to DEST, or move SOURCE(s) to DIRECTORY.
          -f, --force                  do not prompt before overwriting
          -i, --interactive            prompt before overwrite
          -n, --no-clobber             do not overwrite an existing file
          -t, --target-directory=DIRECTORY  move all SOURCE arguments into DIRECTORY
          -T, --no-target-directory    treat DEST as a normal file
          -v, --verbose                explain what is being done

        """;

    private static readonly OptionSpec Spec = new("fint:Tv",
        ["force=f", "interactive=i", "no-clobber=n", "target-directory=t", "no-target-directory=T", "verbose=v"], Usage);

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
        var complaint = directory is not null && o.Has('T') ? "cannot combine --target-directory (-t) and --no-target-directory (-T)"
            : operands.Count == 0 ? "missing file operand"
            : directory is null && operands.Count == 1 ? $"missing destination file operand after {Io.Quote(operands[0])}"
            : o.Has('T') && operands.Count > 2 ? $"extra operand {Io.Quote(operands[2])}"
            : null;
        if (complaint is not null)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, complaint)) yield return call;
            yield break;
        }
        var onExisting = o.LastOf("fin") ?? 'f';
        var dest = directory ?? operands[^1];
        string[] sources = directory is null ? [.. operands.Take(operands.Count - 1)] : [.. operands];
        var intoDirectory = false;
        if (!o.Has('T'))
        {
            yield return new Stat(dest);
            intoDirectory = !p.Failed && p.Result.Stat!.IsDirectory;
            if (directory is not null && p.Failed)
            {
                yield return Io.Report(p, $"failed to access {Io.Quote(dest)}");
                yield return new Exit(1);
                yield break;
            }
            if ((sources.Length > 1 || directory is not null) && !intoDirectory)
            {
                yield return Io.Complain(p, $"target {Io.Quote(dest)} is not a directory");
                yield return new Exit(1);
                yield break;
            }
        }
        var prompt = new Prompt();
        var status = 0;
        for (var i = 0; i < sources.Length; i++)
        {
            var source = sources[i];
            var target = intoDirectory ? PathText.Join(dest, PathText.BaseName(source)) : dest;
            yield return new Stat(source, FollowLast: false);
            if (p.Failed)
            {
                yield return Io.Report(p, $"cannot stat {Io.Quote(source)}");
                status = 1;
                continue;
            }
            var from = p.Result.Stat!;
            yield return new Stat(target, FollowLast: false);
            if (!p.Failed)
            {
                if (p.Result.Stat!.Ino == from.Ino)
                {
                    yield return Io.Complain(p, $"{Io.Quote(source)} and {Io.Quote(target)} are the same file");
                    status = 1;
                    continue;
                }
                if (onExisting == 'n') continue;
                if (onExisting == 'i')
                {
                    foreach (var call in prompt.Ask(p, $"overwrite {Io.Quote(target)}?")) yield return call;
                    if (!prompt.Yes) continue;
                }
            }
            yield return new Rename(source, target);
            if (p.Failed)
            {
                yield return p.Result.Error == Errno.EINVAL && from.IsDirectory
                    ? Io.Complain(p, $"cannot move {Io.Quote(source)} to a subdirectory of itself, {Io.Quote(target)}")
                    : Io.Report(p, $"cannot move {Io.Quote(source)} to {Io.Quote(target)}");
                status = 1;
            }
            else if (o.Has('v')) yield return Io.Out($"renamed {Io.Quote(source)} -> {Io.Quote(target)}\n");
        }
        yield return new Exit(status);
    }
}
