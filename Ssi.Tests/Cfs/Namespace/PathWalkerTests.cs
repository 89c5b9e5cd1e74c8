// Path resolution over a real store: search permission, "..", symlinks (relative, absolute, loops), trailing slashes.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Namespace;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Storage;
using Ssi.Cfs.Storage.Sqlite;
using Ssi.Tests.Harness;

namespace Ssi.Tests.Cfs.Namespace;

public sealed class PathWalkerTests : IDisposable
{
    private readonly TempHome _home = new();
    private readonly SqliteInodeStore _store;
    private readonly PathWalker _walker;
    private static readonly Credentials Ann = Credentials.Of(1000, 1000);

    public PathWalkerTests()
    {
        _store = new SqliteInodeStore(Path.Combine(_home.Home.Root, "cfs.db"), 64 * 1024, TimeSpan.FromSeconds(30));
        _walker = new PathWalker(_store);
        var home = Make(InodeNumber.Root, "home", InodeType.Directory, 0x1ED);
        var ann = Make(home, "ann", InodeType.Directory, 0x1C0, uid: 1000); // 0700
        Make(ann, "notes", InodeType.Regular, 0x1A4, uid: 1000);
        Make(InodeNumber.Root, "etc", InodeType.Directory, 0x1ED);
        Make(InodeNumber.Root, "abs", InodeType.Symlink, 0x1FF, target: "/home/ann");
        Make(home, "rel", InodeType.Symlink, 0x1FF, target: "ann/notes");
        Make(InodeNumber.Root, "loop1", InodeType.Symlink, 0x1FF, target: "/loop2");
        Make(InodeNumber.Root, "loop2", InodeType.Symlink, 0x1FF, target: "loop1");
    }

    private InodeNumber Make(InodeNumber dir, string name, InodeType type, int mode, int uid = 0, string? target = null) =>
        _store.Create(dir, name, new NewInode(type, mode, uid, uid, target)).Value.Ino;

    private Outcome<InodeAttributes> Resolve(string path, Credentials? who = null, bool followLast = true) =>
        _walker.Resolve(PathName.Parse(path).Value, who ?? Ann, followLast);

    [Fact]
    public void A_plain_path_resolves_to_its_inode()
    {
        var notes = Resolve("/home/ann/notes").Value;
        Assert.Equal(InodeType.Regular, notes.Type);
        Assert.Equal(1000, notes.Uid);
        Assert.Equal(InodeNumber.Root, Resolve("/").Value.Ino);
    }

    [Theory]
    [InlineData("/home/ann/missing", Errno.ENOENT)]
    [InlineData("/home/ann/notes/x", Errno.ENOTDIR)]
    [InlineData("/home/ann/notes/", Errno.ENOTDIR)]
    [InlineData("/loop1", Errno.ELOOP)]
    public void Failures_have_their_Unix_errno(string path, Errno expected) => Assert.Equal(expected, Resolve(path).Error);

    [Fact]
    public void A_directory_without_search_permission_stops_others_but_not_its_owner_or_root()
    {
        var bob = Credentials.Of(1001, 1001);
        Assert.Equal(Errno.EACCES, Resolve("/home/ann/notes", bob).Error);
        Assert.True(Resolve("/home/ann/notes", Ann).IsOk);
        Assert.True(Resolve("/home/ann/notes", Credentials.Root).IsOk);
    }

    [Fact]
    public void Dotdot_climbs_and_stops_at_the_root()
    {
        Assert.Equal(Resolve("/etc").Value.Ino, Resolve("/home/ann/../../etc").Value.Ino);
        Assert.Equal(InodeNumber.Root, Resolve("/..").Value.Ino);
        Assert.Equal(InodeNumber.Root, Resolve("/../../..").Value.Ino);
    }

    [Fact]
    public void Symlinks_are_followed_relative_to_their_directory_or_from_the_root()
    {
        var notes = Resolve("/home/ann/notes").Value.Ino;
        Assert.Equal(notes, Resolve("/home/rel").Value.Ino);
        Assert.Equal(notes, Resolve("/abs/notes").Value.Ino);
        Assert.Equal(Resolve("/etc").Value.Ino, Resolve("/abs/../../etc").Value.Ino); // ".." after a link is the target's parent
        Assert.Equal(InodeType.Symlink, Resolve("/home/rel", followLast: false).Value.Type);
        Assert.Equal(InodeType.Directory, Resolve("/abs/", followLast: false).Value.Type); // a trailing slash follows
    }

    [Fact]
    public void The_parent_of_a_path_is_resolved_for_create_and_unlink()
    {
        var (dir, name) = _walker.ResolveParent(PathName.Parse("/abs/new-file").Value, Ann).Value;
        Assert.Equal(Resolve("/home/ann").Value.Ino, dir.Ino);
        Assert.Equal("new-file", name);
        Assert.Equal(Errno.ENOTDIR, _walker.ResolveParent(PathName.Parse("/home/ann/notes/x").Value, Ann).Error);
        Assert.Equal(Errno.EBUSY, _walker.ResolveParent(PathName.Root, Ann).Error);
    }

    public void Dispose()
    {
        _store.Dispose();
        _home.Dispose();
    }
}
