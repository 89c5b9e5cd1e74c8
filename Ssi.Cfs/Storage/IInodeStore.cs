// The durable home of every inode, directory entry and data chunk; each call is one atomic, durable transaction.
using Ssi.Actors.Errors;
using Ssi.Cfs.Inodes;

namespace Ssi.Cfs.Storage;

public sealed record DirectoryEntry(string Name, InodeNumber Ino, InodeType Type);

/// <summary>What a new inode starts as; its times are the moment of creation.</summary>
public sealed record NewInode(InodeType Type, int Mode, int Uid, int Gid, string? SymlinkTarget = null);

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
    /// <summary>Removes a non-directory entry; the inode and its data go with the last link.</summary>
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
}
