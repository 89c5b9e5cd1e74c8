// Messages to inode entities and open file description entities, inside the cluster; clients never send these.
using Ssi.Actors.Identity;
using Ssi.Actors.Sharding;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;

namespace Ssi.Cfs.Service;

/// <summary>
/// An operation on one inode, sent to its owner. A node's file-system service sends these after its path walk; the
/// owner checks permissions again against the inode's current attributes. Replies are the Fs* replies or Failed.
/// </summary>
public interface IInodeMessage : IShardedMessage
{
    InodeNumber Ino { get; }
    long IShardedMessage.EntityKey => Ino.Value;
}

public sealed record InodeRead(InodeNumber Ino, Credentials Caller, long Offset, int Count) : IRepeatableInodeMessage;
public sealed record InodeWrite(InodeNumber Ino, Credentials Caller, long Offset, byte[] Data) : IRepeatableInodeMessage;
public sealed record InodeTruncate(InodeNumber Ino, Credentials Caller, long Size) : IRepeatableInodeMessage;
public sealed record InodeChmod(InodeNumber Ino, Credentials Caller, int Mode) : IRepeatableInodeMessage;
public sealed record InodeChown(InodeNumber Ino, Credentials Caller, int Uid, int Gid) : IRepeatableInodeMessage;
public sealed record InodeSetTimes(InodeNumber Ino, Credentials Caller, TimeChange Atime, TimeChange Mtime) : IRepeatableInodeMessage;
public sealed record InodeOpen(InodeNumber Ino, Credentials Caller, OpenFlags Flags, bool JustCreated) : IInodeMessage;

/// <summary>Which node owns this inode now; the reply is <see cref="FsOwner"/>.</summary>
public sealed record InodeWhere(InodeNumber Ino) : IRepeatableInodeMessage;

// Directory operations go to the directory's owner (Ino is the directory).
public sealed record InodeCreateEntry(InodeNumber Ino, Credentials Caller, string Name, InodeType Type, int Mode, string? Target,
    DeviceNumber Device = default) : IInodeMessage;
public sealed record InodeRemoveEntry(InodeNumber Ino, Credentials Caller, string Name, bool Directory) : IInodeMessage;
public sealed record InodeLinkEntry(InodeNumber Ino, Credentials Caller, string Name, InodeNumber Target) : IInodeMessage;
/// <summary>rename(2), sent to the source directory's owner; one store transaction changes both directories.</summary>
public sealed record InodeRenameEntry(InodeNumber Ino, Credentials Caller, string Name, InodeNumber ToDirectory, string ToName) : IInodeMessage;

/// <summary>Messages that an owner may get twice without harm, so a caller may send them again after a lost reply.</summary>
public interface IRepeatableInodeMessage : IInodeMessage;

// Data through an open file description, sent by the description's entity; it has checked the caller already.
// ExpectedPosition is the offset the entity last saw, which makes a repeat harmless (see IInodeStore.ReadOpen).
public sealed record InodeReadOpen(InodeNumber Ino, long OpenFile, int Count, long ExpectedPosition) : IRepeatableInodeMessage;
public sealed record InodeWriteOpen(InodeNumber Ino, long OpenFile, byte[] Data, long ExpectedPosition) : IRepeatableInodeMessage;
/// <summary>The last close of a description; the reply is <see cref="FsReferences"/>.</summary>
public sealed record InodeReleaseOpen(InodeNumber Ino, long OpenFile) : IInodeMessage;
