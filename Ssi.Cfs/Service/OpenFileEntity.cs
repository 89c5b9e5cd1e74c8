// An open file description as a sharded entity: one offset shared by every descriptor on any node that holds it.
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Sharding;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Files;
using Ssi.Cfs.Storage;

namespace Ssi.Cfs.Service;

/// <summary>
/// Keyed by the description's id, which the store allocates and never reuses. The store row is the state (inode,
/// flags, offset, reference count, opener); the entity orders the calls on it, so reads and writes through one
/// description from several holders move the offset one after another. Data goes through the inode's owner.
/// A closed or unknown id gets EBADF; so does a caller who is neither the opener nor root. Reads, writes and seeks of
/// a character device go to its driver right here (<see cref="MemoryDevices"/>): the drivers keep no state and the
/// offset of a device never moves, so the inode's owner takes no part and the stored offset stays 0.
/// </summary>
public sealed class OpenFileEntity : SerialEntity
{
    public const string TypeName = "open-file";

    private readonly IInodeStore _store;
    private readonly IActorRef _inodes;
    private readonly OwnerCalls _owners;
    private readonly long _id;
    private OpenFileDescription? _open;
    private long _position; // the offset as of the last call here, which makes calls to the inode's owner repeatable
    private bool _closed;

    public OpenFileEntity(IInodeStore store, IActorRef inodes, OwnerCalls owners, TimeSpan operationTimeout) : base(operationTimeout)
    {
        _store = store;
        _inodes = inodes;
        _owners = owners;
        _id = GroupedShardExtractor.KeyOf(Self);
    }

    public static Props Props(IInodeStore store, IActorRef inodes, OwnerCalls owners, TimeSpan operationTimeout) =>
        Akka.Actor.Props.Create(() => new OpenFileEntity(store, inodes, owners, operationTimeout));

    protected override async Task<Completion> Perform(object message)
    {
        if (message is not IOpenFileRequest request) return new Completion(new Failed(Errno.EINVAL, $"open file {_id}: unknown request"));
        if (_closed) return new Completion(BadDescriptor());
        var open = _open;
        Action? remember = null;
        if (open is null)
        {
            var loaded = await Task.Run(() => _store.GetOpenFile(_id));
            if (!loaded.IsOk) return new Completion(Replies.From(loaded, _ => FsDone.Instance), () => _closed = loaded.Error == Errno.EBADF);
            open = loaded.Value;
            remember = () => (_open, _position) = (loaded.Value, loaded.Value.Position);
        }
        if (!request.Caller.IsRoot && request.Caller.Uid != open.Uid)
            return new Completion(new Failed(Errno.EBADF, $"open file {_id} belongs to uid {open.Uid}"), remember);
        var (reply, then) = await Serve(request, open, remember is null ? _position : open.Position);
        return new Completion(reply, remember + then);
    }

    private async Task<(object Reply, Action? Then)> Serve(IOpenFileRequest request, OpenFileDescription open, long position)
    {
        switch (request)
        {
            case FsReadOpen r:
                if (!open.Flags.CanRead()) return (new Failed(Errno.EBADF, $"open file {_id} is not open for reading"), null);
                if (open.Device is { } source) return (Replies.From(MemoryDevices.Read(source, r.Count), d => new FsData(d)), null);
                return await _owners.AskAsync(_inodes, new InodeReadOpen(open.Ino, _id, r.Count, position), repeatable: true) switch
                {
                    FsReadAt read => (new FsData(read.Data), () => _position = read.Position),
                    var other => (other, null),
                };
            case FsWriteOpen w:
                if (!open.Flags.CanWrite()) return (new Failed(Errno.EBADF, $"open file {_id} is not open for writing"), null);
                if (open.Device is { } sink) return (await WriteDevice(open.Ino, sink, w.Data.Length), null);
                return await _owners.AskAsync(_inodes, new InodeWriteOpen(open.Ino, _id, w.Data, position), repeatable: true) switch
                {
                    FsWritten written => (written, () => _position = written.Position),
                    var other => (other, null),
                };
            case FsSeek s:
                if (open.Device is { } device) return (Replies.From(MemoryDevices.Seek(device), p => new FsPosition(p)), null);
                var sought = await Task.Run(() => _store.SeekOpen(_id, s.Offset, s.Whence));
                return (Replies.From(sought, p => new FsPosition(p)), sought.IsOk ? () => _position = sought.Value : null);
            case FsStatOpen:
                return (Replies.From(await Task.Run(() => _store.Get(open.Ino)), a => new FsAttributes(a)), null);
            case FsRetainOpen:
                return (Replies.From(await Task.Run(() => _store.RetainOpen(_id)), n => new FsReferences(n)), null);
            case FsClose:
                var released = await _owners.AskAsync(_inodes, new InodeReleaseOpen(open.Ino, _id), repeatable: false);
                if (released is FsReferences { Count: 0 }) return (released, Closed);
                return (released, null);
            default:
                return (new Failed(Errno.EINVAL, $"open file {_id}: unknown request {request.GetType().Name}"), null);
        }
    }

    /// <summary>A write the device's driver takes (or refuses); the reply carries the node's attributes, which it does not change.</summary>
    private async Task<object> WriteDevice(InodeNumber ino, DeviceNumber device, int count)
    {
        var written = MemoryDevices.Write(device, count);
        if (!written.IsOk) return Replies.From(written, _ => FsDone.Instance);
        return Replies.From(await Task.Run(() => _store.Get(ino)), a => new FsWritten(written.Value, 0, a));
    }

    private void Closed()
    {
        _closed = true;
        _open = null;
        Passivate();
    }

    private Failed BadDescriptor() => new(Errno.EBADF, $"open file {_id} is closed or never existed");
}
