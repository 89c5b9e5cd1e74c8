// What cp does to one source and, for a directory, to everything under it: GNU cp's copy_internal, in system calls.
using Ssi.Actors.Errors;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>One run of cp: its settings, and what it has done so far (status, the inodes copied for -d). Plain data.</summary>
public sealed class Copying
{
    public enum Follow
    {
        Never,
        CommandLine,
        Always,
    }

    public bool Recursive { get; set; }
    public Follow Dereference { get; set; }
    public bool PreserveLinks { get; set; }
    public bool PreserveMode { get; set; }
    public bool Force { get; set; }
    public bool RemoveDestination { get; set; }
    public bool Interactive { get; set; }
    public bool NoClobber { get; set; }
    public bool HardLink { get; set; }
    public bool SymbolicLink { get; set; }
    public bool Verbose { get; set; }
    public string Cwd { get; set; } = "/";
    public int Status { get; private set; }

    /// <summary>Where each source inode with other names went, so that -d gives the copies one inode too.</summary>
    private readonly Dictionary<long, string> _copiedInodes = [];
    private readonly Prompt _prompt = new();

    public IEnumerable<SystemCall> Copy(ProcessContext p, string source, string target, bool commandLine)
    {
        var follow = Dereference == Follow.Always || (Dereference == Follow.CommandLine && commandLine);
        yield return new Stat(source, FollowLast: follow);
        if (p.Failed)
        {
            foreach (var call in Fail(p, $"cannot stat {Io.Quote(source)}")) yield return call;
            yield break;
        }
        var from = p.Result.Stat!;
        if (from.IsDirectory)
        {
            foreach (var call in CopyDirectory(p, source, target, from, commandLine)) yield return call;
            yield break;
        }
        yield return new Stat(target, FollowLast: from.Type != InodeType.Symlink);
        var existing = p.Failed ? null : p.Result.Stat;
        if (existing is not null)
        {
            if (existing.Ino == from.Ino)
            {
                foreach (var call in Fail(p, $"{Io.Quote(source)} and {Io.Quote(target)} are the same file", errno: false)) yield return call;
                yield break;
            }
            if (existing.IsDirectory)
            {
                foreach (var call in Fail(p, $"cannot overwrite directory {Io.Quote(target)} with non-directory", errno: false)) yield return call;
                yield break;
            }
            if (NoClobber) yield break;
            if (Interactive)
            {
                foreach (var call in _prompt.Ask(p, $"overwrite {Io.Quote(target)}?")) yield return call;
                if (!_prompt.Yes) yield break;
            }
            // GNU removes what is in the way of anything but a regular file's copy, and of a link to an inode already copied.
            var copiedBefore = PreserveLinks && from.Nlink > 1 && _copiedInodes.ContainsKey(from.Ino.Value);
            if (RemoveDestination || from.Type == InodeType.Symlink || HardLink || SymbolicLink || copiedBefore)
            {
                yield return new Unlink(target);
                if (p.Failed)
                {
                    foreach (var call in Fail(p, $"cannot remove {Io.Quote(target)}")) yield return call;
                    yield break;
                }
            }
        }
        if (SymbolicLink || HardLink || from.Type == InodeType.Symlink)
        {
            foreach (var call in MakeLink(p, source, target, from)) yield return call;
            yield break;
        }
        if (PreserveLinks && from.Nlink > 1 && _copiedInodes.TryGetValue(from.Ino.Value, out var first))
        {
            yield return new Link(first, target);
            if (p.Failed) foreach (var call in Fail(p, $"cannot create hard link {Io.Quote(target)} to {Io.Quote(first)}")) yield return call;
            yield break;
        }
        foreach (var call in CopyFile(p, source, target, from)) yield return call;
        if (PreserveLinks && from.Nlink > 1) _copiedInodes.TryAdd(from.Ino.Value, target);
    }

    private IEnumerable<SystemCall> CopyDirectory(ProcessContext p, string source, string target, InodeAttributes from, bool commandLine)
    {
        if (!Recursive)
        {
            foreach (var call in Fail(p, $"-r not specified; omitting directory {Io.Quote(source)}", errno: false)) yield return call;
            yield break;
        }
        var normalSource = PathText.Normalise(Cwd, source);
        var normalTarget = PathText.Normalise(Cwd, target);
        if (commandLine && (normalTarget == normalSource || normalTarget.StartsWith(PathText.Join(normalSource, ""), StringComparison.Ordinal)))
        {
            foreach (var call in Fail(p, $"cannot copy a directory, {Io.Quote(source)}, into itself, {Io.Quote(target)}", errno: false)) yield return call;
            yield break;
        }
        yield return new Stat(target);
        if (!p.Failed && !p.Result.Stat!.IsDirectory)
        {
            foreach (var call in Fail(p, $"cannot overwrite non-directory {Io.Quote(target)} with directory {Io.Quote(source)}", errno: false)) yield return call;
            yield break;
        }
        if (p.Failed)
        {
            // Made searchable and writable for its own entries; -p gives it the source's mode at the end.
            yield return new Programs.Mkdir(target, (from.Mode & ModeBits.Permissions) | ModeBits.OwnerRead | ModeBits.OwnerWrite | ModeBits.OwnerExecute);
            if (p.Failed)
            {
                foreach (var call in Fail(p, $"cannot create directory {Io.Quote(target)}")) yield return call;
                yield break;
            }
            if (Verbose) yield return Io.Out($"{Io.Quote(source)} -> {Io.Quote(target)}\n");
        }
        yield return new ReadDirectory(source);
        if (p.Failed)
        {
            foreach (var call in Fail(p, $"cannot access {Io.Quote(source)}")) yield return call;
            yield break;
        }
        // An array and an index across the yields: a restored List's enumerator would see the list as modified.
        var names = p.Result.Entries.Select(e => e.Name).Where(n => n is not ("." or "..")).ToArray();
        for (var i = 0; i < names.Length; i++)
            foreach (var call in Copy(p, PathText.Join(source, names[i]), PathText.Join(target, names[i]), commandLine: false))
                yield return call;
        if (PreserveMode) yield return new Chmod(target, from.Mode & 0xFFF);
    }

    /// <summary>A symbolic link copied as one (its target as written), or -s and -l in place of a copy.</summary>
    private IEnumerable<SystemCall> MakeLink(ProcessContext p, string source, string target, InodeAttributes from)
    {
        if (HardLink)
        {
            yield return new Link(source, target);
            if (p.Failed) foreach (var call in Fail(p, $"cannot create hard link {Io.Quote(target)} to {Io.Quote(source)}")) yield return call;
            yield break;
        }
        var linkTarget = source;
        if (!SymbolicLink)
        {
            yield return new ReadLink(source);
            if (p.Failed)
            {
                foreach (var call in Fail(p, $"cannot read symbolic link {Io.Quote(source)}")) yield return call;
                yield break;
            }
            linkTarget = p.Result.Text;
        }
        yield return new Symlink(linkTarget, target);
        if (p.Failed)
        {
            foreach (var call in Fail(p, $"cannot create symbolic link {Io.Quote(target)}")) yield return call;
            yield break;
        }
        if (Verbose) yield return Io.Out($"{Io.Quote(source)} -> {Io.Quote(target)}\n");
    }

    /// <summary>A file's bytes; a new target gets the source's permissions less the umask (exactly with -p).</summary>
    private IEnumerable<SystemCall> CopyFile(ProcessContext p, string source, string target, InodeAttributes from)
    {
        yield return new Open(source);
        if (p.Failed)
        {
            foreach (var call in Fail(p, $"cannot open {Io.Quote(source)} for reading")) yield return call;
            yield break;
        }
        var input = p.Result.Fd;
        var mode = from.Mode & ModeBits.Permissions;
        yield return new Open(target, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Truncate, mode);
        if (p.Failed && Force && p.Result.Error != Errno.ENOENT)
        {
            yield return new Unlink(target);
            yield return new Open(target, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Truncate, mode);
        }
        if (p.Failed)
        {
            foreach (var call in Fail(p, $"cannot create regular file {Io.Quote(target)}")) yield return call;
            yield return new Close(input);
            yield break;
        }
        var output = p.Result.Fd;
        while (true)
        {
            yield return new Read(input, Io.Chunk);
            if (p.Failed)
            {
                foreach (var call in Fail(p, $"error reading {Io.Quote(source)}")) yield return call;
                break;
            }
            if (p.Result.Data.Length == 0) break;
            yield return new Write(output, p.Result.Data);
            if (p.Failed)
            {
                foreach (var call in Fail(p, $"error writing {Io.Quote(target)}")) yield return call;
                break;
            }
        }
        yield return new Close(input);
        yield return new Close(output);
        if (PreserveMode) yield return new Chmod(target, from.Mode & 0xFFF);
        if (Verbose) yield return Io.Out($"{Io.Quote(source)} -> {Io.Quote(target)}\n");
    }

    /// <summary>"cp: what[: strerror]" and exit status 1 at the end.</summary>
    private IEnumerable<SystemCall> Fail(ProcessContext p, string what, bool errno = true)
    {
        Status = 1;
        yield return errno ? Io.Report(p, what) : Io.Complain(p, what);
    }
}
