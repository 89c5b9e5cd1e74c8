// Multi-node specs of the sharded file system: three real ActorSystems over loopback TLS, one shared store.
using Akka.Actor;
using Akka.Configuration;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Service;
using Ssi.Tests.Harness;

namespace Ssi.Tests.Cfs.Service;

/// <summary>The specs, on the store a subclass chooses; without it (no PostgreSQL server) they are skipped.</summary>
public abstract class FileSystemShardingSpecs : IAsyncLifetime
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private static readonly Credentials Root = Credentials.Root;
    private static readonly Credentials Ann = Credentials.Of(1000, 1000);
    private static readonly Credentials Bob = Credentials.Of(1001, 1001);
    private ClusterHarness? _started;

    /// <summary>The nodes' store settings, or null with the reason the store is not available here.</summary>
    protected abstract (Config? Store, string? Unavailable) Store();

    public virtual async Task InitializeAsync()
    {
        var (store, _) = Store();
        if (store is not null) _started = await ClusterHarness.StartAsync(3, store);
    }

    public virtual async Task DisposeAsync()
    {
        if (_started is not null) await _started.DisposeAsync();
    }

    private ClusterHarness Cluster
    {
        get
        {
            Skip.If(_started is null, Store().Unavailable);
            return _started!;
        }
    }

    /// <summary>A file-system call through node <paramref name="node"/>'s service, as a process on that node makes it.</summary>
    private async Task<object> Call(int node, IFileSystemRequest request) =>
        await Cluster[node].System.ActorSelection("/user/" + FileSystemService.Name).Ask<object>(request, CallTimeout);

    private async Task<T> Ok<T>(int node, IFileSystemRequest request)
    {
        var reply = await Call(node, request);
        return reply is T ok ? ok : throw new Xunit.Sdk.XunitException($"{request.GetType().Name} through node {node}: {reply}");
    }

    private async Task<Errno> Fails(int node, IFileSystemRequest request)
    {
        var reply = await Call(node, request);
        return reply is Failed failed ? failed.Errno : throw new Xunit.Sdk.XunitException($"{request.GetType().Name} through node {node} did not fail: {reply}");
    }

    private async Task<string> ReadText(int node, Credentials who, long openFile, int count) =>
        System.Text.Encoding.ASCII.GetString((await Ok<FsData>(node, new FsReadOpen(who, openFile, count))).Data);

    [SkippableFact]
    public async Task A_write_acknowledged_through_one_node_is_read_through_every_other_right_after()
    {
        var owners = new HashSet<int>();
        for (var i = 0; i < 24; i++)
        {
            var path = $"/file{i}";
            var writer = i % 3 + 1;
            await Ok<FsAttributes>(writer, new FsCreate(Root, path, 420));
            for (var round = 0; round < 3; round++)
            {
                var text = $"round {round} of {path} through node {writer}";
                await Ok<FsAttributes>(writer, new FsWrite(Root, path, 0, System.Text.Encoding.ASCII.GetBytes(text)));
                foreach (var reader in new[] { 1, 2, 3 })
                {
                    var data = await Ok<FsData>(reader, new FsRead(Root, path, 0, 1000));
                    Assert.Equal(text, System.Text.Encoding.ASCII.GetString(data.Data));
                }
            }
            owners.Add(((await Ok<FsOwner>(3, new FsWhere(Root, path))).Node).Value);
        }
        Assert.True(owners.Count >= 2, $"inodes should spread over the nodes; owners: {string.Join(",", owners)}");
    }

    [SkippableFact]
    public async Task Holders_on_different_nodes_share_one_offset_and_a_closed_description_is_EBADF()
    {
        await Ok<FsAttributes>(1, new FsCreate(Root, "/shared", 420));
        await Ok<FsAttributes>(1, new FsWrite(Root, "/shared", 0, "abcdefghij"u8.ToArray()));
        var id = (await Ok<FsOpened>(1, new FsOpen(Root, "/shared", OpenFlags.ReadOnly, 0))).OpenFile;
        Assert.Equal(2, (await Ok<FsReferences>(2, new FsRetainOpen(Root, id))).Count); // a second holder, on node 2

        Assert.Equal("abc", await ReadText(2, Root, id, 3));
        Assert.Equal("def", await ReadText(3, Root, id, 3));
        Assert.Equal(6, (await Ok<FsPosition>(1, new FsSeek(Root, id, 0, Whence.Current))).Position);
        Assert.Equal(10, (await Ok<FsAttributes>(3, new FsStatOpen(Root, id))).Attributes.Size);

        Assert.Equal(1, (await Ok<FsReferences>(2, new FsClose(Root, id))).Count);
        Assert.Equal("ghi", await ReadText(1, Root, id, 3));
        Assert.Equal(0, (await Ok<FsReferences>(3, new FsClose(Root, id))).Count);

        Assert.Equal(Errno.EBADF, await Fails(1, new FsReadOpen(Root, id, 3)));
        Assert.Equal(Errno.EBADF, await Fails(2, new FsClose(Root, id)));
        Assert.Equal(Errno.EBADF, await Fails(3, new FsReadOpen(Root, 987_654_321, 3)));
    }

    [SkippableFact]
    public async Task Writes_through_a_shared_description_follow_each_other_and_append_goes_to_the_end()
    {
        await Ok<FsAttributes>(1, new FsCreate(Root, "/log", 420));
        var id = (await Ok<FsOpened>(2, new FsOpen(Root, "/log", OpenFlags.WriteOnly | OpenFlags.Append, 0))).OpenFile;
        var writes = Enumerable.Range(0, 30).Select(i => Ok<FsWritten>(i % 3 + 1, new FsWriteOpen(Root, id, "0123456789"u8.ToArray())));
        var positions = (await Task.WhenAll(writes)).Select(w => w.Position).Order().ToList();

        Assert.Equal(Enumerable.Range(1, 30).Select(i => i * 10L), positions); // no write overlapped another
        Assert.Equal(300, (await Ok<FsAttributes>(3, new FsStat(Root, "/log"))).Attributes.Size);
        await Ok<FsReferences>(1, new FsClose(Root, id));
    }

    [SkippableFact]
    public async Task An_open_file_unlinked_through_another_node_stays_readable_until_its_last_close()
    {
        await Ok<FsAttributes>(1, new FsCreate(Root, "/doomed", 420));
        await Ok<FsAttributes>(1, new FsWrite(Root, "/doomed", 0, "last words"u8.ToArray()));
        var id = (await Ok<FsOpened>(1, new FsOpen(Root, "/doomed", OpenFlags.ReadWrite, 0))).OpenFile;

        await Ok<FsDone>(2, new FsUnlink(Root, "/doomed"));
        Assert.Equal(Errno.ENOENT, await Fails(3, new FsStat(Root, "/doomed")));
        Assert.Equal(0, (await Ok<FsAttributes>(3, new FsStatOpen(Root, id))).Attributes.Nlink);
        Assert.Equal("last words", await ReadText(3, Root, id, 100));

        Assert.Equal(0, (await Ok<FsReferences>(2, new FsClose(Root, id))).Count);
        Assert.Equal(Errno.EBADF, await Fails(1, new FsStatOpen(Root, id)));
    }

    [SkippableFact]
    public async Task Times_are_set_by_the_inodes_owner_node_with_utimensats_permission_rules_and_sync_reaches_the_store()
    {
        var then = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await Ok<FsAttributes>(1, new FsMkdir(Root, "/times", 0x3FF));
        await Ok<FsAttributes>(1, new FsChmod(Root, "/times", 0x3FF));
        await Ok<FsAttributes>(2, new FsCreate(Ann, "/times/open", 0x1B6)); // 0666
        await Ok<FsAttributes>(1, new FsChmod(Ann, "/times/open", 0x1B6));
        Assert.Equal(Errno.EPERM, await Fails(3, new FsSetTimes(Bob, "/times/open", TimeChange.To(then), TimeChange.Keep)));
        await Ok<FsAttributes>(3, new FsSetTimes(Bob, "/times/open", TimeChange.Now, TimeChange.Now));
        await Ok<FsAttributes>(2, new FsChmod(Ann, "/times/open", 0x1A4)); // 0644
        Assert.Equal(Errno.EACCES, await Fails(1, new FsSetTimes(Bob, "/times/open", TimeChange.Now, TimeChange.Now)));
        await Ok<FsAttributes>(1, new FsSetTimes(Ann, "/times/open", TimeChange.Keep, TimeChange.To(then)));
        Assert.Equal(then, (await Ok<FsAttributes>(3, new FsStat(Bob, "/times/open"))).Attributes.Mtime);
        Assert.Equal(Errno.ENOENT, await Fails(2, new FsSetTimes(Ann, "/times/none", TimeChange.Now, TimeChange.Now)));

        await Ok<FsDone>(2, new FsSync(Bob));
        Assert.Equal(Errno.ENOENT, await Fails(2, new FsSync(Bob, "/times/none")));
        Assert.True((await Ok<FsUsage>(3, new FsStatFs(Bob, "/times/open"))).Usage.Inodes >= 3);
    }

    [SkippableFact]
    public async Task Open_checks_permissions_and_flags_as_Linux_does_and_descriptions_are_their_openers()
    {
        await Ok<FsAttributes>(1, new FsMkdir(Root, "/tmp", 0x3FF)); // 1777
        await Ok<FsAttributes>(1, new FsChmod(Root, "/tmp", 0x3FF));
        var created = await Ok<FsOpened>(2, new FsOpen(Ann, "/tmp/ann", OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive, 0x100)); // 0400
        Assert.Equal((1000, 0x100), (created.Attributes.Uid, created.Attributes.Mode));
        await Ok<FsWritten>(3, new FsWriteOpen(Ann, created.OpenFile, "secret"u8.ToArray())); // the creating open may write a 0400 file
        await Ok<FsReferences>(1, new FsClose(Ann, created.OpenFile));

        Assert.Equal(Errno.EEXIST, await Fails(1, new FsOpen(Ann, "/tmp/ann", OpenFlags.ReadOnly | OpenFlags.Create | OpenFlags.Exclusive, 0x180)));
        Assert.Equal(Errno.EACCES, await Fails(2, new FsOpen(Ann, "/tmp/ann", OpenFlags.WriteOnly, 0)));
        Assert.Equal(Errno.EACCES, await Fails(3, new FsOpen(Bob, "/tmp/ann", OpenFlags.ReadOnly, 0)));
        Assert.Equal(Errno.EISDIR, await Fails(1, new FsOpen(Root, "/tmp", OpenFlags.ReadWrite, 0)));
        Assert.Equal(Errno.ENOTDIR, await Fails(1, new FsOpen(Root, "/tmp/ann", OpenFlags.ReadOnly | OpenFlags.Directory, 0)));
        Assert.Equal(Errno.ENOENT, await Fails(1, new FsOpen(Root, "/tmp/missing", OpenFlags.ReadOnly, 0)));

        var reading = (await Ok<FsOpened>(3, new FsOpen(Ann, "/tmp/ann", OpenFlags.ReadOnly, 0))).OpenFile;
        Assert.Equal(Errno.EBADF, await Fails(1, new FsReadOpen(Bob, reading, 10))); // not Bob's description
        Assert.Equal(Errno.EBADF, await Fails(2, new FsWriteOpen(Ann, reading, "x"u8.ToArray()))); // open for reading only
        Assert.Equal("secret", await ReadText(2, Ann, reading, 10));

        var truncating = (await Ok<FsOpened>(1, new FsOpen(Root, "/tmp/ann", OpenFlags.WriteOnly | OpenFlags.Truncate, 0))).OpenFile;
        Assert.Equal(0, (await Ok<FsAttributes>(2, new FsStat(Ann, "/tmp/ann"))).Attributes.Size);
        await Ok<FsReferences>(3, new FsClose(Root, truncating));
        await Ok<FsReferences>(3, new FsClose(Ann, reading));
    }

    [SkippableFact]
    public async Task A_survivor_serves_an_inode_and_its_open_description_after_the_owner_crashes()
    {
        // Find a file owned by node 1: the seed, and the node the shard coordinator starts on, so its crash is the hardest case.
        string? path = null;
        for (var i = 0; i < 40 && path is null; i++)
        {
            await Ok<FsAttributes>(2, new FsCreate(Root, $"/owned{i}", 420));
            if ((await Ok<FsOwner>(2, new FsWhere(Root, $"/owned{i}"))).Node == new NodeNumber(1)) path = $"/owned{i}";
        }
        Assert.NotNull(path);
        await Ok<FsAttributes>(2, new FsWrite(Root, path, 0, "acknowledged before the crash"u8.ToArray()));
        var id = (await Ok<FsOpened>(3, new FsOpen(Root, path, OpenFlags.ReadWrite, 0))).OpenFile;
        Assert.Equal("acknowledged", await ReadText(2, Root, id, 12));

        await Cluster.CrashAsync(1);

        // Calls made meanwhile wait in the shard regions until the shard has a new home; none is lost.
        var data = await Ok<FsData>(3, new FsRead(Root, path, 0, 100));
        Assert.Equal("acknowledged before the crash", System.Text.Encoding.ASCII.GetString(data.Data));
        Assert.NotEqual(new NodeNumber(1), (await Ok<FsOwner>(2, new FsWhere(Root, path))).Node);
        Assert.Equal(" before", await ReadText(2, Root, id, 7)); // the shared offset survived too
        await Ok<FsWritten>(3, new FsWriteOpen(Root, id, "!"u8.ToArray()));
        Assert.Equal("acknowledged before!the crash", System.Text.Encoding.ASCII.GetString((await Ok<FsData>(2, new FsRead(Root, path, 0, 100))).Data));
    }
}

public sealed class SqliteFileSystemShardingSpecs : FileSystemShardingSpecs
{
    protected override (Config? Store, string? Unavailable) Store() => (Config.Empty, null);
}

public sealed class PostgresFileSystemShardingSpecs : FileSystemShardingSpecs
{
    private readonly string _schema = "s_" + Guid.NewGuid().ToString("N")[..12];
    private static string? Server => Environment.GetEnvironmentVariable(Storage.PostgresInodeStoreSpecs.Variable);

    protected override (Config? Store, string? Unavailable) Store() => string.IsNullOrEmpty(Server)
        ? (null, $"{Storage.PostgresInodeStoreSpecs.Variable} is not set: no PostgreSQL server to test against")
        : (ConfigurationFactory.ParseString($"""
            ssi.cfs.store.kind = postgres
            ssi.cfs.store.postgres.connection-string = "{Server};Search Path={_schema}"
            """), null);

    public override async Task InitializeAsync()
    {
        if (!string.IsNullOrEmpty(Server)) Storage.PostgresInodeStoreSpecs.Admin(Server, $"CREATE SCHEMA {_schema}");
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (!string.IsNullOrEmpty(Server)) Storage.PostgresInodeStoreSpecs.Admin(Server, $"DROP SCHEMA {_schema} CASCADE");
    }
}
