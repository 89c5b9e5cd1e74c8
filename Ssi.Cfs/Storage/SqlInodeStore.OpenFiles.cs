// Open file descriptions in the SQL stores: one row each, changed in the same transaction as the data it reads or writes.
using System.Data.Common;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;

namespace Ssi.Cfs.Storage;

public abstract partial class SqlInodeStore
{
    public Outcome<OpenFileDescription> Open(InodeNumber ino, OpenFlags flags, int uid, bool truncate) => Transact((c, tx) =>
    {
        var attrs = Attributes(c, tx, ino);
        if (attrs is null) return Outcome<OpenFileDescription>.Fail(Errno.ENOENT, $"inode {ino}");
        if (truncate && attrs.Type == InodeType.Regular && attrs.Size > 0)
        {
            var cut = TruncateIn(c, tx, ino, 0);
            if (!cut.IsOk) return cut.Propagate<OpenFileDescription>();
        }
        var id = (long)Command(c, tx, """
            INSERT INTO open_files(ino, flags, position, refs, uid) VALUES (@ino, @flags, 0, 1, @uid) RETURNING id
            """, ("@ino", ino.Value), ("@flags", (int)flags.Kept()), ("@uid", uid)).ExecuteScalar()!;
        return new OpenFileDescription(id, ino, flags.Kept(), 0, 1, uid, attrs.Type == InodeType.CharDevice ? attrs.Device : null);
    });

    public Outcome<OpenFileDescription> GetOpenFile(long id) => Query((c, tx) => Description(c, tx, id));

    public Outcome<(byte[] Data, long Position)> ReadOpen(long id, int count, long? expectedPosition = null) => Transact((c, tx) =>
    {
        var open = Description(c, tx, id);
        if (!open.IsOk) return open.Propagate<(byte[], long)>();
        if (!open.Value.Flags.CanRead()) return Outcome<(byte[], long)>.Fail(Errno.EBADF, $"open file {id} is not open for reading");
        if (expectedPosition is { } expected && expected != open.Value.Position)
        {
            // A repeat: the earlier attempt read [expected, position); read the same bytes again.
            var again = ReadIn(c, tx, open.Value.Ino, expected, (int)Math.Clamp(open.Value.Position - expected, 0, count));
            return again.IsOk ? (again.Value, open.Value.Position) : again.Propagate<(byte[], long)>();
        }
        var data = ReadIn(c, tx, open.Value.Ino, open.Value.Position, count);
        if (!data.IsOk) return data.Propagate<(byte[], long)>();
        var position = open.Value.Position + data.Value.Length;
        if (data.Value.Length > 0) SetPosition(c, tx, id, position);
        return (data.Value, position);
    });

    public Outcome<(InodeAttributes Attributes, long Position)> WriteOpen(long id, ReadOnlyMemory<byte> data, long? expectedPosition = null) => Transact((c, tx) =>
    {
        var open = Description(c, tx, id);
        if (!open.IsOk) return open.Propagate<(InodeAttributes, long)>();
        if (!open.Value.Flags.CanWrite()) return Outcome<(InodeAttributes, long)>.Fail(Errno.EBADF, $"open file {id} is not open for writing");
        if (expectedPosition is { } expected && expected != open.Value.Position && data.Length > 0)
        {
            // A repeat of a write that took effect: its offset has moved on already.
            if (Attributes(c, tx, open.Value.Ino) is not { } now) return Outcome<(InodeAttributes, long)>.Fail(Errno.ENOENT, $"inode {open.Value.Ino}");
            return (now, open.Value.Position);
        }
        var at = open.Value.Position;
        if ((open.Value.Flags & OpenFlags.Append) != 0)
        {
            if (Attributes(c, tx, open.Value.Ino) is not { } attrs) return Outcome<(InodeAttributes, long)>.Fail(Errno.ENOENT, $"inode {open.Value.Ino}");
            at = attrs.Size;
        }
        var written = WriteIn(c, tx, open.Value.Ino, at, data);
        if (!written.IsOk) return written.Propagate<(InodeAttributes, long)>();
        SetPosition(c, tx, id, at + data.Length);
        return (written.Value, at + data.Length);
    });

    public Outcome<long> SeekOpen(long id, long offset, Whence whence) => Transact((c, tx) =>
    {
        var open = Description(c, tx, id);
        if (!open.IsOk) return open.Propagate<long>();
        long position;
        switch (whence)
        {
            case Whence.Set: position = offset; break;
            case Whence.Current: position = open.Value.Position + offset; break;
            default:
                if (Attributes(c, tx, open.Value.Ino) is not { } attrs) return Outcome<long>.Fail(Errno.ENOENT, $"inode {open.Value.Ino}");
                position = attrs.Size + offset;
                break;
        }
        if (position < 0) return Outcome<long>.Fail(Errno.EINVAL, "the offset would be negative");
        SetPosition(c, tx, id, position);
        return position;
    });

    public Outcome<int> RetainOpen(long id) => Transact((c, tx) =>
    {
        var open = Description(c, tx, id);
        if (!open.IsOk) return open.Propagate<int>();
        Execute(c, tx, "UPDATE open_files SET refs = refs + 1 WHERE id = @id", ("@id", id));
        return open.Value.References + 1;
    });

    public Outcome<int> ReleaseOpen(long id) => Transact((c, tx) =>
    {
        var open = Description(c, tx, id);
        if (!open.IsOk) return open.Propagate<int>();
        var remaining = open.Value.References - 1;
        if (remaining > 0)
        {
            Execute(c, tx, "UPDATE open_files SET refs = @n WHERE id = @id", ("@n", remaining), ("@id", id));
            return remaining;
        }
        Execute(c, tx, "DELETE FROM open_files WHERE id = @id", ("@id", id));
        if (Attributes(c, tx, open.Value.Ino) is { Nlink: 0 } && !IsOpen(c, tx, open.Value.Ino)) Free(c, tx, open.Value.Ino);
        return 0;
    });

    private static Outcome<OpenFileDescription> Description(DbConnection c, DbTransaction tx, long id)
    {
        // The inode outlives every description of it (an orphan waits for the last close), so the join always finds it.
        using var command = Command(c, tx, """
            SELECT o.ino, o.flags, o.position, o.refs, o.uid, i.type, i.rdev_major, i.rdev_minor
            FROM open_files o JOIN inodes i ON i.ino = o.ino WHERE o.id = @id
            """, ("@id", id));
        using var r = command.ExecuteReader();
        if (!r.Read()) return Outcome<OpenFileDescription>.Fail(Errno.EBADF, $"open file {id} is closed or never existed");
        DeviceNumber? device = (InodeType)r.GetInt32(5) == InodeType.CharDevice ? new DeviceNumber(r.GetInt32(6), r.GetInt32(7)) : null;
        return new OpenFileDescription(id, new InodeNumber(r.GetInt64(0)), (OpenFlags)r.GetInt32(1), r.GetInt64(2), r.GetInt32(3), r.GetInt32(4), device);
    }

    private static void SetPosition(DbConnection c, DbTransaction tx, long id, long position) =>
        Execute(c, tx, "UPDATE open_files SET position = @p WHERE id = @id", ("@p", position), ("@id", id));
}
