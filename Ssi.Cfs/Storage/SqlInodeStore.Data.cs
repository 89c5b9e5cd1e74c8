// File data in the SQL stores: fixed-size chunks, so reads and writes touch only the chunks they cover.
using System.Data.Common;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Inodes;

namespace Ssi.Cfs.Storage;

public abstract partial class SqlInodeStore
{
    /// <summary>Reads come from a snapshot, so they may run beside writers.</summary>
    public Outcome<byte[]> Read(InodeNumber ino, long offset, int count) => Query((c, tx) => ReadIn(c, tx, ino, offset, count));

    private Outcome<byte[]> ReadIn(DbConnection c, DbTransaction tx, InodeNumber ino, long offset, int count)
    {
        if (offset < 0 || count < 0) return Outcome<byte[]>.Fail(Errno.EINVAL, "negative offset or count");
        var attrs = Attributes(c, tx, ino);
        if (attrs is null) return Outcome<byte[]>.Fail(Errno.ENOENT, $"inode {ino}");
        if (attrs.IsDirectory) return Outcome<byte[]>.Fail(Errno.EISDIR, $"inode {ino}");
        var length = (int)Math.Clamp(attrs.Size - offset, 0, count);
        var result = new byte[length];
        if (length == 0) return result;
        using var command = Command(c, tx, "SELECT idx, data FROM chunks WHERE ino = @ino AND idx BETWEEN @first AND @last",
            ("@ino", ino.Value), ("@first", offset / ChunkSize), ("@last", (offset + length - 1) / ChunkSize));
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            var chunkStart = r.GetInt64(0) * ChunkSize;
            var data = (byte[])r.GetValue(1);
            var from = Math.Max(offset, chunkStart);
            var to = Math.Min(offset + length, chunkStart + data.Length);
            if (to > from) Array.Copy(data, from - chunkStart, result, from - offset, to - from);
        }
        return result; // chunks never written (holes) read as zeros
    }

    public Outcome<InodeAttributes> Write(InodeNumber ino, long offset, ReadOnlyMemory<byte> data) =>
        Transact((c, tx) => WriteIn(c, tx, ino, offset, data));

    private Outcome<InodeAttributes> WriteIn(DbConnection c, DbTransaction tx, InodeNumber ino, long offset, ReadOnlyMemory<byte> data)
    {
        if (offset < 0) return Outcome<InodeAttributes>.Fail(Errno.EINVAL, "negative offset");
        var attrs = Attributes(c, tx, ino);
        if (attrs is null) return Outcome<InodeAttributes>.Fail(Errno.ENOENT, $"inode {ino}");
        if (attrs.Type != InodeType.Regular) return Outcome<InodeAttributes>.Fail(attrs.IsDirectory ? Errno.EISDIR : Errno.EINVAL, $"inode {ino}");
        var end = offset + data.Length;
        for (var idx = offset / ChunkSize; idx * ChunkSize < end; idx++)
        {
            var chunkStart = idx * ChunkSize;
            var from = Math.Max(offset, chunkStart);
            var to = Math.Min(end, chunkStart + ChunkSize);
            var chunk = LoadChunk(c, tx, ino, idx);
            var needed = (int)(to - chunkStart);
            if (chunk.Length < needed) Array.Resize(ref chunk, needed);
            data.Span.Slice((int)(from - offset), (int)(to - from)).CopyTo(chunk.AsSpan((int)(from - chunkStart)));
            Execute(c, tx, "INSERT INTO chunks(ino, idx, data) VALUES (@ino, @idx, @data) ON CONFLICT (ino, idx) DO UPDATE SET data = excluded.data", ("@ino", ino.Value), ("@idx", idx), ("@data", chunk));
        }
        Execute(c, tx, "UPDATE inodes SET size = CASE WHEN size > @end THEN size ELSE @end END, mtime = @now, ctime = @now WHERE ino = @ino",
            ("@end", end), ("@now", Now()), ("@ino", ino.Value));
        return Attributes(c, tx, ino)!;
    }

    public Outcome<InodeAttributes> Truncate(InodeNumber ino, long size) => Transact((c, tx) => TruncateIn(c, tx, ino, size));

    private Outcome<InodeAttributes> TruncateIn(DbConnection c, DbTransaction tx, InodeNumber ino, long size)
    {
        if (size < 0) return Outcome<InodeAttributes>.Fail(Errno.EINVAL, "negative size");
        var attrs = Attributes(c, tx, ino);
        if (attrs is null) return Outcome<InodeAttributes>.Fail(Errno.ENOENT, $"inode {ino}");
        if (attrs.Type != InodeType.Regular) return Outcome<InodeAttributes>.Fail(attrs.IsDirectory ? Errno.EISDIR : Errno.EINVAL, $"inode {ino}");
        if (size < attrs.Size)
        {
            // Drop whole chunks past the end and cut the last one, so a later extension reads zeros there.
            var keep = (size + ChunkSize - 1) / ChunkSize;
            Execute(c, tx, "DELETE FROM chunks WHERE ino = @ino AND idx >= @keep", ("@ino", ino.Value), ("@keep", keep));
            if (size % ChunkSize != 0)
            {
                var last = LoadChunk(c, tx, ino, keep - 1);
                if (last.Length > size % ChunkSize)
                    Execute(c, tx, "UPDATE chunks SET data = @data WHERE ino = @ino AND idx = @idx",
                        ("@data", last[..(int)(size % ChunkSize)]), ("@ino", ino.Value), ("@idx", keep - 1));
            }
        }
        Execute(c, tx, "UPDATE inodes SET size = @size, mtime = @now, ctime = @now WHERE ino = @ino", ("@size", size), ("@now", Now()), ("@ino", ino.Value));
        return Attributes(c, tx, ino)!;
    }

    private static byte[] LoadChunk(DbConnection c, DbTransaction tx, InodeNumber ino, long idx) =>
        Command(c, tx, "SELECT data FROM chunks WHERE ino = @ino AND idx = @idx", ("@ino", ino.Value), ("@idx", idx)).ExecuteScalar() as byte[] ?? [];
}
