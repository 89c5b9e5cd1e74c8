// Requests to a node's file-system service, each with the caller's identity, and their replies.
using System.Collections.Immutable;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Sharding;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Storage;

namespace Ssi.Cfs.Service;

/// <summary>A file-system call made as <see cref="Caller"/>; the reply is one of the Fs* replies or a Failed.</summary>
public interface IFileSystemRequest : ISsiMessage
{
    Credentials Caller { get; }
}

public sealed record FsStat(Credentials Caller, string Path, bool FollowLast = true) : IFileSystemRequest;
public sealed record FsReadDirectory(Credentials Caller, string Path) : IFileSystemRequest;
public sealed record FsRead(Credentials Caller, string Path, long Offset, int Count) : IFileSystemRequest;
public sealed record FsReadLink(Credentials Caller, string Path) : IFileSystemRequest;
public sealed record FsMkdir(Credentials Caller, string Path, int Mode) : IFileSystemRequest;
public sealed record FsCreate(Credentials Caller, string Path, int Mode) : IFileSystemRequest;
public sealed record FsWrite(Credentials Caller, string Path, long Offset, byte[] Data) : IFileSystemRequest;
public sealed record FsTruncate(Credentials Caller, string Path, long Size) : IFileSystemRequest;
public sealed record FsUnlink(Credentials Caller, string Path) : IFileSystemRequest;
public sealed record FsRmdir(Credentials Caller, string Path) : IFileSystemRequest;
public sealed record FsRename(Credentials Caller, string From, string To) : IFileSystemRequest;
public sealed record FsLink(Credentials Caller, string Existing, string Path) : IFileSystemRequest;
public sealed record FsSymlink(Credentials Caller, string Target, string Path) : IFileSystemRequest;
/// <summary>mknod(2): a FIFO, or (root only) a character or block device node with its number; the reply is <see cref="FsAttributes"/>.</summary>
public sealed record FsMknod(Credentials Caller, string Path, InodeType Type, int Mode, DeviceNumber Device = default) : IFileSystemRequest;
public sealed record FsChmod(Credentials Caller, string Path, int Mode) : IFileSystemRequest;
public sealed record FsChown(Credentials Caller, string Path, int Uid, int Gid) : IFileSystemRequest;
/// <summary>utimensat(2); <see cref="FollowLast"/> false is AT_SYMLINK_NOFOLLOW. The reply is <see cref="FsAttributes"/>.</summary>
public sealed record FsSetTimes(Credentials Caller, string Path, TimeChange Atime, TimeChange Mtime, bool FollowLast = true) : IFileSystemRequest;
/// <summary>sync(2), or with a path fsync(2) of that file, which here is the same: the reply is <see cref="FsDone"/> once the store has synced.</summary>
public sealed record FsSync(Credentials Caller, string? Path = null) : IFileSystemRequest;
/// <summary>statfs(2) of the file system that holds <see cref="Path"/> (there is one): the reply is <see cref="FsUsage"/>.</summary>
public sealed record FsStatFs(Credentials Caller, string Path) : IFileSystemRequest;
/// <summary>The node that owns the inode at <see cref="Path"/>; the reply is <see cref="FsOwner"/>.</summary>
public sealed record FsWhere(Credentials Caller, string Path) : IFileSystemRequest;

/// <summary>open(2): the reply is <see cref="FsOpened"/>, whose id the calls on open files below name.</summary>
public sealed record FsOpen(Credentials Caller, string Path, OpenFlags Flags, int Mode) : IFileSystemRequest;

/// <summary>A call on an open file description, served by the description's entity; EBADF if it is closed.</summary>
public interface IOpenFileRequest : IFileSystemRequest, IShardedMessage
{
    long OpenFile { get; }
    long IShardedMessage.EntityKey => OpenFile;
}

public sealed record FsReadOpen(Credentials Caller, long OpenFile, int Count) : IOpenFileRequest;
public sealed record FsWriteOpen(Credentials Caller, long OpenFile, byte[] Data) : IOpenFileRequest;
public sealed record FsSeek(Credentials Caller, long OpenFile, long Offset, Whence Whence) : IOpenFileRequest;
public sealed record FsStatOpen(Credentials Caller, long OpenFile) : IOpenFileRequest;
/// <summary>One more descriptor shares the description (dup, fork); the reply is <see cref="FsReferences"/>.</summary>
public sealed record FsRetainOpen(Credentials Caller, long OpenFile) : IOpenFileRequest;
/// <summary>One descriptor fewer; the last close ends the description. The reply is <see cref="FsReferences"/>.</summary>
public sealed record FsClose(Credentials Caller, long OpenFile) : IOpenFileRequest;

public sealed record FsAttributes(InodeAttributes Attributes) : ISsiMessage;
public sealed record FsUsage(StoreUsage Usage) : ISsiMessage;
public sealed record FsEntry(string Name, InodeNumber Ino, InodeType Type);
public sealed record FsEntries(ImmutableArray<FsEntry> Entries) : ISsiMessage;
public sealed record FsData(byte[] Data) : ISsiMessage;
/// <summary>Data read through an open file description, with the description's offset after the read.</summary>
public sealed record FsReadAt(byte[] Data, long Position) : ISsiMessage;
public sealed record FsText(string Text) : ISsiMessage;
public sealed record FsOwner(InodeNumber Ino, NodeNumber Node) : ISsiMessage;
public sealed record FsOpened(long OpenFile, InodeAttributes Attributes) : ISsiMessage;

/// <summary>
/// The path is a FIFO the caller may open as asked: no open file description is made here; the caller's node opens
/// the FIFO's pipe (docs/processes.md, "Pipes and FIFOs").
/// </summary>
public sealed record FsFifo(InodeAttributes Attributes) : ISsiMessage;

/// <summary>The path is /dev/tty and the caller may open it: its node gives it the process's controlling terminal.</summary>
public sealed record FsControllingTerminal(InodeAttributes Attributes) : ISsiMessage;

/// <summary>The inode opened is /dev/console: the process layer opens the console of the node the process runs on.</summary>
public sealed record FsConsole(InodeAttributes Attributes) : ISsiMessage;
public sealed record FsWritten(int Count, long Position, InodeAttributes Attributes) : ISsiMessage;
public sealed record FsPosition(long Position) : ISsiMessage;
public sealed record FsReferences(int Count) : ISsiMessage;
public sealed record FsDone : ISsiMessage
{
    public static readonly FsDone Instance = new();
}
