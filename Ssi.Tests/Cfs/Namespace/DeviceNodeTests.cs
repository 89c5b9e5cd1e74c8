// mknod and the opening of device nodes, on a real store without an ActorSystem: who may make what, and what opens.
using Ssi.Actors.Errors;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Namespace;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.RootImage;
using Ssi.Cfs.Storage.Sqlite;
using Ssi.Tests.Harness;

namespace Ssi.Tests.Cfs.Namespace;

public sealed class DeviceNodeTests : IDisposable
{
    private readonly TempHome _home = new();
    private readonly SqliteInodeStore _store;
    private readonly FileSystemOperations _fs;
    private static readonly Credentials Root = Credentials.Root;
    private static readonly Credentials Ann = Credentials.Of(1000, 1000);

    public DeviceNodeTests()
    {
        _store = new SqliteInodeStore(Path.Combine(_home.Home.Root, "cfs.db"), 64 * 1024, TimeSpan.FromSeconds(30));
        _fs = new FileSystemOperations(_store);
        Assert.True(DefaultRoot.CreateIfEmpty(_store).Value);
    }

    private OpenFileDescription Open(string path, Credentials who, OpenFlags flags)
    {
        var ino = _fs.Stat(path, who).Value.Ino;
        var opened = _fs.OpenInode(ino, who, flags, justCreated: false);
        Assert.True(opened.IsOk, opened.ToString());
        return opened.Value;
    }

    private Errno? OpenError(string path, Credentials who, OpenFlags flags) =>
        _fs.OpenInode(_fs.Stat(path, who).Value.Ino, who, flags, justCreated: false).Error;

    [Fact]
    public void The_default_root_has_the_memory_devices_and_tty_for_all_and_the_console_for_root()
    {
        foreach (var (name, number, mode) in MemoryDevices.InEveryRoot)
        {
            var dev = _fs.Stat("/dev/" + name, Ann).Value;
            Assert.Equal((InodeType.CharDevice, number, mode, 0, 0), (dev.Type, dev.Device, dev.Mode, dev.Uid, dev.Gid));
            Assert.Equal(name == "console" ? "crw-------" : "crw-rw-rw-", ModeBits.Describe(dev.Type, dev.Mode));
        }
        Assert.Equal(new DeviceNumber(5, 1), _fs.Stat("/dev/console", Ann).Value.Device);
        Assert.Equal(Errno.EACCES, OpenError("/dev/console", Ann, OpenFlags.WriteOnly));
        Assert.Equal(DeviceNumber.None, _fs.Stat("/etc/motd", Ann).Value.Device);
        Assert.Equal(0, DefaultRoot.InstallDevices(_store).Value); // all there: nothing made twice
    }

    [Fact]
    public void Devices_missing_from_an_older_root_are_added_and_a_replaced_one_is_left_alone()
    {
        Assert.True(_fs.Unlink("/dev/zero", Root).IsOk);
        Assert.True(_fs.Unlink("/dev/null", Root).IsOk);
        Assert.True(_fs.CreateFile("/dev/null", Root, 0x1A4).IsOk);
        Assert.Equal(1, DefaultRoot.InstallDevices(_store).Value);
        Assert.Equal(MemoryDevices.Zero, _fs.Stat("/dev/zero", Root).Value.Device);
        Assert.Equal(InodeType.Regular, _fs.Stat("/dev/null", Root).Value.Type);
    }

    [Fact]
    public void A_dev_that_is_not_a_directory_is_left_alone()
    {
        foreach (var (name, _, _) in MemoryDevices.InEveryRoot) Assert.True(_fs.Unlink("/dev/" + name, Root).IsOk);
        Assert.True(_fs.Rmdir("/dev", Root).IsOk);
        Assert.True(_fs.Symlink("/devfs", "/dev", Root).IsOk);
        Assert.Equal(0, DefaultRoot.InstallDevices(_store).Value);
        Assert.Equal(InodeType.Symlink, _fs.Lstat("/dev", Root).Value.Type);
    }

    [Fact]
    public void Only_root_makes_device_nodes_and_they_keep_their_numbers()
    {
        Assert.Equal(Errno.EPERM, _fs.Mknod("/tmp/mine", Ann, InodeType.CharDevice, 0x1B6, MemoryDevices.Zero).Error);
        Assert.Equal(Errno.EPERM, _fs.Mknod("/tmp/disk", Ann, InodeType.BlockDevice, 0x1B6, new DeviceNumber(8, 0)).Error);
        Assert.Equal(Errno.ENOENT, _fs.Stat("/tmp/mine", Root).Error);
        var made = _fs.Mknod("/tmp/mine", Root, InodeType.CharDevice, 0x180, new DeviceNumber(4095, 1_048_575)).Value;
        Assert.Equal((InodeType.CharDevice, new DeviceNumber(4095, 1_048_575)), (made.Type, made.Device));
        Assert.Equal(made, _fs.Stat("/tmp/mine", Root).Value);
        Assert.Equal(Errno.EINVAL, _fs.Mknod("/tmp/huge", Root, InodeType.CharDevice, 0x180, new DeviceNumber(4096, 0)).Error);
    }

    [Fact]
    public void Anyone_who_may_write_the_directory_makes_a_fifo()
    {
        var fifo = _fs.Mknod("/tmp/pipe", Ann, InodeType.Fifo, 0x1A4, DeviceNumber.None).Value;
        Assert.Equal((InodeType.Fifo, 1000, DeviceNumber.None), (fifo.Type, fifo.Uid, fifo.Device));
        Assert.Equal(Errno.EACCES, _fs.Mknod("/etc/pipe", Ann, InodeType.Fifo, 0x1A4, DeviceNumber.None).Error);
    }

    [Fact]
    public void A_taken_name_is_EEXIST_before_any_other_refusal_as_on_Linux()
    {
        Assert.Equal(Errno.EEXIST, _fs.Mknod("/tmp", Ann, InodeType.Fifo, 0x1A4, DeviceNumber.None).Error);
        Assert.Equal(Errno.EEXIST, _fs.Mknod("/dev/null", Ann, InodeType.CharDevice, 0x1B6, MemoryDevices.Null).Error); // not EACCES, not EPERM
        Assert.Equal(Errno.EEXIST, _fs.Mknod("/dev/null", Root, InodeType.CharDevice, 0x1B6, MemoryDevices.Null).Error);
        Assert.Equal(Errno.EEXIST, _fs.Mkdir("/etc", Ann, 0x1ED).Error);
    }

    [Fact]
    public void Mknod_makes_no_directories_or_symlinks()
    {
        Assert.Equal(Errno.EPERM, _fs.Mknod("/tmp/d", Root, InodeType.Directory, 0x1ED, DeviceNumber.None).Error);
        Assert.Equal(Errno.EINVAL, _fs.Mknod("/tmp/l", Root, InodeType.Symlink, 0x1FF, DeviceNumber.None).Error);
    }

    [Fact]
    public void A_device_opens_as_its_mode_allows_and_its_description_names_the_device()
    {
        var open = Open("/dev/zero", Ann, OpenFlags.ReadWrite);
        Assert.Equal((MemoryDevices.Zero, 1000), (open.Device, open.Uid));
        Assert.Equal(MemoryDevices.Zero, _store.GetOpenFile(open.Id).Value.Device); // as the description's entity loads it
        Assert.Null(Open("/etc/motd", Ann, OpenFlags.ReadOnly).Device);

        Assert.True(_fs.Mknod("/dev/secret", Root, InodeType.CharDevice, 0x180, MemoryDevices.Random).IsOk);
        Assert.Equal(Errno.EACCES, OpenError("/dev/secret", Ann, OpenFlags.ReadOnly));
        Assert.Equal(MemoryDevices.Random, Open("/dev/secret", Root, OpenFlags.ReadOnly).Device);
        Assert.Equal(Errno.ENOTDIR, OpenError("/dev/null", Ann, OpenFlags.ReadOnly | OpenFlags.Directory));
        // O_TRUNC means nothing to a device.
        Assert.Equal(MemoryDevices.Null, Open("/dev/null", Ann, OpenFlags.WriteOnly | OpenFlags.Truncate).Device);
    }

    [Fact]
    public void A_device_nobody_serves_is_ENXIO_after_the_permission_check_and_a_fifo_is_still_not_served()
    {
        Assert.True(_fs.Mknod("/dev/mem", Root, InodeType.CharDevice, 0x1A0, new DeviceNumber(1, 1)).IsOk);
        Assert.True(_fs.Mknod("/dev/sda", Root, InodeType.BlockDevice, 0x1B6, new DeviceNumber(8, 0)).IsOk);
        Assert.Equal(Errno.EACCES, OpenError("/dev/mem", Ann, OpenFlags.ReadOnly));
        Assert.Equal(Errno.ENXIO, OpenError("/dev/mem", Root, OpenFlags.ReadOnly));
        Assert.Equal(Errno.ENXIO, OpenError("/dev/sda", Ann, OpenFlags.ReadOnly));
        Assert.True(_fs.Mknod("/tmp/pipe", Ann, InodeType.Fifo, 0x1A4, DeviceNumber.None).IsOk);
        Assert.Equal(Errno.EOPNOTSUPP, OpenError("/tmp/pipe", Ann, OpenFlags.ReadOnly));
    }

    [Fact]
    public void A_device_node_cannot_be_truncated_or_written_at_an_offset()
    {
        Assert.Equal(Errno.EINVAL, _fs.Truncate("/dev/null", Ann, 0).Error);
        Assert.Equal(Errno.EINVAL, _fs.Write("/dev/null", Ann, 0, new byte[1]).Error);
    }

    public void Dispose()
    {
        _store.Dispose();
        _home.Dispose();
    }
}
