// cp: copying files, and directory trees with -r, through open, read and write.
using Ssi.Actors.Identity;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>A status that a helper iterator sets for the program that runs it.</summary>
public sealed class Status
{
    public int Code { get; set; }
}

/// <summary>cp [-rRv] SOURCE... DEST: files, and directory trees with -r; into DEST when it is a directory.</summary>
public sealed class Cp : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Options.Parse(p.Args.Skip(1), "rRv");
        if (o.Error is not null || o.Operands.Count < 2)
        {
            yield return Io.Complain(p, o.Error ?? (o.Operands.Count == 0
                ? "missing file operand"
                : $"missing destination file operand after {Io.Quote(o.Operands[0])}"));
            yield return Io.Err("Usage: cp [-rRv] SOURCE... DEST\n");
            yield return new Exit(1);
            yield break;
        }
        var recursive = o.Has('r') || o.Has('R');
        var dest = o.Operands[^1];
        yield return new Stat(dest);
        var intoDirectory = !p.Failed && p.Result.Stat!.IsDirectory;
        if (o.Operands.Count > 2 && !intoDirectory)
        {
            yield return Io.Complain(p, $"target {Io.Quote(dest)} is not a directory");
            yield return new Exit(1);
            yield break;
        }
        yield return new GetCwd();
        var cwd = p.Result.Text;
        var status = new Status();
        for (var i = 0; i < o.Operands.Count - 1; i++)
        {
            var source = o.Operands[i];
            var target = intoDirectory ? PathText.Join(dest, PathText.BaseName(source)) : dest;
            yield return new Stat(source);
            if (p.Failed)
            {
                yield return Io.Report(p, $"cannot stat {Io.Quote(source)}");
                status.Code = 1;
                continue;
            }
            var from = p.Result.Stat!;
            if (!from.IsDirectory)
            {
                yield return new Stat(target);
                if (!p.Failed && p.Result.Stat!.Ino == from.Ino)
                {
                    yield return Io.Complain(p, $"{Io.Quote(source)} and {Io.Quote(target)} are the same file");
                    status.Code = 1;
                    continue;
                }
                foreach (var call in CopyFile(p, source, target, o.Has('v'), status)) yield return call;
                continue;
            }
            if (!recursive)
            {
                yield return Io.Complain(p, $"-r not specified; omitting directory {Io.Quote(source)}");
                status.Code = 1;
                continue;
            }
            var normalSource = PathText.Normalise(cwd, source);
            var normalTarget = PathText.Normalise(cwd, target);
            if (normalTarget == normalSource || normalTarget.StartsWith(PathText.Join(normalSource, ""), StringComparison.Ordinal))
            {
                yield return Io.Complain(p, $"cannot copy a directory, {Io.Quote(source)}, into itself, {Io.Quote(target)}");
                status.Code = 1;
                continue;
            }
            // Pairs of directories still to copy: make the target, copy the files, push the subdirectories.
            List<string> froms = [source], tos = [target];
            while (froms.Count > 0)
            {
                var fromDir = froms[^1];
                var toDir = tos[^1];
                froms.RemoveAt(froms.Count - 1);
                tos.RemoveAt(tos.Count - 1);
                yield return new Stat(fromDir);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"cannot stat {Io.Quote(fromDir)}");
                    status.Code = 1;
                    continue;
                }
                var mode = p.Result.Stat!.Mode;
                yield return new Stat(toDir);
                if (!p.Failed && !p.Result.Stat!.IsDirectory)
                {
                    yield return Io.Complain(p, $"cannot overwrite non-directory {Io.Quote(toDir)} with directory {Io.Quote(fromDir)}");
                    status.Code = 1;
                    continue;
                }
                if (p.Failed)
                {
                    yield return new Programs.Mkdir(toDir, (mode & ModeBits.Permissions) | ModeBits.OwnerRead | ModeBits.OwnerWrite | ModeBits.OwnerExecute);
                    if (p.Failed)
                    {
                        yield return Io.Report(p, $"cannot create directory {Io.Quote(toDir)}");
                        status.Code = 1;
                        continue;
                    }
                    if (o.Has('v')) yield return Io.Out($"{Io.Quote(fromDir)} -> {Io.Quote(toDir)}\n");
                }
                yield return new ReadDirectory(fromDir);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"cannot access {Io.Quote(fromDir)}");
                    status.Code = 1;
                    continue;
                }
                var files = new List<string>();
                for (var e = 0; e < p.Result.Entries.Length; e++)
                {
                    var entry = p.Result.Entries[e];
                    if (entry.Name is "." or "..") continue;
                    if (entry.Type != InodeType.Directory) files.Add(entry.Name);
                    else
                    {
                        froms.Add(PathText.Join(fromDir, entry.Name));
                        tos.Add(PathText.Join(toDir, entry.Name));
                    }
                }
                for (var f = 0; f < files.Count; f++)
                    foreach (var call in CopyFile(p, PathText.Join(fromDir, files[f]), PathText.Join(toDir, files[f]), o.Has('v'), status))
                        yield return call;
            }
        }
        yield return new Exit(status.Code);
    }

    /// <summary>Copies one file's bytes; a new target gets the source's permissions less the umask, as cp without -p.</summary>
    private static IEnumerable<SystemCall> CopyFile(ProcessContext p, string from, string to, bool verbose, Status status)
    {
        yield return new Open(from);
        if (p.Failed)
        {
            yield return Io.Report(p, $"cannot open {Io.Quote(from)} for reading");
            status.Code = 1;
            yield break;
        }
        var input = p.Result.Fd;
        yield return new Fstat(input);
        var mode = p.Failed ? 0x1B6 : p.Result.Stat!.Mode & ModeBits.Permissions;
        yield return new Open(to, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Truncate, mode);
        if (p.Failed)
        {
            yield return Io.Report(p, $"cannot create regular file {Io.Quote(to)}");
            status.Code = 1;
            yield return new Close(input);
            yield break;
        }
        var output = p.Result.Fd;
        while (true)
        {
            yield return new Read(input, Io.Chunk);
            if (p.Failed)
            {
                yield return Io.Report(p, $"error reading {Io.Quote(from)}");
                status.Code = 1;
                break;
            }
            if (p.Result.Data.Length == 0) break;
            yield return new Write(output, p.Result.Data);
            if (p.Failed)
            {
                yield return Io.Report(p, $"error writing {Io.Quote(to)}");
                status.Code = 1;
                break;
            }
        }
        yield return new Close(input);
        yield return new Close(output);
        if (verbose) yield return Io.Out($"{Io.Quote(from)} -> {Io.Quote(to)}\n");
    }
}
