// The SQLite inode store against a real database file: namespace rules, chunked data, durability, atomic rename.
using Ssi.Actors.Errors;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Storage;
using Ssi.Cfs.Storage.Sqlite;
using Ssi.Tests.Harness;

namespace Ssi.Tests.Cfs.Storage;

public sealed class SqliteInodeStoreTests : IDisposable
{
    private readonly TempHome _home = new();
    private readonly SqliteInodeStore _store;
    private static readonly InodeNumber Root = InodeNumber.Root;

    public SqliteInodeStoreTests() => _store = new SqliteInodeStore(DbPath, chunkSize: 512);

    private string DbPath => Path.Combine(_home.Home.Root, "cfs.db");

    private InodeAttributes File(InodeNumber dir, string name, int mode = 420, int uid = 1000) =>
        _store.Create(dir, name, new NewInode(InodeType.Regular, mode, uid, uid)).Value;

    private InodeAttributes Dir(InodeNumber dir, string name, int mode = 493) =>
        _store.Create(dir, name, new NewInode(InodeType.Directory, mode, 0, 0)).Value;

    [Fact]
    public void A_new_store_has_a_root_directory_owned_by_root_that_is_its_own_parent()
    {
        var root = _store.Get(Root).Value;
        Assert.Equal(InodeType.Directory, root.Type);
        Assert.Equal(493, root.Mode); // 0755
        Assert.Equal((0, 0, 2), (root.Uid, root.Gid, root.Nlink));
        Assert.Equal(Root, _store.Lookup(Root, "..").Value);
        Assert.Equal(Root, _store.ParentOf(Root).Value);
    }

    [Fact]
    public void Create_lookup_and_readdir_in_name_order()
    {
        var b = File(Root, "b");
        var a = Dir(Root, "a");
        var l = _store.Create(Root, "l", new NewInode(InodeType.Symlink, 511, 0, 0, "/a")).Value;

        Assert.Equal(b.Ino, _store.Lookup(Root, "b").Value);
        Assert.Equal(["a", "b", "l"], _store.ReadDirectory(Root).Value.Select(e => e.Name));
        Assert.Equal("/a", _store.ReadLink(l.Ino).Value);
        Assert.Equal(2, l.Size);
        Assert.Equal(3, _store.Get(Root).Value.Nlink); // "." of root, ".." of root, ".." of a
        Assert.Equal(Root, _store.Lookup(a.Ino, "..").Value);
    }

    [Theory]
    [InlineData("x", Errno.EEXIST)]
    [InlineData("a/b", Errno.EINVAL)]
    [InlineData("", Errno.EINVAL)]
    [InlineData(".", Errno.EEXIST)]
    [InlineData("..", Errno.EEXIST)]
    public void Bad_or_taken_names_are_refused_and_change_nothing(string name, Errno expected)
    {
        File(Root, "x");
        var before = _store.ReadDirectory(Root).Value.Count;
        Assert.Equal(expected, _store.Create(Root, name, new NewInode(InodeType.Regular, 420, 0, 0)).Error);
        Assert.Equal(before, _store.ReadDirectory(Root).Value.Count);
    }

    [Fact]
    public void A_256_byte_name_is_too_long_and_255_fits()
    {
        Assert.Equal(Errno.ENAMETOOLONG, _store.Create(Root, new string('n', 256), new NewInode(InodeType.Regular, 420, 0, 0)).Error);
        Assert.True(_store.Create(Root, new string('n', 255), new NewInode(InodeType.Regular, 420, 0, 0)).IsOk);
    }

    [Fact]
    public void Creating_in_a_file_or_missing_directory_fails_with_ENOTDIR_or_ENOENT()
    {
        var f = File(Root, "f");
        Assert.Equal(Errno.ENOTDIR, _store.Create(f.Ino, "x", new NewInode(InodeType.Regular, 420, 0, 0)).Error);
        Assert.Equal(Errno.ENOENT, _store.Create(new InodeNumber(999), "x", new NewInode(InodeType.Regular, 420, 0, 0)).Error);
    }

    [Fact]
    public void Rmdir_and_unlink_follow_their_types_and_emptiness()
    {
        var d = Dir(Root, "d");
        File(d.Ino, "inside");
        File(Root, "f");
        Assert.Equal(Errno.ENOTEMPTY, _store.RemoveDirectory(Root, "d").Error);
        Assert.Equal(Errno.EISDIR, _store.Unlink(Root, "d").Error);
        Assert.Equal(Errno.ENOTDIR, _store.RemoveDirectory(Root, "f").Error);
        Assert.Equal(Errno.ENOENT, _store.Unlink(Root, "missing").Error);

        Assert.True(_store.Unlink(d.Ino, "inside").IsOk);
        Assert.True(_store.RemoveDirectory(Root, "d").IsOk);
        Assert.Equal(Errno.ENOENT, _store.Get(d.Ino).Error);
        Assert.Equal(2, _store.Get(Root).Value.Nlink);
    }

    [Fact]
    public void Hard_links_share_an_inode_and_the_last_unlink_frees_it_with_its_data()
    {
        var f = File(Root, "f");
        _store.Write(f.Ino, 0, "hello"u8.ToArray());
        Assert.Equal(2, _store.Link(f.Ino, Root, "g").Value.Nlink);
        Assert.Equal(Errno.EPERM, _store.Link(Root, Root, "rootlink").Error);

        _store.Unlink(Root, "f");
        Assert.Equal("hello"u8.ToArray(), _store.Read(f.Ino, 0, 100).Value);
        _store.Unlink(Root, "g");
        Assert.Equal(Errno.ENOENT, _store.Get(f.Ino).Error);
    }

    [Fact]
    public void Rename_moves_across_directories_and_replaces_a_file_atomically()
    {
        var src = Dir(Root, "src");
        var dst = Dir(Root, "dst");
        var f = File(src.Ino, "f");
        var old = File(dst.Ino, "g");

        Assert.True(_store.Rename(src.Ino, "f", dst.Ino, "g").IsOk);

        Assert.Equal(Errno.ENOENT, _store.Lookup(src.Ino, "f").Error);
        Assert.Equal(f.Ino, _store.Lookup(dst.Ino, "g").Value);
        Assert.Equal(Errno.ENOENT, _store.Get(old.Ino).Error);
    }

    [Fact]
    public void Renaming_a_directory_updates_dotdot_and_link_counts()
    {
        var a = Dir(Root, "a");
        var b = Dir(Root, "b");
        var moved = Dir(a.Ino, "m");

        Assert.True(_store.Rename(a.Ino, "m", b.Ino, "m2").IsOk);

        Assert.Equal(b.Ino, _store.Lookup(moved.Ino, "..").Value);
        Assert.Equal(2, _store.Get(a.Ino).Value.Nlink);
        Assert.Equal(3, _store.Get(b.Ino).Value.Nlink);
    }

    [Fact]
    public void Rename_refuses_what_Linux_refuses()
    {
        var a = Dir(Root, "a");
        var inner = Dir(a.Ino, "inner");
        var full = Dir(Root, "full");
        File(full.Ino, "x");
        Dir(Root, "empty");
        File(Root, "f");

        Assert.Equal(Errno.EINVAL, _store.Rename(Root, "a", inner.Ino, "a").Error);
        Assert.Equal(Errno.EINVAL, _store.Rename(Root, "a", a.Ino, "self").Error);
        Assert.Equal(Errno.ENOTEMPTY, _store.Rename(Root, "a", Root, "full").Error);
        Assert.Equal(Errno.EISDIR, _store.Rename(Root, "f", Root, "empty").Error);
        Assert.Equal(Errno.ENOTDIR, _store.Rename(Root, "a", Root, "f").Error);
        Assert.Equal(Errno.ENOENT, _store.Rename(Root, "nope", Root, "x").Error);
        Assert.True(_store.Rename(Root, "a", Root, "empty").IsOk); // a directory may replace an empty one
        Assert.Equal(inner.Ino, _store.Lookup(_store.Lookup(Root, "empty").Value, "inner").Value);
    }

    [Fact]
    public void Rename_onto_another_link_of_the_same_inode_does_nothing()
    {
        var f = File(Root, "f");
        _store.Link(f.Ino, Root, "g");
        Assert.True(_store.Rename(Root, "f", Root, "g").IsOk);
        Assert.Equal(f.Ino, _store.Lookup(Root, "f").Value);
        Assert.Equal(f.Ino, _store.Lookup(Root, "g").Value);
    }

    [Fact]
    public void Data_crosses_chunk_boundaries_holes_read_as_zeros_and_reads_stop_at_the_end()
    {
        var f = File(Root, "f");
        var data = Enumerable.Range(0, 1500).Select(i => (byte)(i % 251)).ToArray();

        Assert.Equal(1500, _store.Write(f.Ino, 0, data).Value.Size);
        Assert.Equal(data, _store.Read(f.Ino, 0, 5000).Value);
        Assert.Equal(data[500..1100], _store.Read(f.Ino, 500, 600).Value);

        Assert.Equal(3000, _store.Write(f.Ino, 2990, new byte[10] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }).Value.Size);
        Assert.All(_store.Read(f.Ino, 1500, 1490).Value, b => Assert.Equal(0, b));
        Assert.Empty(_store.Read(f.Ino, 3000, 10).Value);
        Assert.Equal(Errno.EISDIR, _store.Write(Root, 0, new byte[1]).Error);
    }

    [Fact]
    public void Truncate_cuts_and_a_later_extension_reads_zeros()
    {
        var f = File(Root, "f");
        _store.Write(f.Ino, 0, Enumerable.Repeat((byte)7, 1200).ToArray());

        Assert.Equal(700, _store.Truncate(f.Ino, 700).Value.Size);
        Assert.Equal(1300, _store.Truncate(f.Ino, 1300).Value.Size);

        var back = _store.Read(f.Ino, 0, 2000).Value;
        Assert.Equal(1300, back.Length);
        Assert.All(back[..700], b => Assert.Equal(7, b));
        Assert.All(back[700..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void What_was_written_is_there_after_the_store_is_closed_and_opened_again()
    {
        var f = File(Root, "f");
        _store.Write(f.Ino, 0, "durable"u8.ToArray());
        _store.Dispose();

        using var reopened = new SqliteInodeStore(DbPath, chunkSize: 512);

        Assert.Equal("durable"u8.ToArray(), reopened.Read(reopened.Lookup(Root, "f").Value, 0, 100).Value);
    }

    [Fact]
    public async Task Two_stores_on_one_file_never_see_a_renamed_file_under_both_names_or_neither()
    {
        File(Root, "ping");
        using var other = new SqliteInodeStore(DbPath, chunkSize: 512); // another node of the same host
        var renames = Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                Assert.True(_store.Rename(Root, "ping", Root, "pong").IsOk);
                Assert.True(_store.Rename(Root, "pong", Root, "ping").IsOk);
            }
        });
        var observations = 0;
        while (!renames.IsCompleted)
        {
            // One snapshot of the directory: exactly one of the two names, every time.
            var names = other.ReadDirectory(Root).Value.Select(e => e.Name).ToList();
            Assert.Single(names, n => n is "ping" or "pong");
            observations++;
        }
        await renames;
        Assert.True(observations > 0);
    }

    public void Dispose()
    {
        _store.Dispose();
        _home.Dispose();
    }
}
