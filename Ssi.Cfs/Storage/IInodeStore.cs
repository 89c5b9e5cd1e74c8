// The durable home of every inode, directory entry and data chunk; each call is one atomic, durable transaction.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;

namespace Ssi.Cfs.Storage;

public sealed record DirectoryEntry(string Name, InodeNumber Ino, InodeType Type);

/// <summary>What a new inode starts as; its times are the moment of creation. <see cref="Device"/> only for device nodes.</summary>
public sealed record NewInode(InodeType Type, int Mode, int Uid, int Gid, string? SymlinkTarget = null, DeviceNumber Device = default);

/// <summary>
/// What statfs(2) can say of the store: bytes the store takes and bytes still free where it lives (null when the
/// database does not say), and the inodes it holds.
/// </summary>
public sealed record StoreUsage(long UsedBytes, long? AvailableBytes, long Inodes);

/// <summary>
/// Structural rules live here, inside each transaction (EEXIST, ENOTEMPTY, ENOTDIR, EISDIR, moving a directory into
/// itself); permissions do not: the caller checks them first. A call returns only once its change is durable.
/// Store failures come back as EIO, or ENOSPC when the store is full; nothing is lost silently.
/// </summary>
public interface IInodeStore : IDisposable
{
    Outcome<InodeAttributes> Get(InodeNumber ino);
    Outcome<InodeNumber> Lookup(InodeNumber directory, string name);
    Outcome<IReadOnlyList<DirectoryEntry>> ReadDirectory(InodeNumber directory);
    Outcome<string> ReadLink(InodeNumber ino);

    /// <summary>The directory that holds directory <paramref name="ino"/> (the root is its own parent).</summary>
    Outcome<InodeNumber> ParentOf(InodeNumber ino);

    Outcome<InodeAttributes> Create(InodeNumber directory, string name, NewInode inode);
    Outcome<InodeAttributes> Link(InodeNumber ino, InodeNumber directory, string name);
    /// <summary>Removes a non-directory entry; the inode and its data go with the last link, or with the last close if it is open.</summary>
    Outcome<InodeNumber> Unlink(InodeNumber directory, string name);
    Outcome<InodeNumber> RemoveDirectory(InodeNumber directory, string name);
    /// <summary>rename(2): atomic, across directories too; replaces a target of a compatible type.</summary>
    Outcome<bool> Rename(InodeNumber fromDirectory, string fromName, InodeNumber toDirectory, string toName);

    Outcome<InodeAttributes> SetAttributes(InodeNumber ino, int? mode = null, int? uid = null, int? gid = null,
        DateTimeOffset? atime = null, DateTimeOffset? mtime = null);

    /// <summary>Up to <paramref name="count"/> bytes from <paramref name="offset"/>; fewer at the end of the file, none past it.</summary>
    Outcome<byte[]> Read(InodeNumber ino, long offset, int count);
    /// <summary>Writes at <paramref name="offset"/>, growing the file (with zeros in any gap); returns the new attributes.</summary>
    Outcome<InodeAttributes> Write(InodeNumber ino, long offset, ReadOnlyMemory<byte> data);
    Outcome<InodeAttributes> Truncate(InodeNumber ino, long size);

    // Open file descriptions. Each call finds the description by id (EBADF if it is closed or never existed) and
    // changes its offset in the same transaction as the data, so a crash never splits them.

    /// <summary>A new description of <paramref name="ino"/> with one reference, truncating the file first if asked.</summary>
    Outcome<OpenFileDescription> Open(InodeNumber ino, OpenFlags flags, int uid, bool truncate);
    Outcome<OpenFileDescription> GetOpenFile(long id);
    /// <summary>
    /// Reads at the description's offset and moves it past what was read. With <paramref name="expectedPosition"/>
    /// (the offset its owner last saw) the call is safe to repeat: if the offset has already moved on from there, an
    /// earlier attempt took effect and the same bytes are read again without moving it further.
    /// </summary>
    Outcome<(byte[] Data, long Position)> ReadOpen(long id, int count, long? expectedPosition = null);
    /// <summary>
    /// Writes at the offset (at the end with O_APPEND, in the same transaction) and moves it past the data. With
    /// <paramref name="expectedPosition"/> a repeat of a write that already took effect changes nothing.
    /// </summary>
    Outcome<(InodeAttributes Attributes, long Position)> WriteOpen(long id, ReadOnlyMemory<byte> data, long? expectedPosition = null);
    /// <summary>lseek(2): SEEK_SET, SEEK_CUR or SEEK_END; EINVAL for a negative result.</summary>
    Outcome<long> SeekOpen(long id, long offset, Whence whence);
    /// <summary>One more descriptor shares the description (dup, fork); returns the new count.</summary>
    Outcome<int> RetainOpen(long id);
    /// <summary>
    /// One descriptor fewer; at none the description is gone, and so is its inode if it has no links left and no other
    /// description holds it (an orphan: unlinked while open). Returns the remaining count.
    /// </summary>
    Outcome<int> ReleaseOpen(long id);

    /// <summary>
    /// sync(2): every call is durable when it returns already; this also moves what the database keeps in its log into
    /// its main files (SQLite: a WAL checkpoint; PostgreSQL: CHECKPOINT where the role may, else a flush of the WAL).
    /// </summary>
    Outcome<bool> Sync();

    /// <summary>statfs(2) of the store.</summary>
    Outcome<StoreUsage> Usage();
}
