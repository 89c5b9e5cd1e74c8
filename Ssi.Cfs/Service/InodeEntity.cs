// The one live owner of an inode: every change to it, and every read of its data, happens here, one at a time.
using Akka.Actor;
using Ssi.Actors.Identity;
using Ssi.Actors.Sharding;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Namespace;
using Ssi.Cfs.Storage;

namespace Ssi.Cfs.Service;

/// <summary>
/// A sharded entity keyed by inode number. It owns the order of operations on its inode: data reads and writes
/// (by path or through open file descriptions), truncate, chmod, chown and utimensat, opens and last closes, and, for a
/// directory, the creation, removal and renaming of its entries. Each runs as one durable store transaction, so the
/// entity keeps no state the store does not have: after a crash a survivor starts a new owner that reads the store.
/// Permissions are checked here against the inode's current attributes, after the caller's node walked the path.
/// </summary>
public sealed class InodeEntity : SerialEntity
{
    public const string TypeName = "inode";

    private readonly FileSystemOperations _fs;
    private readonly IInodeStore _store;
    private readonly NodeNumber _node;
    private readonly InodeNumber _ino;

    public InodeEntity(FileSystemOperations fs, IInodeStore store, NodeNumber node, TimeSpan operationTimeout) : base(operationTimeout)
    {
        _fs = fs;
        _store = store;
        _node = node;
        _ino = new InodeNumber(GroupedShardExtractor.KeyOf(Self));
    }

    public static Props Props(FileSystemOperations fs, IInodeStore store, NodeNumber node, TimeSpan operationTimeout) =>
        Akka.Actor.Props.Create(() => new InodeEntity(fs, store, node, operationTimeout));

    protected override Task<Completion> Perform(object message) => message is InodeWhere
        ? Task.FromResult(new Completion(new FsOwner(_ino, _node)))
        : Task.Run(() => new Completion(Execute(message)));

    private object Execute(object message) => message switch
    {
        InodeRead r => Replies.From(_fs.ReadInode(_ino, r.Caller, r.Offset, r.Count), d => new FsData(d)),
        InodeWrite r => Replies.From(_fs.WriteInode(_ino, r.Caller, r.Offset, r.Data), a => new FsAttributes(a)),
        InodeTruncate r => Replies.From(_fs.TruncateInode(_ino, r.Caller, r.Size), a => new FsAttributes(a)),
        InodeChmod r => Replies.From(_fs.ChmodInode(_ino, r.Caller, r.Mode), a => new FsAttributes(a)),
        InodeChown r => Replies.From(_fs.ChownInode(_ino, r.Caller, r.Uid, r.Gid), a => new FsAttributes(a)),
        InodeSetTimes r => Replies.From(_fs.UtimesInode(_ino, r.Caller, r.Atime, r.Mtime), a => new FsAttributes(a)),
        InodeOpen r => Opened(r),
        InodeCreateEntry r => Replies.From(_fs.CreateIn(_ino, r.Name, r.Caller, r.Type, r.Mode, r.Target, r.Device), a => new FsAttributes(a)),
        InodeRemoveEntry r => Replies.From(_fs.RemoveFrom(_ino, r.Name, r.Caller, r.Directory), _ => FsDone.Instance),
        InodeLinkEntry r => Replies.From(_fs.LinkInto(r.Target, _ino, r.Name, r.Caller), a => new FsAttributes(a)),
        InodeRenameEntry r => Replies.From(_fs.RenameFrom(_ino, r.Name, r.ToDirectory, r.ToName, r.Caller), _ => FsDone.Instance),
        InodeReadOpen r => Replies.From(_store.ReadOpen(r.OpenFile, r.Count, r.ExpectedPosition), x => new FsReadAt(x.Data, x.Position)),
        InodeWriteOpen r => Replies.From(_store.WriteOpen(r.OpenFile, r.Data, r.ExpectedPosition), x => new FsWritten(r.Data.Length, x.Position, x.Attributes)),
        InodeReleaseOpen r => Replies.From(_store.ReleaseOpen(r.OpenFile), n => new FsReferences(n)),
        _ => new Actors.Protocol.Failed(Actors.Errors.Errno.EINVAL, $"inode {_ino}: unknown request {message.GetType().Name}"),
    };

    private object Opened(InodeOpen r)
    {
        if (_fs.FifoToOpen(_ino, r.Caller, r.Flags, r.JustCreated) is { } fifo) return Replies.From(fifo, a => new FsFifo(a));
        if (_fs.ProcessDeviceToOpen(_ino, r.Caller, r.Flags) is { } device)
            return Replies.From(device, a => a.Device == Devices.MemoryDevices.Console ? new FsConsole(a) : (Actors.Protocol.ISsiMessage)new FsControllingTerminal(a));
        var open = _fs.OpenInode(_ino, r.Caller, r.Flags, r.JustCreated);
        if (!open.IsOk) return Replies.From(open, _ => FsDone.Instance);
        return Replies.From(_store.Get(_ino), a => new FsOpened(open.Value.Id, a));
    }
}
