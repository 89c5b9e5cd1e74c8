// The file-system calls with their Unix permission checks: path walk, then Access rules, then one store transaction.
using Ssi.Actors.Errors;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Storage;

namespace Ssi.Cfs.Namespace;

/// <summary>
/// What stat, mkdir, creat, unlink, rmdir, rename, link, symlink, readlink, chmod, chown, truncate, readdir and
/// utimes do, for a caller with credentials. Modes given here are already masked by the caller's umask.
/// Stateless; the store owns all state, so any node may run these against the shared store.
/// </summary>
public sealed class FileSystemOperations(IInodeStore store)
{
    private readonly PathWalker _walker = new(store);

    public Outcome<InodeAttributes> Stat(string path, Credentials who) => Walk(path, who, followLast: true);

    public Outcome<InodeAttributes> Lstat(string path, Credentials who) => Walk(path, who, followLast: false);

    public Outcome<InodeAttributes> Mkdir(string path, Credentials who, int mode) =>
        CreateEntry(path, who, InodeType.Directory, mode, null);

    /// <summary>creat(2) with O_EXCL: a new regular file; EEXIST if the name is taken.</summary>
    public Outcome<InodeAttributes> CreateFile(string path, Credentials who, int mode) =>
        CreateEntry(path, who, InodeType.Regular, mode, null);

    public Outcome<InodeAttributes> MakeFifo(string path, Credentials who, int mode) =>
        CreateEntry(path, who, InodeType.Fifo, mode, null);

    public Outcome<InodeAttributes> Symlink(string target, string path, Credentials who) =>
        CreateEntry(path, who, InodeType.Symlink, 0x1FF, target);

    public Outcome<string> Readlink(string path, Credentials who)
    {
        var link = Walk(path, who, followLast: false);
        if (!link.IsOk) return link.Propagate<string>();
        return link.Value.Type == InodeType.Symlink ? store.ReadLink(link.Value.Ino) : Outcome<string>.Fail(Errno.EINVAL, path);
    }

    public Outcome<IReadOnlyList<DirectoryEntry>> ReadDirectory(string path, Credentials who)
    {
        var dir = Walk(path, who, followLast: true);
        if (!dir.IsOk) return dir.Propagate<IReadOnlyList<DirectoryEntry>>();
        if (!dir.Value.IsDirectory) return Outcome<IReadOnlyList<DirectoryEntry>>.Fail(Errno.ENOTDIR, path);
        if (Access.Check(dir.Value, who, AccessMode.Read) is { } denied) return Outcome<IReadOnlyList<DirectoryEntry>>.Fail(denied, path);
        return store.ReadDirectory(dir.Value.Ino);
    }

    public Outcome<InodeNumber> Unlink(string path, Credentials who) => RemoveEntry(path, who, directory: false);

    public Outcome<InodeNumber> Rmdir(string path, Credentials who) => RemoveEntry(path, who, directory: true);

    public Outcome<InodeAttributes> Link(string existing, string path, Credentials who)
    {
        var target = Walk(existing, who, followLast: false);
        if (!target.IsOk) return target;
        var parent = Parent(path, who);
        if (!parent.IsOk) return parent.Propagate<InodeAttributes>();
        var (dir, name) = parent.Value;
        if (Access.Check(dir, who, AccessMode.Write | AccessMode.Execute) is { } denied) return Outcome<InodeAttributes>.Fail(denied, path);
        return store.Link(target.Value.Ino, dir.Ino, name);
    }

    /// <summary>
    /// rename(2): write and search on both directories; the sticky rules for the source and for a replaced target;
    /// a directory that changes parent needs write permission on itself, to rewrite its "..".
    /// </summary>
    public Outcome<bool> Rename(string from, string to, Credentials who)
    {
        var source = Parent(from, who);
        if (!source.IsOk) return source.Propagate<bool>();
        var target = Parent(to, who);
        if (!target.IsOk) return target.Propagate<bool>();
        var (fromDir, fromName) = source.Value;
        var (toDir, toName) = target.Value;
        var moving = Entry(fromDir, fromName);
        if (!moving.IsOk) return moving.Propagate<bool>();
        if (Access.CheckRemoveEntry(fromDir, moving.Value, who) is { } denied) return Outcome<bool>.Fail(denied, from);
        if (Access.Check(toDir, who, AccessMode.Write | AccessMode.Execute) is { } deniedTarget) return Outcome<bool>.Fail(deniedTarget, to);
        if (Entry(toDir, toName) is { IsOk: true } replaced && Access.CheckRemoveEntry(toDir, replaced.Value, who) is { } deniedReplace)
            return Outcome<bool>.Fail(deniedReplace, to);
        if (moving.Value.IsDirectory && fromDir.Ino != toDir.Ino && Access.Check(moving.Value, who, AccessMode.Write) is { } deniedDotDot)
            return Outcome<bool>.Fail(deniedDotDot, from);
        return store.Rename(fromDir.Ino, fromName, toDir.Ino, toName);
    }

    public Outcome<InodeAttributes> Chmod(string path, Credentials who, int mode)
    {
        var inode = Walk(path, who, followLast: true);
        if (!inode.IsOk) return inode;
        var (newMode, error) = Access.Chmod(inode.Value, who, mode);
        return error is { } e ? Outcome<InodeAttributes>.Fail(e, path) : store.SetAttributes(inode.Value.Ino, mode: newMode);
    }

    public Outcome<InodeAttributes> Chown(string path, Credentials who, int uid, int gid)
    {
        var inode = Walk(path, who, followLast: true);
        if (!inode.IsOk) return inode;
        var (newUid, newGid, newMode, error) = Access.Chown(inode.Value, who, uid, gid);
        return error is { } e ? Outcome<InodeAttributes>.Fail(e, path) : store.SetAttributes(inode.Value.Ino, newMode, newUid, newGid);
    }

    public Outcome<InodeAttributes> Truncate(string path, Credentials who, long size)
    {
        var inode = Walk(path, who, followLast: true);
        if (!inode.IsOk) return inode;
        if (inode.Value.IsDirectory) return Outcome<InodeAttributes>.Fail(Errno.EISDIR, path);
        if (Access.Check(inode.Value, who, AccessMode.Write) is { } denied) return Outcome<InodeAttributes>.Fail(denied, path);
        return store.Truncate(inode.Value.Ino, size);
    }

    /// <summary>
    /// utimes(2): setting explicit times is for the owner or root (EPERM); setting them to now (null) needs only write
    /// permission (EACCES), as Linux's utimensat with UTIME_NOW.
    /// </summary>
    public Outcome<InodeAttributes> Utimes(string path, Credentials who, DateTimeOffset? atime, DateTimeOffset? mtime)
    {
        var inode = Walk(path, who, followLast: true);
        if (!inode.IsOk) return inode;
        var owner = who.IsRoot || who.Uid == inode.Value.Uid;
        if (atime is not null || mtime is not null)
        {
            if (!owner) return Outcome<InodeAttributes>.Fail(Errno.EPERM, path);
        }
        else if (!owner && !Access.Allows(inode.Value, who, AccessMode.Write))
        {
            return Outcome<InodeAttributes>.Fail(Errno.EACCES, path);
        }
        var now = DateTimeOffset.UtcNow;
        return store.SetAttributes(inode.Value.Ino, atime: atime ?? now, mtime: mtime ?? now);
    }

    /// <summary>Reads file data, checking read permission as open(O_RDONLY) would.</summary>
    public Outcome<byte[]> Read(string path, Credentials who, long offset, int count)
    {
        var inode = Walk(path, who, followLast: true);
        if (!inode.IsOk) return inode.Propagate<byte[]>();
        if (inode.Value.IsDirectory) return Outcome<byte[]>.Fail(Errno.EISDIR, path);
        if (Access.Check(inode.Value, who, AccessMode.Read) is { } denied) return Outcome<byte[]>.Fail(denied, path);
        return store.Read(inode.Value.Ino, offset, count);
    }

    /// <summary>Writes file data, checking write permission as open(O_WRONLY) would.</summary>
    public Outcome<InodeAttributes> Write(string path, Credentials who, long offset, ReadOnlyMemory<byte> data)
    {
        var inode = Walk(path, who, followLast: true);
        if (!inode.IsOk) return inode;
        if (inode.Value.IsDirectory) return Outcome<InodeAttributes>.Fail(Errno.EISDIR, path);
        if (Access.Check(inode.Value, who, AccessMode.Write) is { } denied) return Outcome<InodeAttributes>.Fail(denied, path);
        return store.Write(inode.Value.Ino, offset, data);
    }

    /// <summary>
    /// New entries need write and search on the directory. The owner is the caller; the group is the caller's, or the
    /// directory's when the directory is set-gid (and a new directory then inherits the set-gid bit), as on Linux.
    /// </summary>
    private Outcome<InodeAttributes> CreateEntry(string path, Credentials who, InodeType type, int mode, string? target)
    {
        var parent = Parent(path, who);
        if (!parent.IsOk) return parent.Propagate<InodeAttributes>();
        var (dir, name) = parent.Value;
        if (Access.Check(dir, who, AccessMode.Write | AccessMode.Execute) is { } denied) return Outcome<InodeAttributes>.Fail(denied, path);
        var inheritGroup = (dir.Mode & ModeBits.SetGid) != 0;
        var gid = inheritGroup ? dir.Gid : who.Gid;
        if (inheritGroup && type == InodeType.Directory) mode |= ModeBits.SetGid;
        return store.Create(dir.Ino, name, new NewInode(type, mode, who.Uid, gid, target));
    }

    private Outcome<InodeNumber> RemoveEntry(string path, Credentials who, bool directory)
    {
        var parent = Parent(path, who);
        if (!parent.IsOk) return parent.Propagate<InodeNumber>();
        var (dir, name) = parent.Value;
        var victim = Entry(dir, name);
        if (!victim.IsOk) return victim.Propagate<InodeNumber>();
        if (Access.CheckRemoveEntry(dir, victim.Value, who) is { } denied) return Outcome<InodeNumber>.Fail(denied, path);
        return directory ? store.RemoveDirectory(dir.Ino, name) : store.Unlink(dir.Ino, name);
    }

    private Outcome<InodeAttributes> Entry(InodeAttributes dir, string name)
    {
        var ino = store.Lookup(dir.Ino, name);
        return ino.IsOk ? store.Get(ino.Value) : Outcome<InodeAttributes>.Fail(ino.Error!.Value, name);
    }

    private Outcome<InodeAttributes> Walk(string path, Credentials who, bool followLast)
    {
        var parsed = PathName.Parse(path);
        return parsed.IsOk ? _walker.Resolve(parsed.Value, who, followLast) : parsed.Propagate<InodeAttributes>();
    }

    private Outcome<(InodeAttributes Directory, string Name)> Parent(string path, Credentials who)
    {
        var parsed = PathName.Parse(path);
        return parsed.IsOk ? _walker.ResolveParent(parsed.Value, who) : parsed.Propagate<(InodeAttributes, string)>();
    }
}
