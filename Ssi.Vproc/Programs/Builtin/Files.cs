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
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Options.Parse(p.Args.Skip(1), "pvm:");
        if (o.Error is not null || o.Operands.Count == 0)
        {
            yield return Io.Complain(p, o.Error ?? "missing operand");
            yield return Io.Err("Usage: mkdir [-pv] [-m MODE] DIRECTORY...\n");
            yield return new Exit(1);
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
                yield return Io.Complain(p, $"cannot create directory {Io.Quote(dir)}: {Errno.EEXIST.Describe()}");
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

/// <summary>mv [-fnv] SOURCE... DEST: rename(2), into DEST when it is a directory; -n never replaces a file.</summary>
public sealed class Mv : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Options.Parse(p.Args.Skip(1), "fnv");
        if (o.Error is not null || o.Operands.Count < 2)
        {
            yield return Io.Complain(p, o.Error ?? (o.Operands.Count == 0
                ? "missing file operand"
                : $"missing destination file operand after {Io.Quote(o.Operands[0])}"));
            yield return Io.Err("Usage: mv [-fnv] SOURCE... DEST\n");
            yield return new Exit(1);
            yield break;
        }
        // The last of -f and -n counts, as in coreutils.
        var noClobber = o.Has('n') && !(o.Has('f') && p.Args.LastIndexOf("-f") > p.Args.LastIndexOf("-n"));
        var dest = o.Operands[^1];
        yield return new Stat(dest);
        var intoDirectory = !p.Failed && p.Result.Stat!.IsDirectory;
        if (o.Operands.Count > 2 && !intoDirectory)
        {
            yield return Io.Complain(p, $"target {Io.Quote(dest)} is not a directory");
            yield return new Exit(1);
            yield break;
        }
        var status = 0;
        for (var i = 0; i < o.Operands.Count - 1; i++)
        {
            var source = o.Operands[i];
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
                if (noClobber) continue;
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
