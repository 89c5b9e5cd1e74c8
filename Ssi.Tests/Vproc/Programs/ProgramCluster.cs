// One real single-node cluster for the program tests: its file system serves every ProgramMachine, each in its own directory.
using Akka.Actor;
using Akka.Configuration;
using Ssi.Actors.Identity;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Service;
using Ssi.Cfs.Storage;
using Ssi.Host.Node;
using Ssi.Tests.Harness;

namespace Ssi.Tests.Vproc.Programs;

[CollectionDefinition(Name)]
public sealed class ProgramClusterCollection : ICollectionFixture<ProgramCluster>
{
    public const string Name = "program machine";
}

/// <summary>
/// A node started as `ssi start` starts one, over a temporary SQLite store. Starting it costs seconds, so the test
/// classes of programs share it; each test's machine works under a directory of its own, so tests never see each
/// other's files.
/// </summary>
public sealed class ProgramCluster : IAsyncLifetime
{
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private ClusterHarness? _harness;
    private IInodeStore? _store;

    public IActorRef FileSystem { get; private set; } = ActorRefs.Nobody;

    public ActorSystem System => _harness![1].System;

    public async Task InitializeAsync()
    {
        _harness = await ClusterHarness.StartAsync(1);
        FileSystem = await System.ActorSelection("/user/" + FileSystemService.Name).ResolveOne(CallTimeout);
        // A second handle on the node's store (SQLite lets the local nodes share it): the protocol has no utimes.
        _store = CfsSettings.Create(NodeHost.ComposeConfig(Config.Empty, []), _harness.Home).OpenStore();
    }

    public async Task DisposeAsync()
    {
        _store?.Dispose();
        if (_harness is not null) await _harness.DisposeAsync();
    }

    /// <summary>A request to the node's file-system service, waited for (test code, not an actor, so it may block).</summary>
    public object Ask(IFileSystemRequest request) => FileSystem.Ask<object>(request, CallTimeout).GetAwaiter().GetResult();

    /// <summary>Sets an inode's modification time in the store, as touch -d would if the file system had utimes.</summary>
    public void SetModified(InodeNumber ino, DateTimeOffset mtime)
    {
        var set = _store!.SetAttributes(ino, atime: mtime, mtime: mtime);
        if (!set.IsOk) throw new InvalidOperationException($"setting the mtime of inode {ino}: {set.Error}");
    }
}
