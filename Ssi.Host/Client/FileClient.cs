// Typed requests to the cluster's file system, through one node as one caller, with failures worded as coreutils word them.
using System.Collections.Immutable;
using System.Text;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Service;
using Ssi.Host.Node;

namespace Ssi.Host.Client;

/// <summary>
/// Every file request a client makes, as <paramref name="caller"/>, through node <paramref name="through"/> (null:
/// the contact node). A failure reply about a file is "PATH: strerror" (<see cref="Wording"/>); <c>about</c> names
/// another file to blame where the path is an implementation detail (fs put's temporary name). Reads and writes at an
/// offset are retried through another contact when unanswered; changes are sent once.
/// </summary>
public sealed class FileClient(ClusterConnection connection, Credentials caller, int? through = null, TimeSpan? giveUpAfter = null)
{
    /// <summary>The same caller through another node.</summary>
    public FileClient Through(int? node) => new(connection, caller, node, giveUpAfter);

    public Task<ImmutableArray<FsEntry>> ListAsync(string dir, CancellationToken ct = default) =>
        Get<FsEntries, ImmutableArray<FsEntry>>(new FsReadDirectory(caller, dir), dir, ct, e => e.Entries);

    public Task<InodeAttributes> StatAsync(string path, bool followLast = true, string? about = null, CancellationToken ct = default) =>
        Get<FsAttributes, InodeAttributes>(new FsStat(caller, path, followLast), about ?? path, ct, a => a.Attributes);

    /// <summary>A file's attributes, or why there are none (ENOENT for a new name) as a failed outcome.</summary>
    public async Task<Outcome<InodeAttributes>> TryStatAsync(string path, bool followLast = true, string? about = null, CancellationToken ct = default)
    {
        var stat = await TryAsync<FsAttributes>(new FsStat(caller, path, followLast), about ?? path, ct);
        return stat.IsOk ? stat.Value.Attributes : stat.Propagate<InodeAttributes>();
    }

    /// <summary>The node that owns the file's inode now.</summary>
    public Task<FsOwner> WhereAsync(string path, CancellationToken ct = default) => Call<FsOwner>(new FsWhere(caller, path), path, ct);

    public Task<byte[]> ReadAsync(string path, long offset, int count, CancellationToken ct = default) =>
        Get<FsData, byte[]>(new FsRead(caller, path, offset, count), path, ct, d => d.Data);

    /// <summary>A whole small file as UTF-8 (up to 1 MiB), or null if there is none.</summary>
    public async Task<string?> ReadTextAsync(string path, CancellationToken ct = default)
    {
        var text = await TryReadTextAsync(path, ct);
        return text.Error == Errno.ENOENT ? null : text.OrThrow();
    }

    /// <summary>A whole small file as UTF-8 (up to 1 MiB), or why not.</summary>
    public async Task<Outcome<string>> TryReadTextAsync(string path, CancellationToken ct = default)
    {
        var data = await TryAsync<FsData>(new FsRead(caller, path, 0, 1 << 20), path, ct);
        return data.IsOk ? Encoding.UTF8.GetString(data.Value.Data) : data.Propagate<string>();
    }

    /// <summary>Writes at an offset: safe to send again, so it is retried when unanswered.</summary>
    public Task<FsAttributes> WriteAsync(string path, long offset, byte[] data, string? about = null, CancellationToken ct = default) =>
        Call<FsAttributes>(new FsWrite(caller, path, offset, data), about ?? path, ct);

    public Task<FsAttributes> CreateAsync(string path, int mode, string? about = null, CancellationToken ct = default) =>
        Call<FsAttributes>(new FsCreate(caller, path, mode), about ?? path, ct);

    public Task<FsAttributes> MkdirAsync(string path, int mode, CancellationToken ct = default) => Call<FsAttributes>(new FsMkdir(caller, path, mode), path, ct);

    /// <summary>Makes a directory, or says why not (EEXIST for one that is there).</summary>
    public Task<Outcome<FsAttributes>> TryMkdirAsync(string path, int mode, CancellationToken ct = default) => TryAsync<FsAttributes>(new FsMkdir(caller, path, mode), path, ct);

    public Task<FsDone> UnlinkAsync(string path, CancellationToken ct = default) => Call<FsDone>(new FsUnlink(caller, path), path, ct);

    public Task<Outcome<FsDone>> TryUnlinkAsync(string path, CancellationToken ct = default) => TryAsync<FsDone>(new FsUnlink(caller, path), path, ct);

    public Task<FsDone> RmdirAsync(string path, CancellationToken ct = default) => Call<FsDone>(new FsRmdir(caller, path), path, ct);

    public Task<FsDone> RenameAsync(string from, string to, string? about = null, CancellationToken ct = default) =>
        Call<FsDone>(new FsRename(caller, from, to), about ?? from, ct);

    public Task<FsAttributes> LinkAsync(string existing, string link, CancellationToken ct = default) => Call<FsAttributes>(new FsLink(caller, existing, link), link, ct);

    public Task<FsAttributes> SymlinkAsync(string target, string link, CancellationToken ct = default) => Call<FsAttributes>(new FsSymlink(caller, target, link), link, ct);

    /// <summary>mknod(2): a FIFO, or a device node with its number (root only).</summary>
    public Task<FsAttributes> MknodAsync(string path, InodeType type, int mode, DeviceNumber device, CancellationToken ct = default) =>
        Call<FsAttributes>(new FsMknod(caller, path, type, mode, device), path, ct);

    public Task<FsAttributes> ChmodAsync(string path, int mode, string? about = null, CancellationToken ct = default) =>
        Call<FsAttributes>(new FsChmod(caller, path, mode), about ?? path, ct);

    public Task<FsAttributes> ChownAsync(string path, int uid, int gid, CancellationToken ct = default) => Call<FsAttributes>(new FsChown(caller, path, uid, gid), path, ct);

    public Task<FsAttributes> TruncateAsync(string path, long size, CancellationToken ct = default) => Call<FsAttributes>(new FsTruncate(caller, path, size), path, ct);

    /// <summary>Opens a file description (as a program's open); the calls on it below are sent once, since each moves its offset.</summary>
    public async Task<long> OpenAsync(string path, OpenFlags flags, int mode, CancellationToken ct = default) =>
        (await Call<FsOpened>(new FsOpen(caller, path, flags, mode), path, ct)).OpenFile;

    public Task<FsWritten> WriteOpenAsync(long openFile, byte[] data, CancellationToken ct = default) => Call<FsWritten>(new FsWriteOpen(caller, openFile, data), $"open file {openFile}", ct);

    public async Task<byte[]> ReadOpenAsync(long openFile, int count, CancellationToken ct = default) =>
        (await Call<FsData>(new FsReadOpen(caller, openFile, count), $"open file {openFile}", ct)).Data;

    public Task<FsPosition> SeekAsync(long openFile, long offset, Whence whence, CancellationToken ct = default) => Call<FsPosition>(new FsSeek(caller, openFile, offset, whence), $"open file {openFile}", ct);

    public Task<FsReferences> CloseAsync(long openFile, CancellationToken ct = default) => Call<FsReferences>(new FsClose(caller, openFile), $"open file {openFile}", ct);

    /// <summary>
    /// How a failure reply about <paramref name="subject"/> reads: "SUBJECT: strerror", as coreutils say it. A time-out,
    /// a node that is down or an I/O error is about the cluster, not the file, and keeps the cluster's own words.
    /// </summary>
    public static string Wording(object subject, Errno errno, string? detail) =>
        errno is Errno.ETIMEDOUT or Errno.EHOSTDOWN or Errno.EIO ? detail ?? errno.Describe() : $"{subject}: {errno.Describe()}";

    /// <summary>Reads and writes at an offset may be sent again; everything else changes something and is sent once.</summary>
    private static bool Idempotent(IFileSystemRequest request) => request is FsStat or FsReadDirectory or FsRead or FsReadLink or FsWrite or FsWhere;

    private async Task<Outcome<T>> TryAsync<T>(IFileSystemRequest request, object subject, CancellationToken ct) where T : ISsiMessage
    {
        var reply = await connection.TryRequestAsync<T>(new FileSystemCall(request), through, giveUpAfter, ct, Idempotent(request));
        return reply.IsOk ? reply : Outcome<T>.Fail(reply.Error!.Value, Wording(subject, reply.Error.Value, reply.Detail));
    }

    private async Task<T> Call<T>(IFileSystemRequest request, object subject, CancellationToken ct) where T : ISsiMessage =>
        (await TryAsync<T>(request, subject, ct)).OrThrow();

    private async Task<TValue> Get<T, TValue>(IFileSystemRequest request, object subject, CancellationToken ct, Func<T, TValue> value) where T : ISsiMessage =>
        value(await Call<T>(request, subject, ct));
}
