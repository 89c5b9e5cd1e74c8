// A node's front door to the file system: it walks paths and passes each call to the owner of the inode it concerns.
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Sharding;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Namespace;
using Ssi.Cfs.Permissions;

namespace Ssi.Cfs.Service;

/// <summary>
/// One per node at <c>/user/fs</c>; it owns no state. Path walks read a consistent snapshot of the store (search
/// permission on every directory), and stat, readdir, readlink, statfs and sync are answered from it. Everything else goes to the
/// owner of one inode (<see cref="InodeEntity"/>): data and attribute calls to the file's, entry changes to the
/// directory's, calls on open files to the description's entity (<see cref="OpenFileEntity"/>). Calls that are
/// harmless to repeat are sent again if the owner's node dies with them (<see cref="OwnerCalls"/>); others are sent
/// once and time out with ETIMEDOUT. Walks block on disk, so they run on the thread pool.
/// </summary>
public sealed class FileSystemService : ReceiveActor
{
    public const string Name = "fs";

    public FileSystemService(FileSystemOperations fs, CfsRegions regions)
    {
        Receive<IOpenFileRequest>(request => regions.OpenFiles.Forward(request));
        Receive<IFileSystemRequest>(request =>
        {
            var replyTo = Sender;
            Task.Run(() => Serve(fs, regions, request, replyTo)).ContinueWith(t =>
            {
                if (!t.IsFaulted) return;
                var error = t.Exception!.GetBaseException();
                replyTo.Tell(error is AskTimeoutException
                    ? new Failed(Errno.ETIMEDOUT, "the inode's owner did not answer in time; the call may or may not have taken effect")
                    : new Failed(Errno.EIO, "file system: " + error.Message));
            }, TaskScheduler.Default);
        });
    }

    public static Props Props(FileSystemOperations fs, CfsRegions regions) =>
        Akka.Actor.Props.Create(() => new FileSystemService(fs, regions));

    private static async Task Serve(FileSystemOperations fs, CfsRegions regions, IFileSystemRequest request, IActorRef replyTo)
    {
        if (request is FsOpen { Flags: var flags } open && (flags & OpenFlags.Create) != 0)
        {
            replyTo.Tell(await OpenCreating(fs, regions, open), ActorRefs.NoSender);
            return;
        }
        switch (Route(fs, request))
        {
            case IInodeMessage toOwner:
                replyTo.Tell(await regions.Owners.AskAsync(regions.Inodes, toOwner, toOwner is IRepeatableInodeMessage), ActorRefs.NoSender);
                break;
            case var reply: replyTo.Tell(reply, ActorRefs.NoSender); break;
        }
    }

    /// <summary>What to do with a request: a message for an inode's owner, or the reply itself (including failures of the walk).</summary>
    public static object Route(FileSystemOperations fs, IFileSystemRequest request)
    {
        switch (request)
        {
            case FsStat r: return Replies.From(r.FollowLast ? fs.Stat(r.Path, r.Caller) : fs.Lstat(r.Path, r.Caller), a => new FsAttributes(a));
            case FsReadDirectory r:
                return Replies.From(fs.ReadDirectory(r.Path, r.Caller), e => new FsEntries([.. e.Select(x => new FsEntry(x.Name, x.Ino, x.Type))]));
            case FsReadLink r: return Replies.From(fs.Readlink(r.Path, r.Caller), t => new FsText(t));
            case FsRead r: return OnInode(fs.Walk(r.Path, r.Caller, followLast: true), ino => new InodeRead(ino, r.Caller, r.Offset, r.Count));
            case FsWrite r: return OnInode(fs.Walk(r.Path, r.Caller, followLast: true), ino => new InodeWrite(ino, r.Caller, r.Offset, r.Data));
            case FsTruncate r: return OnInode(fs.Walk(r.Path, r.Caller, followLast: true), ino => new InodeTruncate(ino, r.Caller, r.Size));
            case FsChmod r: return OnInode(fs.Walk(r.Path, r.Caller, followLast: true), ino => new InodeChmod(ino, r.Caller, r.Mode));
            case FsChown r: return OnInode(fs.Walk(r.Path, r.Caller, followLast: true), ino => new InodeChown(ino, r.Caller, r.Uid, r.Gid));
            case FsSetTimes r: return OnInode(fs.Walk(r.Path, r.Caller, r.FollowLast), ino => new InodeSetTimes(ino, r.Caller, r.Atime, r.Mtime));
            case FsSync r:
                if (r.Path is { } file && fs.Stat(file, r.Caller) is { IsOk: false } missing) return Replies.From(missing, _ => FsDone.Instance);
                return Replies.From(fs.Sync(), _ => FsDone.Instance);
            case FsStatFs r:
                var there = fs.Stat(r.Path, r.Caller);
                return there.IsOk ? Replies.From(fs.Usage(), u => new FsUsage(u)) : Replies.From(there, _ => FsDone.Instance);
            case FsWhere r: return OnInode(fs.Walk(r.Path, r.Caller, followLast: true), ino => new InodeWhere(ino));
            case FsMkdir r: return InDirectory(fs, r.Path, r.Caller, Errno.EEXIST, (dir, name) => new InodeCreateEntry(dir, r.Caller, name, InodeType.Directory, r.Mode, null));
            case FsCreate r: return InDirectory(fs, r.Path, r.Caller, Errno.EEXIST, (dir, name) => new InodeCreateEntry(dir, r.Caller, name, InodeType.Regular, r.Mode, null));
            case FsSymlink r: return InDirectory(fs, r.Path, r.Caller, Errno.EEXIST, (dir, name) => new InodeCreateEntry(dir, r.Caller, name, InodeType.Symlink, 0x1FF, r.Target));
            case FsMknod r:
                if (Access.CheckMknodType(r.Type) is { } bad) return new Failed(bad, $"mknod of a {r.Type}");
                return InDirectory(fs, r.Path, r.Caller, Errno.EEXIST, (dir, name) => new InodeCreateEntry(dir, r.Caller, name, r.Type, r.Mode, null, r.Device));
            case FsUnlink r: return InDirectory(fs, r.Path, r.Caller, Errno.EISDIR, (dir, name) => new InodeRemoveEntry(dir, r.Caller, name, Directory: false));
            case FsRmdir r: return InDirectory(fs, r.Path, r.Caller, Errno.EBUSY, (dir, name) => new InodeRemoveEntry(dir, r.Caller, name, Directory: true));
            case FsLink r:
                var existing = fs.Walk(r.Existing, r.Caller, followLast: false);
                if (!existing.IsOk) return Replies.From(existing, _ => FsDone.Instance);
                return InDirectory(fs, r.Path, r.Caller, Errno.EEXIST, (dir, name) => new InodeLinkEntry(dir, r.Caller, name, existing.Value.Ino));
            case FsRename r:
                var to = fs.Parent(r.To, r.Caller, Errno.EBUSY);
                if (!to.IsOk) return Replies.From(to, _ => FsDone.Instance);
                return InDirectory(fs, r.From, r.Caller, Errno.EBUSY, (dir, name) => new InodeRenameEntry(dir, r.Caller, name, to.Value.Directory.Ino, to.Value.Name));
            case FsOpen r:
                var found = fs.ResolveForOpen(r.Path, r.Caller, r.Flags & ~OpenFlags.Create);
                if (!found.IsOk) return Replies.From(found, _ => FsDone.Instance);
                return new InodeOpen(found.Value.Existing!.Value, r.Caller, r.Flags, JustCreated: false);
            default:
                return new Failed(Errno.EINVAL, $"unknown file-system request {request.GetType().Name}");
        }
    }

    /// <summary>open(2) with O_CREAT: the directory's owner creates a missing file, then the new file's owner opens it.</summary>
    private static async Task<object> OpenCreating(FileSystemOperations fs, CfsRegions regions, FsOpen request)
    {
        var found = fs.ResolveForOpen(request.Path, request.Caller, request.Flags);
        if (!found.IsOk) return Replies.From(found, _ => FsDone.Instance);
        var (existing, directory, name) = found.Value;
        if (existing is { } ino) return await regions.Owners.AskAsync(regions.Inodes, new InodeOpen(ino, request.Caller, request.Flags, false), repeatable: false);
        var created = await regions.Owners.AskAsync(regions.Inodes,
            new InodeCreateEntry(directory, request.Caller, name, InodeType.Regular, request.Mode, null), repeatable: false);
        if (created is FsAttributes made)
            return await regions.Owners.AskAsync(regions.Inodes, new InodeOpen(made.Attributes.Ino, request.Caller, request.Flags, true), repeatable: false);
        if (created is not Failed { Errno: Errno.EEXIST } || (request.Flags & OpenFlags.Exclusive) != 0) return created;
        // Someone else created the name meanwhile: without O_EXCL, open theirs.
        return Route(fs, request with { Flags = request.Flags & ~OpenFlags.Create }) switch
        {
            IInodeMessage open => await regions.Owners.AskAsync(regions.Inodes, open, repeatable: false),
            var reply => reply,
        };
    }

    private static object OnInode(Outcome<InodeAttributes> walked, Func<InodeNumber, IInodeMessage> message) =>
        walked.IsOk ? message(walked.Value.Ino) : Replies.From(walked, _ => FsDone.Instance);

    private static object InDirectory(FileSystemOperations fs, string path, Credentials who, Errno atRoot, Func<InodeNumber, string, IInodeMessage> message)
    {
        var parent = fs.Parent(path, who, atRoot);
        return parent.IsOk ? message(parent.Value.Directory.Ino, parent.Value.Name) : Replies.From(parent, _ => FsDone.Instance);
    }
}
