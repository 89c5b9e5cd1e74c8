// Namespace operations of the SQL stores (SQLite and PostgreSQL share them): lookup, readdir, create, link, unlink, rmdir, rename, attributes.
using System.Data.Common;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Namespace;

namespace Ssi.Cfs.Storage;

public abstract partial class SqlInodeStore
{
    public Outcome<InodeAttributes> Get(InodeNumber ino) => Query((c, tx) =>
        Attributes(c, tx, ino) is { } attrs ? attrs : Outcome<InodeAttributes>.Fail(Errno.ENOENT, $"inode {ino}"));

    public Outcome<InodeNumber> Lookup(InodeNumber directory, string name) => Query((c, tx) =>
    {
        var dir = Directory(c, tx, directory);
        if (!dir.IsOk) return dir.Propagate<InodeNumber>();
        if (name == ".") return directory;
        if (name == "..") return ParentIn(c, tx, directory);
        return Entry(c, tx, directory, name) is { } ino ? ino : Outcome<InodeNumber>.Fail(Errno.ENOENT, name);
    });

    public Outcome<InodeNumber> ParentOf(InodeNumber ino) => Query((c, tx) =>
    {
        var dir = Directory(c, tx, ino);
        return dir.IsOk ? ParentIn(c, tx, ino) : dir.Propagate<InodeNumber>();
    });

    private static Outcome<InodeNumber> ParentIn(DbConnection c, DbTransaction tx, InodeNumber dir) =>
        Command(c, tx, "SELECT parent FROM inodes WHERE ino = @ino", ("@ino", dir.Value)).ExecuteScalar() is long parent
            ? new InodeNumber(parent)
            : Outcome<InodeNumber>.Fail(Errno.ENOENT, $"inode {dir}");

    public Outcome<IReadOnlyList<DirectoryEntry>> ReadDirectory(InodeNumber directory) => Query((c, tx) =>
    {
        var dir = Directory(c, tx, directory);
        if (!dir.IsOk) return dir.Propagate<IReadOnlyList<DirectoryEntry>>();
        using var command = Command(c, tx, """
            SELECT d.name, d.ino, i.type FROM dirents d JOIN inodes i ON i.ino = d.ino
            WHERE d.dir = @dir ORDER BY d.name
            """, ("@dir", directory.Value));
        using var r = command.ExecuteReader();
        var entries = new List<DirectoryEntry>();
        while (r.Read()) entries.Add(new DirectoryEntry(r.GetString(0), new InodeNumber(r.GetInt64(1)), (InodeType)r.GetInt32(2)));
        return Outcome<IReadOnlyList<DirectoryEntry>>.Ok(entries);
    });

    public Outcome<string> ReadLink(InodeNumber ino) => Query((c, tx) =>
    {
        var attrs = Attributes(c, tx, ino);
        if (attrs is null) return Outcome<string>.Fail(Errno.ENOENT, $"inode {ino}");
        if (attrs.Type != InodeType.Symlink) return Outcome<string>.Fail(Errno.EINVAL, "not a symlink");
        return (string)Command(c, tx, "SELECT target FROM inodes WHERE ino = @ino", ("@ino", ino.Value)).ExecuteScalar()!;
    });

    public Outcome<InodeAttributes> Create(InodeNumber directory, string name, NewInode inode) => Transact((c, tx) =>
    {
        if (NewNameError(name) is { } bad) return Outcome<InodeAttributes>.Fail(bad, name);
        if (inode.Type == InodeType.Symlink && string.IsNullOrEmpty(inode.SymlinkTarget)) return Outcome<InodeAttributes>.Fail(Errno.ENOENT, "empty symlink target");
        if (inode.Type.IsDevice() && !inode.Device.IsValid) return Outcome<InodeAttributes>.Fail(Errno.EINVAL, $"device number {inode.Device}");
        var dir = Directory(c, tx, directory);
        if (!dir.IsOk) return dir;
        if (Entry(c, tx, directory, name) is not null) return Outcome<InodeAttributes>.Fail(Errno.EEXIST, name);
        var now = Now();
        var isDir = inode.Type == InodeType.Directory;
        var device = inode.Type.IsDevice() ? inode.Device : DeviceNumber.None;
        var ino = (long)Command(c, tx, """
            INSERT INTO inodes(type, mode, uid, gid, nlink, size, atime, mtime, ctime, parent, target, rdev_major, rdev_minor)
            VALUES (@type, @mode, @uid, @gid, @nlink, @size, @now, @now, @now, @parent, @target, @major, @minor) RETURNING ino
            """,
            ("@type", (long)inode.Type), ("@mode", inode.Mode & ModeBits.Permissions), ("@uid", inode.Uid), ("@gid", inode.Gid),
            ("@nlink", isDir ? 2 : 1), ("@size", (long)(inode.SymlinkTarget is { } t ? FileNameBytes.ByteCount(t) : 0)),
            ("@now", now), ("@parent", isDir ? directory.Value : null), ("@target", inode.SymlinkTarget),
            ("@major", device.Major), ("@minor", device.Minor)).ExecuteScalar()!;
        Execute(c, tx, "INSERT INTO dirents(dir, name, ino) VALUES (@dir, @name, @ino)", ("@dir", directory.Value), ("@name", name), ("@ino", ino));
        if (isDir) AddLinks(c, tx, directory, +1);
        Touch(c, tx, directory, now);
        return Attributes(c, tx, new InodeNumber(ino))!;
    });

    public Outcome<InodeAttributes> Link(InodeNumber ino, InodeNumber directory, string name) => Transact((c, tx) =>
    {
        if (NewNameError(name) is { } bad) return Outcome<InodeAttributes>.Fail(bad, name);
        var target = Attributes(c, tx, ino);
        if (target is null) return Outcome<InodeAttributes>.Fail(Errno.ENOENT, $"inode {ino}");
        if (target.IsDirectory) return Outcome<InodeAttributes>.Fail(Errno.EPERM, "hard links to directories are not allowed");
        var dir = Directory(c, tx, directory);
        if (!dir.IsOk) return dir;
        if (Entry(c, tx, directory, name) is not null) return Outcome<InodeAttributes>.Fail(Errno.EEXIST, name);
        var now = Now();
        Execute(c, tx, "INSERT INTO dirents(dir, name, ino) VALUES (@dir, @name, @ino)", ("@dir", directory.Value), ("@name", name), ("@ino", ino.Value));
        AddLinks(c, tx, ino, +1);
        Touch(c, tx, ino, now, mtime: false);
        Touch(c, tx, directory, now);
        return Attributes(c, tx, ino)!;
    });

    /// <summary>A name that cannot be added to a directory: invalid, too long, or "." and ".." (which always exist).</summary>
    private static Errno? NewNameError(string name) => name is "." or ".." ? Errno.EEXIST : PathName.CheckName(name);

    public Outcome<InodeNumber> Unlink(InodeNumber directory, string name) => Remove(directory, name, directoryWanted: false);

    public Outcome<InodeNumber> RemoveDirectory(InodeNumber directory, string name) => Remove(directory, name, directoryWanted: true);

    private Outcome<InodeNumber> Remove(InodeNumber directory, string name, bool directoryWanted) => Transact((c, tx) =>
    {
        if (name is "." or "..") return Outcome<InodeNumber>.Fail(name == "." ? Errno.EINVAL : Errno.ENOTEMPTY, name);
        var dir = Directory(c, tx, directory);
        if (!dir.IsOk) return dir.Propagate<InodeNumber>();
        if (Entry(c, tx, directory, name) is not { } ino) return Outcome<InodeNumber>.Fail(Errno.ENOENT, name);
        var victim = Attributes(c, tx, ino)!;
        if (directoryWanted && !victim.IsDirectory) return Outcome<InodeNumber>.Fail(Errno.ENOTDIR, name);
        if (!directoryWanted && victim.IsDirectory) return Outcome<InodeNumber>.Fail(Errno.EISDIR, name);
        if (victim.IsDirectory && HasEntries(c, tx, ino)) return Outcome<InodeNumber>.Fail(Errno.ENOTEMPTY, name);
        var now = Now();
        Execute(c, tx, "DELETE FROM dirents WHERE dir = @dir AND name = @name", ("@dir", directory.Value), ("@name", name));
        if (victim.IsDirectory) AddLinks(c, tx, directory, -1);
        DropLink(c, tx, victim, now);
        Touch(c, tx, directory, now);
        return ino;
    });

    private static bool HasEntries(DbConnection c, DbTransaction tx, InodeNumber dir) =>
        Command(c, tx, "SELECT 1 FROM dirents WHERE dir = @dir LIMIT 1", ("@dir", dir.Value)).ExecuteScalar() is not null;

    public Outcome<bool> Rename(InodeNumber fromDirectory, string fromName, InodeNumber toDirectory, string toName) => Transact((c, tx) =>
    {
        if (fromName is "." or ".." || toName is "." or "..") return Outcome<bool>.Fail(Errno.EINVAL, "cannot rename . or ..");
        if (PathName.CheckName(toName) is { } bad) return Outcome<bool>.Fail(bad, toName);
        foreach (var d in new[] { fromDirectory, toDirectory })
        {
            var dir = Directory(c, tx, d);
            if (!dir.IsOk) return dir.Propagate<bool>();
        }
        if (Entry(c, tx, fromDirectory, fromName) is not { } ino) return Outcome<bool>.Fail(Errno.ENOENT, fromName);
        var moving = Attributes(c, tx, ino)!;
        if (moving.IsDirectory && IsWithin(c, tx, toDirectory, ino)) return Outcome<bool>.Fail(Errno.EINVAL, "cannot move a directory into itself");
        var now = Now();
        if (Entry(c, tx, toDirectory, toName) is { } existing)
        {
            if (existing == ino) return true; // both names are links to one inode: POSIX says do nothing
            var replaced = Attributes(c, tx, existing)!;
            if (moving.IsDirectory && !replaced.IsDirectory) return Outcome<bool>.Fail(Errno.ENOTDIR, toName);
            if (!moving.IsDirectory && replaced.IsDirectory) return Outcome<bool>.Fail(Errno.EISDIR, toName);
            if (replaced.IsDirectory && HasEntries(c, tx, existing)) return Outcome<bool>.Fail(Errno.ENOTEMPTY, toName);
            Execute(c, tx, "DELETE FROM dirents WHERE dir = @dir AND name = @name", ("@dir", toDirectory.Value), ("@name", toName));
            if (replaced.IsDirectory) AddLinks(c, tx, toDirectory, -1);
            DropLink(c, tx, replaced, now);
        }
        Execute(c, tx, "DELETE FROM dirents WHERE dir = @dir AND name = @name", ("@dir", fromDirectory.Value), ("@name", fromName));
        Execute(c, tx, "INSERT INTO dirents(dir, name, ino) VALUES (@dir, @name, @ino)", ("@dir", toDirectory.Value), ("@name", toName), ("@ino", ino.Value));
        if (moving.IsDirectory && fromDirectory != toDirectory)
        {
            Execute(c, tx, "UPDATE inodes SET parent = @p WHERE ino = @ino", ("@p", toDirectory.Value), ("@ino", ino.Value));
            AddLinks(c, tx, fromDirectory, -1);
            AddLinks(c, tx, toDirectory, +1);
        }
        Touch(c, tx, ino, now, mtime: false);
        Touch(c, tx, fromDirectory, now);
        if (toDirectory != fromDirectory) Touch(c, tx, toDirectory, now);
        return true;
    });

    /// <summary>True if <paramref name="dir"/> is <paramref name="ancestor"/> or lies below it.</summary>
    private static bool IsWithin(DbConnection c, DbTransaction tx, InodeNumber dir, InodeNumber ancestor)
    {
        for (var current = dir; ; )
        {
            if (current == ancestor) return true;
            if (current == InodeNumber.Root) return false;
            current = ParentIn(c, tx, current).Value;
        }
    }

    public Outcome<InodeAttributes> SetAttributes(InodeNumber ino, int? mode = null, int? uid = null, int? gid = null,
        DateTimeOffset? atime = null, DateTimeOffset? mtime = null) => Transact((c, tx) =>
    {
        if (Attributes(c, tx, ino) is null) return Outcome<InodeAttributes>.Fail(Errno.ENOENT, $"inode {ino}");
        Execute(c, tx, """
            UPDATE inodes SET mode = COALESCE(@mode, mode), uid = COALESCE(@uid, uid), gid = COALESCE(@gid, gid),
                atime = COALESCE(@atime, atime), mtime = COALESCE(@mtime, mtime), ctime = @now
            WHERE ino = @ino
            """,
            ("@mode", mode is { } m ? m & ModeBits.Permissions : null), ("@uid", uid), ("@gid", gid),
            ("@atime", atime is { } a ? ToMicros(a) : null), ("@mtime", mtime is { } t ? ToMicros(t) : null),
            ("@now", Now()), ("@ino", ino.Value));
        return Attributes(c, tx, ino)!;
    });
}
