// The file-system calls with their Unix permission checks: path walk, then Access rules, then one store transaction.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Storage;

namespace Ssi.Cfs.Namespace;

/// <summary>
/// What stat, mkdir, creat, mknod, unlink, rmdir, rename, link, symlink, readlink, chmod, chown, truncate, readdir and
/// utimensat do, for a caller with credentials. Modes given here are already masked by the caller's umask.
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

    /// <summary>mknod(2): a FIFO for anyone who may write the directory, a device node for root only (EPERM).</summary>
    public Outcome<InodeAttributes> Mknod(string path, Credentials who, InodeType type, int mode, DeviceNumber device)
    {
        if (Access.CheckMknodType(type) is { } bad) return Outcome<InodeAttributes>.Fail(bad, path);
        return CreateEntry(path, who, type, mode, null, device);
    }

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
        var parent = Parent(path, who, Errno.EEXIST);
        return parent.IsOk ? LinkInto(target.Value.Ino, parent.Value.Directory.Ino, parent.Value.Name, who) : parent.Propagate<InodeAttributes>();
    }

    public Outcome<bool> Rename(string from, string to, Credentials who)
    {
        var source = Parent(from, who, Errno.EBUSY);
        if (!source.IsOk) return source.Propagate<bool>();
        var target = Parent(to, who, Errno.EBUSY);
        if (!target.IsOk) return target.Propagate<bool>();
        return RenameFrom(source.Value.Directory.Ino, source.Value.Name, target.Value.Directory.Ino, target.Value.Name, who);
    }

    public Outcome<InodeAttributes> Chmod(string path, Credentials who, int mode) => OnInode(path, who, ino => ChmodInode(ino, who, mode));

    public Outcome<InodeAttributes> Chown(string path, Credentials who, int uid, int gid) => OnInode(path, who, ino => ChownInode(ino, who, uid, gid));

    public Outcome<InodeAttributes> Truncate(string path, Credentials who, long size) => OnInode(path, who, ino => TruncateInode(ino, who, size));

    /// <summary>utimensat(2) by path; <paramref name="followLast"/> false is AT_SYMLINK_NOFOLLOW (the link's own times).</summary>
    public Outcome<InodeAttributes> Utimes(string path, Credentials who, TimeChange atime, TimeChange mtime, bool followLast = true)
    {
        var inode = Walk(path, who, followLast);
        return inode.IsOk ? UtimesInode(inode.Value.Ino, who, atime, mtime) : inode;
    }

    /// <summary>sync(2), syncfs(2) and fsync(2) alike: the cluster has one store.</summary>
    public Outcome<bool> Sync() => store.Sync();

    public Outcome<StoreUsage> Usage() => store.Usage();

    /// <summary>Reads file data, checking read permission as open(O_RDONLY) would.</summary>
    public Outcome<byte[]> Read(string path, Credentials who, long offset, int count)
    {
        var inode = Walk(path, who, followLast: true);
        return inode.IsOk ? ReadInode(inode.Value.Ino, who, offset, count) : inode.Propagate<byte[]>();
    }

    /// <summary>Writes file data, checking write permission as open(O_WRONLY) would.</summary>
    public Outcome<InodeAttributes> Write(string path, Credentials who, long offset, ReadOnlyMemory<byte> data) =>
        OnInode(path, who, ino => WriteInode(ino, who, offset, data));

    /// <summary>
    /// The first half of open(2), a walk that changes nothing: the inode to open, or, with O_CREAT and a missing
    /// last name, the directory and name to create it in.
    /// </summary>
    public Outcome<(InodeNumber? Existing, InodeNumber Directory, string Name)> ResolveForOpen(string path, Credentials who, OpenFlags flags)
    {
        if ((flags & OpenFlags.Create) != 0)
        {
            var parent = Parent(path, who, Errno.EEXIST);
            if (!parent.IsOk) return parent.Propagate<(InodeNumber?, InodeNumber, string)>();
            var (dir, name) = parent.Value;
            var existing = store.Lookup(dir.Ino, name);
            if (!existing.IsOk && existing.Error == Errno.ENOENT) return ((InodeNumber?)null, dir.Ino, name);
            if (existing.IsOk && (flags & OpenFlags.Exclusive) != 0) return Outcome<(InodeNumber?, InodeNumber, string)>.Fail(Errno.EEXIST, path);
            if (!existing.IsOk) return existing.Propagate<(InodeNumber?, InodeNumber, string)>();
        }
        var inode = Walk(path, who, followLast: (flags & OpenFlags.NoFollow) == 0);
        if (!inode.IsOk) return inode.Propagate<(InodeNumber?, InodeNumber, string)>();
        if (inode.Value.Type == InodeType.Symlink) return Outcome<(InodeNumber?, InodeNumber, string)>.Fail(Errno.ELOOP, path + " is a symlink (O_NOFOLLOW)");
        return ((InodeNumber?)inode.Value.Ino, inode.Value.Ino, "");
    }

    // The calls below act on one inode (for entries, on one directory) that the caller has already found by a walk.
    // Each reads the inode's attributes afresh, so the owner of the inode checks against its current mode and owner.

    /// <summary>
    /// New entries, checked in Linux's order: search on the directory (EACCES), a name already there (EEXIST), write
    /// on the directory (EACCES), then the right to make a device node (EPERM, see <see cref="Access.CheckMakeNode"/>).
    /// </summary>
    public Outcome<InodeAttributes> CreateIn(InodeNumber directory, string name, Credentials who, InodeType type, int mode, string? target,
        DeviceNumber device = default)
    {
        if (IsDot(name)) return Outcome<InodeAttributes>.Fail(Errno.EEXIST, name); // before any permission, as Linux
        var dir = DirectoryAttributes(directory);
        if (!dir.IsOk) return dir;
        if (Access.Check(dir.Value, who, AccessMode.Execute) is { } denied) return Outcome<InodeAttributes>.Fail(denied, name);
        if (store.Lookup(directory, name).IsOk) return Outcome<InodeAttributes>.Fail(Errno.EEXIST, name);
        if (Access.Check(dir.Value, who, AccessMode.Write) is { } deniedWrite) return Outcome<InodeAttributes>.Fail(deniedWrite, name);
        if (Access.CheckMakeNode(type, who) is { } refused) return Outcome<InodeAttributes>.Fail(refused, name);
        var inheritGroup = (dir.Value.Mode & ModeBits.SetGid) != 0;
        var gid = inheritGroup ? dir.Value.Gid : who.Gid;
        if (inheritGroup && type == InodeType.Directory) mode |= ModeBits.SetGid;
        return store.Create(directory, name, new NewInode(type, mode, who.Uid, gid, target, device));
    }

    /// <summary>
    /// unlink and rmdir. A last name "." or ".." is refused before any permission check, as Linux does: rmdir gives
    /// EINVAL for "." and ENOTEMPTY for "..", unlink EISDIR for both.
    /// </summary>
    public Outcome<InodeNumber> RemoveFrom(InodeNumber directory, string name, Credentials who, bool isDirectory)
    {
        if (IsDot(name))
            return Outcome<InodeNumber>.Fail(!isDirectory ? Errno.EISDIR : name == "." ? Errno.EINVAL : Errno.ENOTEMPTY, name);
        var dir = DirectoryAttributes(directory);
        if (!dir.IsOk) return dir.Propagate<InodeNumber>();
        var victim = Entry(dir.Value, name);
        if (!victim.IsOk) return victim.Propagate<InodeNumber>();
        if (Access.CheckRemoveEntry(dir.Value, victim.Value, who) is { } denied) return Outcome<InodeNumber>.Fail(denied, name);
        return isDirectory ? store.RemoveDirectory(directory, name) : store.Unlink(directory, name);
    }

    /// <summary>
    /// link(2), checked in Linux's order: search on the directory (EACCES), a name already there (EEXIST), the
    /// protected-hardlinks rule on the source (EPERM, see <see cref="Access.CheckHardLink"/>), write on the directory.
    /// </summary>
    public Outcome<InodeAttributes> LinkInto(InodeNumber ino, InodeNumber directory, string name, Credentials who)
    {
        if (IsDot(name)) return Outcome<InodeAttributes>.Fail(Errno.EEXIST, name);
        var dir = DirectoryAttributes(directory);
        if (!dir.IsOk) return dir;
        if (Access.Check(dir.Value, who, AccessMode.Execute) is { } denied) return Outcome<InodeAttributes>.Fail(denied, name);
        if (store.Lookup(directory, name).IsOk) return Outcome<InodeAttributes>.Fail(Errno.EEXIST, name);
        var source = store.Get(ino);
        if (!source.IsOk) return source;
        if (Access.CheckHardLink(source.Value, who) is { } refused) return Outcome<InodeAttributes>.Fail(refused, name);
        if (Access.Check(dir.Value, who, AccessMode.Write) is { } deniedWrite) return Outcome<InodeAttributes>.Fail(deniedWrite, name);
        return store.Link(ino, directory, name);
    }

    /// <summary>
    /// rename(2): write and search on both directories; the sticky rules for the source and for a replaced target;
    /// a directory that changes parent needs write permission on itself, to rewrite its "..".
    /// </summary>
    public Outcome<bool> RenameFrom(InodeNumber fromDirectory, string fromName, InodeNumber toDirectory, string toName, Credentials who)
    {
        if (IsDot(fromName) || IsDot(toName)) return Outcome<bool>.Fail(Errno.EBUSY, "cannot rename . or .."); // as Linux, before permissions
        var fromDir = DirectoryAttributes(fromDirectory);
        if (!fromDir.IsOk) return fromDir.Propagate<bool>();
        var toDir = DirectoryAttributes(toDirectory);
        if (!toDir.IsOk) return toDir.Propagate<bool>();
        var moving = Entry(fromDir.Value, fromName);
        if (!moving.IsOk) return moving.Propagate<bool>();
        if (Access.CheckRemoveEntry(fromDir.Value, moving.Value, who) is { } denied) return Outcome<bool>.Fail(denied, fromName);
        if (Access.Check(toDir.Value, who, AccessMode.Write | AccessMode.Execute) is { } deniedTarget) return Outcome<bool>.Fail(deniedTarget, toName);
        if (Entry(toDir.Value, toName) is { IsOk: true } replaced && Access.CheckRemoveEntry(toDir.Value, replaced.Value, who) is { } deniedReplace)
            return Outcome<bool>.Fail(deniedReplace, toName);
        if (moving.Value.IsDirectory && fromDirectory != toDirectory && Access.Check(moving.Value, who, AccessMode.Write) is { } deniedDotDot)
            return Outcome<bool>.Fail(deniedDotDot, fromName);
        return store.Rename(fromDirectory, fromName, toDirectory, toName);
    }

    public Outcome<InodeAttributes> ChmodInode(InodeNumber ino, Credentials who, int mode)
    {
        var inode = store.Get(ino);
        if (!inode.IsOk) return inode;
        var (newMode, error) = Access.Chmod(inode.Value, who, mode);
        return error is { } e ? Outcome<InodeAttributes>.Fail(e, $"inode {ino}") : store.SetAttributes(ino, mode: newMode);
    }

    public Outcome<InodeAttributes> ChownInode(InodeNumber ino, Credentials who, int uid, int gid)
    {
        var inode = store.Get(ino);
        if (!inode.IsOk) return inode;
        var (newUid, newGid, newMode, error) = Access.Chown(inode.Value, who, uid, gid);
        return error is { } e ? Outcome<InodeAttributes>.Fail(e, $"inode {ino}") : store.SetAttributes(ino, newMode, newUid, newGid);
    }

    public Outcome<InodeAttributes> TruncateInode(InodeNumber ino, Credentials who, long size)
    {
        var inode = Writable(ino, who);
        return inode.IsOk ? store.Truncate(ino, size) : inode;
    }

    /// <summary>
    /// utimensat(2), checked as Linux checks it: a given time is for the owner or root (EPERM); now for both needs
    /// only write permission (EACCES); both omitted changes nothing. ctime becomes now whenever a time changes.
    /// </summary>
    public Outcome<InodeAttributes> UtimesInode(InodeNumber ino, Credentials who, TimeChange atime, TimeChange mtime)
    {
        var inode = store.Get(ino);
        if (!inode.IsOk || (atime.Omit && mtime.Omit)) return inode;
        var owner = who.IsRoot || who.Uid == inode.Value.Uid;
        if (atime.IsExplicit || mtime.IsExplicit)
        {
            if (!owner) return Outcome<InodeAttributes>.Fail(Errno.EPERM, $"inode {ino}");
        }
        else if (!owner && !Access.Allows(inode.Value, who, AccessMode.Write))
        {
            return Outcome<InodeAttributes>.Fail(Errno.EACCES, $"inode {ino}");
        }
        var now = DateTimeOffset.UtcNow;
        return store.SetAttributes(ino, atime: Resolve(atime, now), mtime: Resolve(mtime, now));
    }

    private static DateTimeOffset? Resolve(TimeChange change, DateTimeOffset now) => change.Omit ? null : change.At ?? now;

    public Outcome<byte[]> ReadInode(InodeNumber ino, Credentials who, long offset, int count)
    {
        var inode = store.Get(ino);
        if (!inode.IsOk) return inode.Propagate<byte[]>();
        if (inode.Value.IsDirectory) return Outcome<byte[]>.Fail(Errno.EISDIR, $"inode {ino}");
        if (Access.Check(inode.Value, who, AccessMode.Read) is { } denied) return Outcome<byte[]>.Fail(denied, $"inode {ino}");
        return store.Read(ino, offset, count);
    }

    public Outcome<InodeAttributes> WriteInode(InodeNumber ino, Credentials who, long offset, ReadOnlyMemory<byte> data)
    {
        var inode = Writable(ino, who);
        return inode.IsOk ? store.Write(ino, offset, data) : inode;
    }

    /// <summary>
    /// The second half of open(2): ENOTDIR for O_DIRECTORY on a non-directory, EISDIR for writing a directory, read and
    /// write permission as the access mode asks (skipped for a file the same open just created), O_TRUNC on a regular
    /// file opened for writing. A device node opens like a file once its permissions allow, if a driver serves its
    /// number (<see cref="MemoryDevices"/>; ENXIO otherwise). FIFOs are not served yet (EOPNOTSUPP).
    /// </summary>
    public Outcome<OpenFileDescription> OpenInode(InodeNumber ino, Credentials who, OpenFlags flags, bool justCreated)
    {
        var inode = store.Get(ino);
        if (!inode.IsOk) return inode.Propagate<OpenFileDescription>();
        var attrs = inode.Value;
        var where = $"inode {ino}";
        if ((flags & OpenFlags.AccessModes) == OpenFlags.AccessModes) return Outcome<OpenFileDescription>.Fail(Errno.EINVAL, "access mode 3");
        if ((flags & OpenFlags.Directory) != 0 && !attrs.IsDirectory) return Outcome<OpenFileDescription>.Fail(Errno.ENOTDIR, where);
        if (attrs.IsDirectory && flags.CanWrite()) return Outcome<OpenFileDescription>.Fail(Errno.EISDIR, where);
        if (attrs.Type is InodeType.Fifo)
            return Outcome<OpenFileDescription>.Fail(Errno.EOPNOTSUPP, $"{where}: FIFOs are not served yet");
        if (!justCreated)
        {
            var wanted = (flags.CanRead() ? AccessMode.Read : 0) | (flags.CanWrite() ? AccessMode.Write : 0);
            if (Access.Check(attrs, who, wanted) is { } denied) return Outcome<OpenFileDescription>.Fail(denied, where);
        }
        // Block devices have no driver at all; a character device needs one for its number.
        if (attrs.IsDevice && (attrs.Type == InodeType.BlockDevice || MemoryDevices.Find(attrs.Device) is null))
            return Outcome<OpenFileDescription>.Fail(Errno.ENXIO, $"{where}: no driver for device {attrs.Device}");
        var truncate = (flags & OpenFlags.Truncate) != 0 && flags.CanWrite() && attrs.Type == InodeType.Regular;
        return store.Open(ino, flags, who.Uid, truncate);
    }

    /// <summary>
    /// open(2) of a FIFO: null if the inode is not one; else its attributes if the caller may open it as asked (read
    /// and write permission as for a file), or why not. O_RDWR is refused (EINVAL): an end is either read or written here.
    /// </summary>
    public Outcome<InodeAttributes>? FifoToOpen(InodeNumber ino, Credentials who, OpenFlags flags, bool justCreated)
    {
        var inode = store.Get(ino);
        if (!inode.IsOk || inode.Value.Type != InodeType.Fifo) return null;
        var where = $"inode {ino}";
        if ((flags & OpenFlags.AccessModes) is OpenFlags.AccessModes) return Outcome<InodeAttributes>.Fail(Errno.EINVAL, "access mode 3");
        if ((flags & OpenFlags.AccessModes) is OpenFlags.ReadWrite or OpenFlags.AccessModes)
            return Outcome<InodeAttributes>.Fail(Errno.EINVAL, $"{where}: a FIFO is opened for reading or for writing");
        if ((flags & OpenFlags.Directory) != 0) return Outcome<InodeAttributes>.Fail(Errno.ENOTDIR, where);
        if (!justCreated && Access.Check(inode.Value, who, flags.CanWrite() ? AccessMode.Write : AccessMode.Read) is { } denied)
            return Outcome<InodeAttributes>.Fail(denied, where);
        return inode;
    }

    /// <summary>
    /// open(2) of /dev/tty (5,0): null if the inode is not that device; else its attributes if the caller may open it as
    /// asked. The caller's node then gives it its controlling terminal (ENXIO without one).
    /// </summary>
    public Outcome<InodeAttributes>? ProcessDeviceToOpen(InodeNumber ino, Credentials who, OpenFlags flags)
    {
        var inode = store.Get(ino);
        if (!inode.IsOk || inode.Value.Type != InodeType.CharDevice || !MemoryDevices.IsServedByProcesses(inode.Value.Device)) return null;
        if ((flags & OpenFlags.AccessModes) is OpenFlags.AccessModes) return Outcome<InodeAttributes>.Fail(Errno.EINVAL, "access mode 3");
        var wanted = (flags.CanRead() ? AccessMode.Read : 0) | (flags.CanWrite() ? AccessMode.Write : 0);
        return Access.Check(inode.Value, who, wanted) is { } denied ? Outcome<InodeAttributes>.Fail(denied, $"inode {ino}") : inode;
    }

    /// <summary>A regular file (or other non-directory) the caller may write.</summary>
    private Outcome<InodeAttributes> Writable(InodeNumber ino, Credentials who)
    {
        var inode = store.Get(ino);
        if (!inode.IsOk) return inode;
        if (inode.Value.IsDirectory) return Outcome<InodeAttributes>.Fail(Errno.EISDIR, $"inode {ino}");
        if (Access.Check(inode.Value, who, AccessMode.Write) is { } denied) return Outcome<InodeAttributes>.Fail(denied, $"inode {ino}");
        return inode;
    }

    private Outcome<InodeAttributes> DirectoryAttributes(InodeNumber directory)
    {
        var dir = store.Get(directory);
        if (!dir.IsOk) return dir;
        return dir.Value.IsDirectory ? dir : Outcome<InodeAttributes>.Fail(Errno.ENOTDIR, $"inode {directory}");
    }

    /// <summary>Walks to the inode (following a last symlink) and runs an inode-level call on it.</summary>
    private Outcome<T> OnInode<T>(string path, Credentials who, Func<InodeNumber, Outcome<T>> call)
    {
        var inode = Walk(path, who, followLast: true);
        return inode.IsOk ? call(inode.Value.Ino) : inode.Propagate<T>();
    }

    /// <summary>
    /// New entries need write and search on the directory. The owner is the caller; the group is the caller's, or the
    /// directory's when the directory is set-gid (and a new directory then inherits the set-gid bit), as on Linux.
    /// </summary>
    private Outcome<InodeAttributes> CreateEntry(string path, Credentials who, InodeType type, int mode, string? target, DeviceNumber device = default)
    {
        var parent = Parent(path, who, Errno.EEXIST);
        return parent.IsOk ? CreateIn(parent.Value.Directory.Ino, parent.Value.Name, who, type, mode, target, device) : parent.Propagate<InodeAttributes>();
    }

    private Outcome<InodeNumber> RemoveEntry(string path, Credentials who, bool directory)
    {
        var parent = Parent(path, who, directory ? Errno.EBUSY : Errno.EISDIR);
        return parent.IsOk ? RemoveFrom(parent.Value.Directory.Ino, parent.Value.Name, who, directory) : parent.Propagate<InodeNumber>();
    }

    private Outcome<InodeAttributes> Entry(InodeAttributes dir, string name)
    {
        var ino = store.Lookup(dir.Ino, name);
        return ino.IsOk ? store.Get(ino.Value) : Outcome<InodeAttributes>.Fail(ino.Error!.Value, name);
    }

    public Outcome<InodeAttributes> Walk(string path, Credentials who, bool followLast)
    {
        var parsed = PathName.Parse(path);
        return parsed.IsOk ? _walker.Resolve(parsed.Value, who, followLast) : parsed.Propagate<InodeAttributes>();
    }

    /// <summary>
    /// The directory that holds the path's last name, and the name. "/" has none; the call decides what that means,
    /// as on Linux: <paramref name="atRoot"/> is EEXIST for mkdir, creat, link and symlink, EISDIR for unlink, EBUSY
    /// for rmdir and rename.
    /// </summary>
    public Outcome<(InodeAttributes Directory, string Name)> Parent(string path, Credentials who, Errno atRoot)
    {
        var parsed = PathName.Parse(path);
        if (!parsed.IsOk) return parsed.Propagate<(InodeAttributes, string)>();
        if (parsed.Value.Components.IsEmpty) return Outcome<(InodeAttributes, string)>.Fail(atRoot, "/");
        return _walker.ResolveParent(parsed.Value, who);
    }

    private static bool IsDot(string name) => name is "." or "..";
}
