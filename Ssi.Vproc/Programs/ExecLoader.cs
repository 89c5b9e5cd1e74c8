// execve's lookup: the file's permissions, its #!ssi-program line, and the program it names.
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Service;

namespace Ssi.Vproc.Programs;

public static class ExecLoader
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(long Ino, long Mtime, long Ctime, long Size), byte[]> Heads = new();

    /// <summary>Largest program assembly read from the root image.</summary>
    public const int MaxAssembly = 64 << 20;

    /// <summary>
    /// Finds the program at <paramref name="path"/> as <paramref name="who"/>: ENOENT if missing, EACCES unless it is a
    /// regular file the caller may execute, ENOEXEC unless it names a program. The answer is a Program or an Outcome failure.
    /// </summary>
    public static async Task<Outcome<Program>> LoadAsync(IActorRef fs, ProgramCatalog catalog, Credentials who, string path, TimeSpan timeout)
    {
        var stat = await fs.Ask<object>(new FsStat(who, path), timeout);
        if (stat is Failed failed) return Outcome<Program>.Fail(failed.Errno, path);
        var attributes = ((FsAttributes)stat).Attributes;
        if (attributes.Type != InodeType.Regular) return Outcome<Program>.Fail(Errno.EACCES, path);
        if (Access.Check(attributes, who, AccessMode.Execute) is { } denied) return Outcome<Program>.Fail(denied, path);
        // Linux needs only x on a binary; the program file is read as the system does, not as the caller. Its first
        // line is kept per version of the inode (any write changes mtime and ctime), so a busy program's inode owner
        // is not asked at every exec.
        var version = (attributes.Ino.Value, attributes.Mtime.UtcTicks, attributes.Ctime.UtcTicks, attributes.Size);
        if (!Heads.TryGetValue(version, out var content))
        {
            var head = await fs.Ask<object>(new FsRead(Credentials.Root, path, 0, 4096), timeout);
            if (head is Failed headFailed) return Outcome<Program>.Fail(headFailed.Errno, path);
            content = ((FsData)head).Data;
            if (Heads.Count > 4096) Heads.Clear();
            Heads[version] = content;
        }
        var reference = ProgramCatalog.Parse(content);
        if (!reference.IsOk) return reference.Propagate<Program>();
        switch (reference.Value)
        {
            case ProgramCatalog.Builtin builtin: return catalog.Create(builtin);
            case ProgramCatalog.InAssembly inAssembly:
                var assemblyStat = await fs.Ask<object>(new FsStat(Credentials.Root, inAssembly.AssemblyPath), timeout);
                if (assemblyStat is Failed missing) return Outcome<Program>.Fail(missing.Errno, inAssembly.AssemblyPath);
                var a = ((FsAttributes)assemblyStat).Attributes;
                if (a.Type != InodeType.Regular || a.Uid != 0 || (a.Mode & 0x12) != 0)
                    return Outcome<Program>.Fail(Errno.EACCES, $"{inAssembly.AssemblyPath}: a program assembly must be a file of root's that only root may write");
                if (a.Size > MaxAssembly) return Outcome<Program>.Fail(Errno.E2BIG, inAssembly.AssemblyPath);
                var bytes = await ReadAllAsync(fs, inAssembly.AssemblyPath, a.Size, timeout);
                if (!bytes.IsOk) return bytes.Propagate<Program>();
                var key = $"{a.Ino.Value}:{a.Mtime.UtcTicks}:{a.Size}";
                return catalog.Create(inAssembly, key, () => bytes.Value);
            default: return Outcome<Program>.Fail(Errno.ENOEXEC, path);
        }
    }

    private static async Task<Outcome<byte[]>> ReadAllAsync(IActorRef fs, string path, long size, TimeSpan timeout)
    {
        var all = new MemoryStream((int)size);
        while (all.Length < size)
        {
            var chunk = await fs.Ask<object>(new FsRead(Credentials.Root, path, all.Length, 1 << 20), timeout);
            if (chunk is Failed failed) return Outcome<byte[]>.Fail(failed.Errno, path);
            var data = ((FsData)chunk).Data;
            if (data.Length == 0) break;
            all.Write(data);
        }
        return all.ToArray();
    }
}
