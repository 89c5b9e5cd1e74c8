// A test's own directory in the real cluster file system: the root its programs see, and how the test fills and reads it.
using System.Text;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Service;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Tests.Vproc.Programs;

/// <summary>
/// Every machine works under /t-GUID of the shared file system: its programs see /t-GUID/root as "/" (the machine
/// maps each path of a request, as a chroot would), and the files behind their standard streams live beside it, out
/// of their sight. The test seeds and inspects the tree as root, through the same file-system service.
/// </summary>
public sealed class MachineFiles
{
    private readonly ProgramCluster _cluster;
    private readonly string _base = "/t-" + Guid.NewGuid().ToString("N");

    public MachineFiles(ProgramCluster cluster)
    {
        _cluster = cluster;
        // Everyone may write in the root, so that tests need no home directory.
        MakeDirectory(_base, 0x1FF, 0, 0);
        MakeDirectory(Root, 0x1FF, 0, 0);
    }

    /// <summary>The real path of the programs' "/".</summary>
    public string Root => _base + "/root";

    /// <summary>The real path of <paramref name="path"/> as a program of this machine names it (".." stops at its root).</summary>
    public string Map(string path)
    {
        var inside = Paths.Combine("/", path);
        return inside == "/" ? Root : Root + inside;
    }

    /// <summary>A request as the file system must see it: each path mapped; calls on open descriptions name no path.</summary>
    public IFileSystemRequest Map(IFileSystemRequest request) => request switch
    {
        IOpenFileRequest => request,
        FsOpen r => r with { Path = Map(r.Path) },
        FsStat r => r with { Path = Map(r.Path) },
        FsReadDirectory r => r with { Path = Map(r.Path) },
        FsRead r => r with { Path = Map(r.Path) },
        FsMkdir r => r with { Path = Map(r.Path) },
        FsMknod r => r with { Path = Map(r.Path) },
        FsUnlink r => r with { Path = Map(r.Path) },
        FsRmdir r => r with { Path = Map(r.Path) },
        FsRename r => r with { From = Map(r.From), To = Map(r.To) },
        FsReadLink r => r with { Path = Map(r.Path) },
        FsSymlink r => r with { Path = Map(r.Path) },
        FsLink r => r with { Existing = Map(r.Existing), Path = Map(r.Path) },
        FsChmod r => r with { Path = Map(r.Path) },
        FsSetTimes r => r with { Path = Map(r.Path) },
        FsSync r => r with { Path = r.Path is null ? null : Map(r.Path) },
        FsStatFs r => r with { Path = Map(r.Path) },
        _ => throw new NotSupportedException($"the machine does not map {request.GetType().Name}"),
    };

    // ---- seeding and inspecting, as root ----

    public InodeAttributes AddFile(string path, byte[] content, int mode, DateTimeOffset? mtime, int uid, int gid)
    {
        var real = Map(path);
        MakeParents(real, uid, gid);
        Expect<FsAttributes>(new FsCreate(Credentials.Root, real, mode));
        if (content.Length > 0) Expect<FsAttributes>(new FsWrite(Credentials.Root, real, 0, content));
        return Settle(real, mode, mtime, uid, gid);
    }

    public InodeAttributes AddDirectory(string path, int mode, DateTimeOffset? mtime, int uid, int gid)
    {
        var real = Map(path);
        MakeParents(real, uid, gid);
        Expect<FsAttributes>(new FsMkdir(Credentials.Root, real, mode));
        return Settle(real, mode, mtime, uid, gid);
    }

    /// <summary>A FIFO or device node, as root makes it with mknod.</summary>
    public InodeAttributes AddNode(string path, InodeType type, int mode, DeviceNumber device, DateTimeOffset? mtime, int uid, int gid)
    {
        var real = Map(path);
        MakeParents(real, uid, gid);
        Expect<FsAttributes>(new FsMknod(Credentials.Root, real, type, mode, device));
        return Settle(real, mode, mtime, uid, gid);
    }

    /// <summary>A symbolic link at <paramref name="path"/> to <paramref name="target"/> (taken as written, so relative targets stay inside the root).</summary>
    public void AddSymlink(string path, string target, int uid, int gid)
    {
        var real = Map(path);
        MakeParents(real, uid, gid);
        Expect<FsAttributes>(new FsSymlink(Credentials.Root, target, real));
    }

    /// <summary>A second name for the file at <paramref name="existing"/>, as ln makes it.</summary>
    public void AddHardLink(string path, string existing) => Expect<FsAttributes>(new FsLink(Credentials.Root, Map(existing), Map(path)));

    public void Chmod(string path, int mode) => Expect<FsAttributes>(new FsChmod(Credentials.Root, Map(path), mode));

    /// <summary>What stat as root says of <paramref name="path"/>, or null if there is nothing there.</summary>
    public InodeAttributes? Find(string path, bool follow = true) => FindReal(Map(path), follow);

    /// <summary>The target of the symbolic link at <paramref name="path"/>, or null if it is not one.</summary>
    public string? ReadLink(string path) => _cluster.Ask(new FsReadLink(Credentials.Root, Map(path))) is FsText link ? link.Text : null;

    /// <summary>The entries of the directory at <paramref name="path"/> (without "." and ".."), or null if it cannot be listed.</summary>
    public IReadOnlyList<FsEntry>? List(string path) =>
        _cluster.Ask(new FsReadDirectory(Credentials.Root, Map(path))) is FsEntries e ? [.. e.Entries.Where(x => x.Name is not ("." or ".."))] : null;

    /// <summary>The bytes of the file at <paramref name="path"/> (followed), or null if it cannot be read.</summary>
    public byte[]? ReadBytes(string path) =>
        FindReal(Map(path)) is { } found && _cluster.Ask(new FsRead(Credentials.Root, Map(path), 0, (int)found.Size)) is FsData data ? data.Data : null;

    public string ReadFile(string path) => Encoding.UTF8.GetString(ReadReal(Map(path)));

    // ---- the files behind the standard streams ----

    /// <summary>An empty file beside the root, owned by <paramref name="owner"/>; its real path.</summary>
    public string StreamFile(string name, Credentials owner)
    {
        var real = $"{_base}/{name}";
        Expect<FsAttributes>(new FsCreate(Credentials.Root, real, 0x180));
        Expect<FsAttributes>(new FsChown(Credentials.Root, real, owner.Uid, owner.Gid));
        return real;
    }

    public byte[] ReadReal(string real)
    {
        var size = FindReal(real)?.Size ?? throw new FileNotFoundException(real);
        return Expect<FsData>(new FsRead(Credentials.Root, real, 0, (int)size)).Data;
    }

    public T Expect<T>(IFileSystemRequest request) => _cluster.Ask(request) switch
    {
        T ok => ok,
        var other => throw new InvalidOperationException($"{request}: {other}"),
    };

    private InodeAttributes? FindReal(string real, bool follow = true) =>
        _cluster.Ask(new FsStat(Credentials.Root, real, follow)) is FsAttributes found ? found.Attributes : null;

    private void MakeParents(string real, int uid, int gid)
    {
        var names = real[(Root.Length + 1)..].Split('/');
        var at = Root;
        foreach (var name in names[..^1])
        {
            at += "/" + name;
            if (FindReal(at) is null) MakeDirectory(at, 0x1ED, uid, gid);
        }
    }

    private void MakeDirectory(string real, int mode, int uid, int gid)
    {
        Expect<FsAttributes>(new FsMkdir(Credentials.Root, real, mode));
        Settle(real, mode, null, uid, gid);
    }

    /// <summary>Exactly this mode and owner (the service applies no umask, but says so here), and the mtime asked for.</summary>
    private InodeAttributes Settle(string real, int mode, DateTimeOffset? mtime, int uid, int gid)
    {
        Expect<FsAttributes>(new FsChown(Credentials.Root, real, uid, gid));
        var set = Expect<FsAttributes>(new FsChmod(Credentials.Root, real, mode)).Attributes;
        if (mtime is not { } m) return set;
        _cluster.SetModified(set.Ino, m);
        return FindReal(real)!;
    }
}
