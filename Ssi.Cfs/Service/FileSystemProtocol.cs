// Requests to a node's file-system service, each with the caller's identity, and their replies.
using System.Collections.Immutable;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;

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
public sealed record FsChmod(Credentials Caller, string Path, int Mode) : IFileSystemRequest;
public sealed record FsChown(Credentials Caller, string Path, int Uid, int Gid) : IFileSystemRequest;

public sealed record FsAttributes(InodeAttributes Attributes) : ISsiMessage;
public sealed record FsEntry(string Name, long Ino, InodeType Type);
public sealed record FsEntries(ImmutableArray<FsEntry> Entries) : ISsiMessage;
public sealed record FsData(byte[] Data) : ISsiMessage;
public sealed record FsText(string Text) : ISsiMessage;
public sealed record FsDone : ISsiMessage
{
    public static readonly FsDone Instance = new();
}
