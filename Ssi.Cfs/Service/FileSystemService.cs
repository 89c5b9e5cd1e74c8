// Actor through which a node serves file-system calls: each runs against the shared durable store, off the actor thread.
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Namespace;

namespace Ssi.Cfs.Service;

/// <summary>
/// One per node at <c>/user/fs</c>. It owns no file state: the store is the one source of truth, so a write
/// acknowledged through one node is read through any other right after, and survives the loss of the node that
/// took it. Store calls block on disk, so they run on the thread pool and their replies are piped back.
/// </summary>
public sealed class FileSystemService : ReceiveActor
{
    public const string Name = "fs";

    public FileSystemService(FileSystemOperations fs)
    {
        Receive<IFileSystemRequest>(request =>
        {
            var replyTo = Sender;
            Task.Run(() => Execute(fs, request)).PipeTo(replyTo,
                failure: e => new Failed(Errno.EIO, "file system: " + e.Message));
        });
    }

    public static Props Props(FileSystemOperations fs) => Akka.Actor.Props.Create(() => new FileSystemService(fs));

    public static object Execute(FileSystemOperations fs, IFileSystemRequest request) => request switch
    {
        FsStat r => Reply(r.FollowLast ? fs.Stat(r.Path, r.Caller) : fs.Lstat(r.Path, r.Caller), a => new FsAttributes(a)),
        FsReadDirectory r => Reply(fs.ReadDirectory(r.Path, r.Caller), e => new FsEntries([.. e.Select(x => new FsEntry(x.Name, x.Ino.Value, x.Type))])),
        FsRead r => Reply(fs.Read(r.Path, r.Caller, r.Offset, r.Count), d => new FsData(d)),
        FsReadLink r => Reply(fs.Readlink(r.Path, r.Caller), t => new FsText(t)),
        FsMkdir r => Reply(fs.Mkdir(r.Path, r.Caller, r.Mode), a => new FsAttributes(a)),
        FsCreate r => Reply(fs.CreateFile(r.Path, r.Caller, r.Mode), a => new FsAttributes(a)),
        FsWrite r => Reply(fs.Write(r.Path, r.Caller, r.Offset, r.Data), a => new FsAttributes(a)),
        FsTruncate r => Reply(fs.Truncate(r.Path, r.Caller, r.Size), a => new FsAttributes(a)),
        FsUnlink r => Reply(fs.Unlink(r.Path, r.Caller), _ => FsDone.Instance),
        FsRmdir r => Reply(fs.Rmdir(r.Path, r.Caller), _ => FsDone.Instance),
        FsRename r => Reply(fs.Rename(r.From, r.To, r.Caller), _ => FsDone.Instance),
        FsLink r => Reply(fs.Link(r.Existing, r.Path, r.Caller), a => new FsAttributes(a)),
        FsSymlink r => Reply(fs.Symlink(r.Target, r.Path, r.Caller), a => new FsAttributes(a)),
        FsChmod r => Reply(fs.Chmod(r.Path, r.Caller, r.Mode), a => new FsAttributes(a)),
        FsChown r => Reply(fs.Chown(r.Path, r.Caller, r.Uid, r.Gid), a => new FsAttributes(a)),
        _ => new Failed(Errno.EINVAL, $"unknown file-system request {request.GetType().Name}"),
    };

    private static object Reply<T>(Outcome<T> outcome, Func<T, ISsiMessage> ok) =>
        outcome.IsOk ? ok(outcome.Value) : new Failed(outcome.Error!.Value, outcome.Detail ?? "");
}
