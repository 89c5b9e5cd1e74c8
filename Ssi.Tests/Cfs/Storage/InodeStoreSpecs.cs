// The inode store specs, run against real SQLite and real PostgreSQL: namespace rules, chunked data, durability, atomic rename.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Storage;
using Ssi.Cfs.Storage.Sqlite;
using Ssi.Tests.Harness;

namespace Ssi.Tests.Cfs.Storage;

public abstract partial class InodeStoreSpecs : IDisposable
{
    private SqlInodeStore? _opened;
    private static readonly InodeNumber Root = InodeNumber.Root;

    /// <summary>A store on the database under test; every call opens another store on the same data.</summary>
    protected abstract SqlInodeStore OpenStore();

    private SqlInodeStore Store => _opened ??= OpenStore();

    private InodeAttributes File(InodeNumber dir, string name, int mode = 420, int uid = 1000) =>
        Store.Create(dir, name, new NewInode(InodeType.Regular, mode, uid, uid)).Value;

    private InodeAttributes Dir(InodeNumber dir, string name, int mode = 493) =>
        Store.Create(dir, name, new NewInode(InodeType.Directory, mode, 0, 0)).Value;

    [SkippableFact]
    public void A_new_store_has_a_root_directory_owned_by_root_that_is_its_own_parent()
    {
        var root = Store.Get(Root).Value;
        Assert.Equal(InodeType.Directory, root.Type);
        Assert.Equal(493, root.Mode); // 0755
        Assert.Equal((0, 0, 2), (root.Uid, root.Gid, root.Nlink));
        Assert.Equal(Root, Store.Lookup(Root, "..").Value);
        Assert.Equal(Root, Store.ParentOf(Root).Value);
    }

    [SkippableFact]
    public void Create_lookup_and_readdir_in_name_order()
    {
        var b = File(Root, "b");
        var a = Dir(Root, "a");
        var l = Store.Create(Root, "l", new NewInode(InodeType.Symlink, 511, 0, 0, "/a")).Value;

        Assert.Equal(b.Ino, Store.Lookup(Root, "b").Value);
        Assert.Equal(["a", "b", "l"], Store.ReadDirectory(Root).Value.Select(e => e.Name));
        Assert.Equal("/a", Store.ReadLink(l.Ino).Value);
        Assert.Equal(2, l.Size);
        Assert.Equal(3, Store.Get(Root).Value.Nlink); // "." of root, ".." of root, ".." of a
        Assert.Equal(Root, Store.Lookup(a.Ino, "..").Value);
    }

    [SkippableTheory]
    [InlineData("x", Errno.EEXIST)]
    [InlineData("a/b", Errno.EINVAL)]
    [InlineData("", Errno.EINVAL)]
    [InlineData(".", Errno.EEXIST)]
    [InlineData("..", Errno.EEXIST)]
    public void Bad_or_taken_names_are_refused_and_change_nothing(string name, Errno expected)
    {
        File(Root, "x");
        var before = Store.ReadDirectory(Root).Value.Count;
        Assert.Equal(expected, Store.Create(Root, name, new NewInode(InodeType.Regular, 420, 0, 0)).Error);
        Assert.Equal(before, Store.ReadDirectory(Root).Value.Count);
    }

    [SkippableFact]
    public void A_256_byte_name_is_too_long_and_255_fits()
    {
        Assert.Equal(Errno.ENAMETOOLONG, Store.Create(Root, new string('n', 256), new NewInode(InodeType.Regular, 420, 0, 0)).Error);
        Assert.True(Store.Create(Root, new string('n', 255), new NewInode(InodeType.Regular, 420, 0, 0)).IsOk);
    }

    [SkippableFact]
    public void Creating_in_a_file_or_missing_directory_fails_with_ENOTDIR_or_ENOENT()
    {
        var f = File(Root, "f");
        Assert.Equal(Errno.ENOTDIR, Store.Create(f.Ino, "x", new NewInode(InodeType.Regular, 420, 0, 0)).Error);
        Assert.Equal(Errno.ENOENT, Store.Create(new InodeNumber(999), "x", new NewInode(InodeType.Regular, 420, 0, 0)).Error);
    }

    [SkippableFact]
    public void Rmdir_and_unlink_follow_their_types_and_emptiness()
    {
        var d = Dir(Root, "d");
        File(d.Ino, "inside");
        File(Root, "f");
        Assert.Equal(Errno.ENOTEMPTY, Store.RemoveDirectory(Root, "d").Error);
        Assert.Equal(Errno.EISDIR, Store.Unlink(Root, "d").Error);
        Assert.Equal(Errno.ENOTDIR, Store.RemoveDirectory(Root, "f").Error);
        Assert.Equal(Errno.ENOENT, Store.Unlink(Root, "missing").Error);

        Assert.True(Store.Unlink(d.Ino, "inside").IsOk);
        Assert.True(Store.RemoveDirectory(Root, "d").IsOk);
        Assert.Equal(Errno.ENOENT, Store.Get(d.Ino).Error);
        Assert.Equal(2, Store.Get(Root).Value.Nlink);
    }

    [SkippableFact]
    public void Hard_links_share_an_inode_and_the_last_unlink_frees_it_with_its_data()
    {
        var f = File(Root, "f");
        Store.Write(f.Ino, 0, "hello"u8.ToArray());
        Assert.Equal(2, Store.Link(f.Ino, Root, "g").Value.Nlink);
        Assert.Equal(Errno.EPERM, Store.Link(Root, Root, "rootlink").Error);

        Store.Unlink(Root, "f");
        Assert.Equal("hello"u8.ToArray(), Store.Read(f.Ino, 0, 100).Value);
        Store.Unlink(Root, "g");
        Assert.Equal(Errno.ENOENT, Store.Get(f.Ino).Error);
    }

    [SkippableFact]
    public void Rename_moves_across_directories_and_replaces_a_file_atomically()
    {
        var src = Dir(Root, "src");
        var dst = Dir(Root, "dst");
        var f = File(src.Ino, "f");
        var old = File(dst.Ino, "g");

        Assert.True(Store.Rename(src.Ino, "f", dst.Ino, "g").IsOk);

        Assert.Equal(Errno.ENOENT, Store.Lookup(src.Ino, "f").Error);
        Assert.Equal(f.Ino, Store.Lookup(dst.Ino, "g").Value);
        Assert.Equal(Errno.ENOENT, Store.Get(old.Ino).Error);
    }

    [SkippableFact]
    public void Renaming_a_directory_updates_dotdot_and_link_counts()
    {
        var a = Dir(Root, "a");
        var b = Dir(Root, "b");
        var moved = Dir(a.Ino, "m");

        Assert.True(Store.Rename(a.Ino, "m", b.Ino, "m2").IsOk);

        Assert.Equal(b.Ino, Store.Lookup(moved.Ino, "..").Value);
        Assert.Equal(2, Store.Get(a.Ino).Value.Nlink);
        Assert.Equal(3, Store.Get(b.Ino).Value.Nlink);
    }

    [SkippableFact]
    public void Rename_refuses_what_Linux_refuses()
    {
        var a = Dir(Root, "a");
        var inner = Dir(a.Ino, "inner");
        var full = Dir(Root, "full");
        File(full.Ino, "x");
        Dir(Root, "empty");
        File(Root, "f");

        Assert.Equal(Errno.EINVAL, Store.Rename(Root, "a", inner.Ino, "a").Error);
        Assert.Equal(Errno.EINVAL, Store.Rename(Root, "a", a.Ino, "self").Error);
        Assert.Equal(Errno.ENOTEMPTY, Store.Rename(Root, "a", Root, "full").Error);
        Assert.Equal(Errno.EISDIR, Store.Rename(Root, "f", Root, "empty").Error);
        Assert.Equal(Errno.ENOTDIR, Store.Rename(Root, "a", Root, "f").Error);
        Assert.Equal(Errno.ENOENT, Store.Rename(Root, "nope", Root, "x").Error);
        Assert.True(Store.Rename(Root, "a", Root, "empty").IsOk); // a directory may replace an empty one
        Assert.Equal(inner.Ino, Store.Lookup(Store.Lookup(Root, "empty").Value, "inner").Value);
    }

    [SkippableFact]
    public void Rename_onto_another_link_of_the_same_inode_does_nothing()
    {
        var f = File(Root, "f");
        Store.Link(f.Ino, Root, "g");
        Assert.True(Store.Rename(Root, "f", Root, "g").IsOk);
        Assert.Equal(f.Ino, Store.Lookup(Root, "f").Value);
        Assert.Equal(f.Ino, Store.Lookup(Root, "g").Value);
    }

    [SkippableFact]
    public void Data_crosses_chunk_boundaries_holes_read_as_zeros_and_reads_stop_at_the_end()
    {
        var f = File(Root, "f");
        var data = Enumerable.Range(0, 1500).Select(i => (byte)(i % 251)).ToArray();

        Assert.Equal(1500, Store.Write(f.Ino, 0, data).Value.Size);
        Assert.Equal(data, Store.Read(f.Ino, 0, 5000).Value);
        Assert.Equal(data[500..1100], Store.Read(f.Ino, 500, 600).Value);

        Assert.Equal(3000, Store.Write(f.Ino, 2990, new byte[10] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }).Value.Size);
        Assert.All(Store.Read(f.Ino, 1500, 1490).Value, b => Assert.Equal(0, b));
        Assert.Empty(Store.Read(f.Ino, 3000, 10).Value);
        Assert.Equal(Errno.EISDIR, Store.Write(Root, 0, new byte[1]).Error);
    }

    [SkippableFact]
    public void Truncate_cuts_and_a_later_extension_reads_zeros()
    {
        var f = File(Root, "f");
        Store.Write(f.Ino, 0, Enumerable.Repeat((byte)7, 1200).ToArray());

        Assert.Equal(700, Store.Truncate(f.Ino, 700).Value.Size);
        Assert.Equal(1300, Store.Truncate(f.Ino, 1300).Value.Size);

        var back = Store.Read(f.Ino, 0, 2000).Value;
        Assert.Equal(1300, back.Length);
        Assert.All(back[..700], b => Assert.Equal(7, b));
        Assert.All(back[700..], b => Assert.Equal(0, b));
    }

    [SkippableFact]
    public void What_was_written_is_there_after_the_store_is_closed_and_opened_again()
    {
        var f = File(Root, "f");
        Store.Write(f.Ino, 0, "durable"u8.ToArray());
        Store.Dispose();

        using var reopened = OpenStore();

        Assert.Equal("durable"u8.ToArray(), reopened.Read(reopened.Lookup(Root, "f").Value, 0, 100).Value);
    }

    [SkippableFact]
    public void An_open_file_description_reads_and_writes_at_its_own_offset_and_seeks()
    {
        var f = File(Root, "f");
        var open = Store.Open(f.Ino, OpenFlags.ReadWrite, 1000, truncate: false).Value;
        Assert.Equal((0L, 1), (open.Position, open.References));

        Assert.Equal(5, Store.WriteOpen(open.Id, "hello"u8.ToArray()).Value.Position);
        Assert.Equal(11, Store.WriteOpen(open.Id, " world"u8.ToArray()).Value.Position);
        Assert.Equal(11, Store.Get(f.Ino).Value.Size);
        Assert.Equal(0, Store.SeekOpen(open.Id, 0, Whence.Set).Value);
        var (head, position) = Store.ReadOpen(open.Id, 5).Value;
        Assert.Equal(("hello", 5L), (System.Text.Encoding.ASCII.GetString(head), position));
        Assert.Equal(" world", System.Text.Encoding.ASCII.GetString(Store.ReadOpen(open.Id, 100).Value.Data));
        Assert.Empty(Store.ReadOpen(open.Id, 100).Value.Data); // at the end
        Assert.Equal(8, Store.SeekOpen(open.Id, -3, Whence.End).Value);
        Assert.Equal(6, Store.SeekOpen(open.Id, -2, Whence.Current).Value);
        Assert.Equal(Errno.EINVAL, Store.SeekOpen(open.Id, -1, Whence.Set).Error);
        Assert.Equal(6, Store.GetOpenFile(open.Id).Value.Position); // a refused seek moves nothing
        Assert.Equal(20, Store.SeekOpen(open.Id, 20, Whence.Set).Value); // past the end is allowed; a write there leaves a hole
    }

    [SkippableFact]
    public void Two_descriptions_of_one_file_keep_separate_offsets_and_append_always_writes_at_the_end()
    {
        var f = File(Root, "log");
        var writer = Store.Open(f.Ino, OpenFlags.WriteOnly, 1000, truncate: false).Value;
        var appender = Store.Open(f.Ino, OpenFlags.WriteOnly | OpenFlags.Append, 1000, truncate: false).Value;
        Store.WriteOpen(writer.Id, "aaaa"u8.ToArray());
        Assert.Equal(6, Store.WriteOpen(appender.Id, "bb"u8.ToArray()).Value.Position);
        Store.WriteOpen(writer.Id, "cc"u8.ToArray()); // at the writer's offset 4: over "bb"
        Assert.Equal(8, Store.WriteOpen(appender.Id, "dd"u8.ToArray()).Value.Position);
        Assert.Equal("aaaaccdd"u8.ToArray(), Store.Read(f.Ino, 0, 100).Value);
    }

    [SkippableFact]
    public void A_repeated_read_or_write_through_a_description_takes_effect_once()
    {
        var f = File(Root, "f");
        var open = Store.Open(f.Ino, OpenFlags.ReadWrite | OpenFlags.Append, 1000, truncate: false).Value;
        Assert.Equal(3, Store.WriteOpen(open.Id, "abc"u8.ToArray(), expectedPosition: 0).Value.Position);
        Assert.Equal(3, Store.WriteOpen(open.Id, "abc"u8.ToArray(), expectedPosition: 0).Value.Position); // the reply was lost; sent again
        Assert.Equal(3, Store.Get(f.Ino).Value.Size);

        Store.SeekOpen(open.Id, 0, Whence.Set);
        var first = Store.ReadOpen(open.Id, 2, expectedPosition: 0).Value;
        var repeat = Store.ReadOpen(open.Id, 2, expectedPosition: 0).Value;
        Assert.Equal(("ab", 2L), (System.Text.Encoding.ASCII.GetString(first.Data), first.Position));
        Assert.Equal(first.Data, repeat.Data);
        Assert.Equal(2, repeat.Position);
        Assert.Equal("c", System.Text.Encoding.ASCII.GetString(Store.ReadOpen(open.Id, 2, expectedPosition: 2).Value.Data));
    }

    [SkippableFact]
    public void Access_modes_are_enforced_with_EBADF_and_open_with_truncate_empties_the_file()
    {
        var f = File(Root, "f");
        Store.Write(f.Ino, 0, "content"u8.ToArray());
        var reader = Store.Open(f.Ino, OpenFlags.ReadOnly, 1000, truncate: false).Value;
        Assert.Equal(Errno.EBADF, Store.WriteOpen(reader.Id, "x"u8.ToArray()).Error);
        var writer = Store.Open(f.Ino, OpenFlags.WriteOnly | OpenFlags.Truncate | OpenFlags.Create, 1000, truncate: true).Value;
        Assert.Equal(OpenFlags.WriteOnly, writer.Flags); // only the flags a description keeps
        Assert.Equal(0, Store.Get(f.Ino).Value.Size);
        Assert.Equal(Errno.EBADF, Store.ReadOpen(writer.Id, 10).Error);
    }

    [SkippableFact]
    public void A_description_lives_until_its_last_reference_is_released_and_is_then_EBADF()
    {
        var f = File(Root, "f");
        var open = Store.Open(f.Ino, OpenFlags.ReadOnly, 1000, truncate: false).Value;
        Assert.Equal(2, Store.RetainOpen(open.Id).Value); // dup
        Assert.Equal(1, Store.ReleaseOpen(open.Id).Value);
        Assert.True(Store.ReadOpen(open.Id, 1).IsOk);
        Assert.Equal(0, Store.ReleaseOpen(open.Id).Value);
        Assert.Equal(Errno.EBADF, Store.ReadOpen(open.Id, 1).Error);
        Assert.Equal(Errno.EBADF, Store.ReleaseOpen(open.Id).Error);
        Assert.Equal(Errno.EBADF, Store.RetainOpen(open.Id).Error);
        Assert.Equal(Errno.EBADF, Store.GetOpenFile(987654).Error);
        var again = Store.Open(f.Ino, OpenFlags.ReadOnly, 1000, truncate: false).Value;
        Assert.NotEqual(open.Id, again.Id); // ids are never reused
    }

    [SkippableFact]
    public void An_unlinked_open_file_stays_as_an_orphan_until_its_last_close()
    {
        var f = File(Root, "f");
        Store.Write(f.Ino, 0, "still here"u8.ToArray());
        var first = Store.Open(f.Ino, OpenFlags.ReadWrite, 1000, truncate: false).Value;
        var second = Store.Open(f.Ino, OpenFlags.ReadOnly, 1000, truncate: false).Value;

        Store.Unlink(Root, "f").Value.ToString();
        Assert.Equal(Errno.ENOENT, Store.Lookup(Root, "f").Error);
        Assert.Equal(0, Store.Get(f.Ino).Value.Nlink);
        Assert.True(Store.WriteOpen(first.Id, "STILL"u8.ToArray()).IsOk);
        Assert.Equal("STILL here"u8.ToArray(), Store.ReadOpen(second.Id, 100).Value.Data);

        Store.ReleaseOpen(first.Id);
        Assert.True(Store.Get(f.Ino).IsOk); // the second description still holds it
        Store.ReleaseOpen(second.Id);
        Assert.Equal(Errno.ENOENT, Store.Get(f.Ino).Error);
        Assert.Equal(Errno.ENOENT, Store.Read(f.Ino, 0, 10).Error);
    }

    [SkippableFact]
    public void A_file_replaced_by_rename_while_open_stays_readable_until_closed()
    {
        var victim = File(Root, "victim");
        Store.Write(victim.Ino, 0, "old"u8.ToArray());
        var open = Store.Open(victim.Ino, OpenFlags.ReadOnly, 1000, truncate: false).Value;
        File(Root, "new");
        Assert.True(Store.Rename(Root, "new", Root, "victim").IsOk);
        Assert.Equal("old"u8.ToArray(), Store.ReadOpen(open.Id, 10).Value.Data);
        Store.ReleaseOpen(open.Id);
        Assert.Equal(Errno.ENOENT, Store.Get(victim.Ino).Error);
    }

    [SkippableFact]
    public async Task Two_stores_on_one_file_never_see_a_renamed_file_under_both_names_or_neither()
    {
        File(Root, "ping");
        using var other = OpenStore(); // another node
        var renames = Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                Assert.True(Store.Rename(Root, "ping", Root, "pong").IsOk);
                Assert.True(Store.Rename(Root, "pong", Root, "ping").IsOk);
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

    public virtual void Dispose()
    {
        _opened?.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteInodeStoreSpecs : InodeStoreSpecs
{
    private readonly TempHome _home = new();

    private string DatabaseFile => Path.Combine(_home.Home.Root, "cfs.db");

    protected override SqlInodeStore OpenStore() => new SqliteInodeStore(DatabaseFile, chunkSize: 512, TimeSpan.FromSeconds(30));

    protected override void CreateFirstSchemaWithAFile()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabaseFile};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE inodes(ino INTEGER PRIMARY KEY AUTOINCREMENT, type INTEGER NOT NULL, mode INTEGER NOT NULL,
                uid INTEGER NOT NULL, gid INTEGER NOT NULL, nlink INTEGER NOT NULL, size INTEGER NOT NULL,
                atime INTEGER NOT NULL, mtime INTEGER NOT NULL, ctime INTEGER NOT NULL, parent INTEGER, target TEXT);
            CREATE TABLE dirents(dir INTEGER NOT NULL, name TEXT NOT NULL, ino INTEGER NOT NULL, PRIMARY KEY(dir, name)) WITHOUT ROWID;
            INSERT INTO inodes VALUES (1, 2, 493, 0, 0, 2, 0, 0, 0, 0, 1, NULL), (2, 1, 420, 0, 0, 1, 0, 0, 0, 0, NULL, NULL);
            INSERT INTO dirents VALUES (1, 'old', 2);
            """;
        command.ExecuteNonQuery();
    }

    public override void Dispose()
    {
        base.Dispose();
        _home.Dispose();
    }
}
