// The file-system calls as users make them: who may create, remove, rename, chmod, chown, truncate and touch what.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Namespace;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Storage.Sqlite;
using Ssi.Tests.Harness;

namespace Ssi.Tests.Cfs.Namespace;

public sealed class FileSystemOperationsTests : IDisposable
{
    private readonly TempHome _home = new();
    private readonly SqliteInodeStore _store;
    private readonly FileSystemOperations _fs;
    private static readonly Credentials Root = Credentials.Root;
    private static readonly Credentials Ann = Credentials.Of(1000, 1000);
    private static readonly Credentials Bob = Credentials.Of(1001, 1001);

    public FileSystemOperationsTests()
    {
        _store = new SqliteInodeStore(Path.Combine(_home.Home.Root, "cfs.db"), 64 * 1024, TimeSpan.FromSeconds(30));
        _fs = new FileSystemOperations(_store);
        Ok(_fs.Mkdir("/home", Root, 0x1ED));
        Ok(_fs.Mkdir("/home/ann", Root, 0x1ED));
        Ok(_fs.Chown("/home/ann", Root, 1000, 1000));
        Ok(_fs.Mkdir("/tmp", Root, 0x3FF)); // 1777
        Ok(_fs.Chmod("/tmp", Root, 0x3FF));
        Ok(_fs.Mkdir("/etc", Root, 0x1ED));
        Ok(_fs.CreateFile("/etc/motd", Root, 0x1A4));
    }

    private static T Ok<T>(Outcome<T> outcome)
    {
        Assert.True(outcome.IsOk, outcome.ToString());
        return outcome.Value;
    }

    [Fact]
    public void A_user_creates_in_her_own_directory_and_owns_what_she_creates()
    {
        var notes = Ok(_fs.CreateFile("/home/ann/notes", Ann, 0x1A4));
        Assert.Equal((1000, 1000), (notes.Uid, notes.Gid));
        Assert.Equal(Errno.EACCES, _fs.CreateFile("/home/ann/intruder", Bob, 0x1A4).Error);
        Assert.Equal(Errno.EACCES, _fs.Mkdir("/etc/bob", Bob, 0x1ED).Error);
        Assert.Equal(Errno.EEXIST, _fs.CreateFile("/home/ann/notes", Ann, 0x1A4).Error);
    }

    [Fact]
    public void In_tmp_everyone_creates_but_only_owners_remove()
    {
        Ok(_fs.CreateFile("/tmp/ann.txt", Ann, 0x1B6));
        Assert.Equal(Errno.EPERM, _fs.Unlink("/tmp/ann.txt", Bob).Error);
        Assert.Equal(Errno.EPERM, _fs.Rename("/tmp/ann.txt", "/tmp/mine.txt", Bob).Error);
        Ok(_fs.CreateFile("/tmp/bob.txt", Bob, 0x1B6));
        Assert.Equal(Errno.EPERM, _fs.Rename("/tmp/bob.txt", "/tmp/ann.txt", Bob).Error); // would replace ann's file
        Ok(_fs.Unlink("/tmp/ann.txt", Ann));
        Ok(_fs.Unlink("/tmp/bob.txt", Root));
    }

    [Fact]
    public void Chmod_and_chown_are_for_owners_and_root()
    {
        Ok(_fs.CreateFile("/home/ann/f", Ann, 0x1A4));
        Assert.Equal(Errno.EPERM, _fs.Chmod("/home/ann/f", Bob, 0x1FF).Error);
        Assert.Equal(0x180, Ok(_fs.Chmod("/home/ann/f", Ann, 0x180)).Mode);
        Assert.Equal(Errno.EPERM, _fs.Chown("/home/ann/f", Ann, 1001, -1).Error);
        Assert.Equal(1001, Ok(_fs.Chown("/home/ann/f", Root, 1001, -1)).Uid);
    }

    [Fact]
    public void Truncate_needs_write_permission_on_the_file()
    {
        Ok(_fs.CreateFile("/home/ann/f", Ann, 0x1A4));
        _store.Write(Ok(_fs.Stat("/home/ann/f", Ann)).Ino, 0, "12345"u8.ToArray());
        Assert.Equal(Errno.EACCES, _fs.Truncate("/home/ann/f", Bob, 0).Error);
        Assert.Equal(2, Ok(_fs.Truncate("/home/ann/f", Ann, 2)).Size);
        Assert.Equal(Errno.EISDIR, _fs.Truncate("/home/ann", Ann, 0).Error);
    }

    [Fact]
    public void Listing_needs_read_but_reaching_a_known_name_needs_only_search()
    {
        Ok(_fs.Mkdir("/home/ann/drop", Ann, 0x1C9)); // 0711
        Ok(_fs.CreateFile("/home/ann/drop/known", Ann, 0x1A4));
        Assert.Equal(Errno.EACCES, _fs.ReadDirectory("/home/ann/drop", Bob).Error);
        Assert.True(_fs.Stat("/home/ann/drop/known", Bob).IsOk);
        Assert.Equal(["known"], Ok(_fs.ReadDirectory("/home/ann/drop", Ann)).Select(e => e.Name));
    }

    [Fact]
    public void Moving_a_directory_to_another_parent_needs_write_on_the_directory_itself()
    {
        Ok(_fs.Mkdir("/home/ann/sealed", Ann, 0x16D)); // 0555
        Assert.Equal(Errno.EACCES, _fs.Rename("/home/ann/sealed", "/tmp/sealed", Ann).Error);
        Ok(_fs.Rename("/home/ann/sealed", "/home/ann/still-sealed", Ann)); // same parent: ".." does not change
        Ok(_fs.Chmod("/home/ann/still-sealed", Ann, 0x1ED));
        Ok(_fs.Rename("/home/ann/still-sealed", "/tmp/moved", Ann));
        Assert.Equal(Ok(_fs.Stat("/tmp", Ann)).Ino, _store.Lookup(Ok(_fs.Stat("/tmp/moved", Ann)).Ino, "..").Value);
    }

    [Fact]
    public void A_set_gid_directory_passes_its_group_down()
    {
        Ok(_fs.Mkdir("/home/ann/shared", Ann, 0x1FF));
        Ok(_fs.Chown("/home/ann/shared", Root, -1, 3000));
        Ok(_fs.Chmod("/home/ann/shared", Root, 0x400 | 0x1FF)); // 2777
        var file = Ok(_fs.CreateFile("/home/ann/shared/f", Bob, 0x1A4));
        var dir = Ok(_fs.Mkdir("/home/ann/shared/d", Bob, 0x1ED));
        Assert.Equal(3000, file.Gid);
        Assert.Equal(3000, dir.Gid);
        Assert.NotEqual(0, dir.Mode & ModeBits.SetGid);
        Assert.Equal(0, file.Mode & ModeBits.SetGid);
    }

    [Fact]
    public void Symlinks_hard_links_and_readlink()
    {
        Ok(_fs.Symlink("/etc/motd", "/tmp/motd", Ann));
        Assert.Equal("/etc/motd", Ok(_fs.Readlink("/tmp/motd", Ann)));
        Assert.Equal(Ok(_fs.Stat("/etc/motd", Ann)).Ino, Ok(_fs.Stat("/tmp/motd", Ann)).Ino);
        Assert.Equal(InodeType.Symlink, Ok(_fs.Lstat("/tmp/motd", Ann)).Type);
        Assert.Equal(Errno.EINVAL, _fs.Readlink("/etc/motd", Ann).Error);
        Ok(_fs.CreateFile("/home/ann/mine", Ann, 0x180)); // 0600
        Assert.Equal(2, Ok(_fs.Link("/home/ann/mine", "/tmp/mine-link", Ann)).Nlink);
        Assert.Equal(2, Ok(_fs.Link("/etc/motd", "/tmp/motd-link", Root)).Nlink);
        Assert.Equal(Errno.EACCES, _fs.Link("/home/ann/mine", "/etc/mine", Ann).Error);
    }

    [Fact]
    public void A_user_may_hard_link_only_her_own_files_or_ones_she_may_read_and_write_as_protected_hardlinks_says()
    {
        Ok(_fs.CreateFile("/tmp/ann-private", Ann, 0x180));   // 0600
        Ok(_fs.CreateFile("/tmp/ann-readable", Ann, 0x1A4));  // 0644: Bob may read, not write
        Ok(_fs.CreateFile("/tmp/ann-shared", Ann, 0x1B6));    // 0666
        Ok(_fs.CreateFile("/tmp/ann-setuid", Ann, 0x800 | 0x1B6));          // 4666
        Ok(_fs.CreateFile("/tmp/ann-setgid-x", Ann, 0x400 | 0x1BE));        // 2676
        Ok(_fs.CreateFile("/tmp/ann-setgid", Ann, 0x400 | 0x1B6));          // 2666: not group-executable, so safe
        Ok(_fs.Symlink("/etc/motd", "/tmp/ann-symlink", Ann));
        foreach (var bits in new[] { ("/tmp/ann-setuid", 0x800 | 0x1B6), ("/tmp/ann-setgid-x", 0x400 | 0x1BE), ("/tmp/ann-setgid", 0x400 | 0x1B6) })
            Ok(_fs.Chmod(bits.Item1, Ann, bits.Item2));

        Assert.Equal(Errno.EPERM, _fs.Link("/tmp/ann-private", "/tmp/bob-1", Bob).Error);
        Assert.Equal(Errno.EPERM, _fs.Link("/tmp/ann-readable", "/tmp/bob-2", Bob).Error);
        Assert.Equal(Errno.EPERM, _fs.Link("/tmp/ann-setuid", "/tmp/bob-3", Bob).Error);
        Assert.Equal(Errno.EPERM, _fs.Link("/tmp/ann-setgid-x", "/tmp/bob-4", Bob).Error);
        Assert.Equal(Errno.EPERM, _fs.Link("/tmp/ann-symlink", "/tmp/bob-5", Bob).Error);
        Assert.Equal(Errno.EPERM, _fs.Link("/etc/motd", "/tmp/bob-6", Bob).Error);
        Assert.Equal(Errno.EEXIST, _fs.Link("/tmp/ann-private", "/tmp/ann-shared", Bob).Error); // the name is checked first
        Assert.Equal(Errno.ENOENT, _fs.Stat("/tmp/bob-1", Root).Error);

        Assert.Equal(2, Ok(_fs.Link("/tmp/ann-shared", "/tmp/bob-shared", Bob)).Nlink);
        Assert.Equal(2, Ok(_fs.Link("/tmp/ann-setgid", "/tmp/bob-setgid", Bob)).Nlink);
        Assert.Equal(2, Ok(_fs.Link("/tmp/ann-private", "/tmp/ann-private-2", Ann)).Nlink);
        Assert.Equal(3, Ok(_fs.Link("/tmp/ann-private", "/tmp/root-link", Root)).Nlink);
    }

    [Fact]
    public void The_root_and_dot_names_get_the_errors_Linux_gives()
    {
        Ok(_fs.Mkdir("/tmp/empty", Ann, 0x1ED));
        Assert.Equal(Errno.EEXIST, _fs.Mkdir("/", Root, 0x1ED).Error);
        Assert.Equal(Errno.EEXIST, _fs.Mkdir("/", Ann, 0x1ED).Error);
        Assert.Equal(Errno.EEXIST, _fs.Mkdir("/tmp/.", Ann, 0x1ED).Error);
        Assert.Equal(Errno.EEXIST, _fs.Mkdir("/tmp/empty/..", Ann, 0x1ED).Error);
        Assert.Equal(Errno.EEXIST, _fs.CreateFile("/", Root, 0x1A4).Error);
        Assert.Equal(Errno.EEXIST, _fs.Symlink("/etc", "/", Root).Error);
        Assert.Equal(Errno.EEXIST, _fs.Link("/etc/motd", "/", Root).Error);
        Assert.Equal(Errno.EBUSY, _fs.Rmdir("/", Root).Error);
        Assert.Equal(Errno.EISDIR, _fs.Unlink("/", Root).Error);
        Assert.Equal(Errno.EBUSY, _fs.Rename("/", "/x", Root).Error);

        // rmdir(2): a last name "." is EINVAL and ".." ENOTEMPTY, before any permission check; nothing is removed.
        Assert.Equal(Errno.EINVAL, _fs.Rmdir("/tmp/.", Root).Error);
        Assert.Equal(Errno.EINVAL, _fs.Rmdir("/tmp/.", Bob).Error);
        Assert.Equal(Errno.EINVAL, _fs.Rmdir("/tmp/empty/.", Ann).Error);
        Assert.Equal(Errno.EINVAL, _fs.Rmdir("/tmp/empty/./", Ann).Error);
        Assert.Equal(Errno.ENOTEMPTY, _fs.Rmdir("/tmp/empty/..", Ann).Error);
        Assert.Equal(Errno.EISDIR, _fs.Unlink("/tmp/empty/.", Ann).Error);
        Assert.Equal(Errno.EBUSY, _fs.Rename("/tmp/empty/.", "/tmp/other", Ann).Error);
        Assert.Equal(Errno.EBUSY, _fs.Rename("/tmp/empty", "/tmp/empty/..", Ann).Error);
        Assert.True(Ok(_fs.Stat("/tmp/empty/.", Ann)).IsDirectory);
        Ok(_fs.Rmdir("/tmp/empty", Ann));
    }

    [Fact]
    public void Explicit_times_are_for_owners_and_touching_now_needs_write()
    {
        Ok(_fs.CreateFile("/tmp/open", Ann, 0x1B6)); // 0666
        Ok(_fs.CreateFile("/tmp/closed", Ann, 0x1A4)); // 0644
        var then = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(Errno.EPERM, _fs.Utimes("/tmp/open", Bob, TimeChange.To(then), TimeChange.To(then)).Error);
        Assert.Equal(Errno.EPERM, _fs.Utimes("/tmp/open", Bob, TimeChange.Now, TimeChange.To(then)).Error);
        Assert.True(_fs.Utimes("/tmp/open", Bob, TimeChange.Now, TimeChange.Now).IsOk);
        Assert.Equal(Errno.EACCES, _fs.Utimes("/tmp/closed", Bob, TimeChange.Now, TimeChange.Now).Error);
        Assert.Equal(Errno.EACCES, _fs.Utimes("/tmp/closed", Bob, TimeChange.Keep, TimeChange.Now).Error);
        Assert.Equal(then, Ok(_fs.Utimes("/tmp/closed", Ann, TimeChange.To(then), TimeChange.To(then))).Mtime);
        Assert.Equal(then, Ok(_fs.Utimes("/tmp/closed", Root, TimeChange.Keep, TimeChange.Now)).Atime);
    }

    [Fact]
    public void Setting_times_without_following_changes_the_link_and_omitting_both_changes_nothing()
    {
        var then = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var file = Ok(_fs.CreateFile("/tmp/target", Ann, 0x1A4));
        Ok(_fs.Symlink("target", "/tmp/link", Ann));
        Assert.Equal(then, Ok(_fs.Utimes("/tmp/link", Ann, TimeChange.To(then), TimeChange.To(then), followLast: false)).Mtime);
        Assert.Equal(file.Mtime, Ok(_fs.Stat("/tmp/target", Ann)).Mtime);
        var ctime = Ok(_fs.Stat("/tmp/target", Ann)).Ctime;
        Assert.Equal(ctime, Ok(_fs.Utimes("/tmp/target", Bob, TimeChange.Keep, TimeChange.Keep)).Ctime);
    }

    [Fact]
    public void Sync_empties_the_write_ahead_log_into_the_store_file()
    {
        var wal = new FileInfo(Path.Combine(_home.Home.Root, "cfs.db-wal"));
        Ok(_fs.CreateFile("/tmp/synced", Ann, 0x1A4));
        Ok(_fs.Write("/tmp/synced", Ann, 0, new byte[4096]));
        wal.Refresh();
        Assert.True(wal.Length > 0);
        Ok(_fs.Sync());
        wal.Refresh();
        Assert.Equal(0, wal.Length);
    }

    [Fact]
    public void Usage_counts_inodes_and_the_bytes_the_store_takes()
    {
        var before = Ok(_fs.Usage());
        Ok(_fs.CreateFile("/tmp/counted", Ann, 0x1A4));
        Ok(_fs.Write("/tmp/counted", Ann, 0, new byte[200_000]));
        var after = Ok(_fs.Usage());
        Assert.Equal(before.Inodes + 1, after.Inodes);
        Assert.True(after.UsedBytes >= before.UsedBytes + 200_000, $"{before.UsedBytes} -> {after.UsedBytes}");
        Assert.NotNull(after.AvailableBytes);
    }

    [Theory]
    [InlineData("/etc/motd/x", Errno.ENOTDIR)]
    [InlineData("/nowhere/x", Errno.ENOENT)]
    [InlineData("/tmp/a\0b", Errno.EINVAL)]
    [InlineData("relative", Errno.EINVAL)]
    public void Bad_paths_change_nothing(string path, Errno expected)
    {
        var before = _store.ReadDirectory(InodeNumber.Root).Value.Count;
        Assert.Equal(expected, _fs.CreateFile(path, Root, 0x1A4).Error);
        Assert.Equal(before, _store.ReadDirectory(InodeNumber.Root).Value.Count);
    }

    public void Dispose()
    {
        _store.Dispose();
        _home.Dispose();
    }
}
