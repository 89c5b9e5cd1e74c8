// Store specs of device nodes: their numbers are durable, and a store made before numbers existed gains them.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Storage;

namespace Ssi.Tests.Cfs.Storage;

public abstract partial class InodeStoreSpecs
{
    /// <summary>The inodes table as the first schema made it (no device numbers), with a file "old" in the root.</summary>
    protected abstract void CreateFirstSchemaWithAFile();

    [SkippableFact]
    public void Device_nodes_keep_their_numbers_in_the_store_and_other_inodes_have_none()
    {
        var zero = Store.Create(Root, "zero", new NewInode(InodeType.CharDevice, 0x1B6, 0, 0, Device: new DeviceNumber(1, 5))).Value;
        Store.Create(Root, "sda1", new NewInode(InodeType.BlockDevice, 0x1B0, 0, 6, Device: new DeviceNumber(8, 1)));
        Store.Create(Root, "pipe", new NewInode(InodeType.Fifo, 0x1A4, 0, 0, Device: new DeviceNumber(1, 5))); // a FIFO has no number

        using var other = OpenStore(); // a second store: the numbers come back from the database
        Assert.Equal(new DeviceNumber(1, 5), other.Get(zero.Ino).Value.Device);
        Assert.Equal(zero, other.Get(zero.Ino).Value);
        Assert.Equal((InodeType.BlockDevice, new DeviceNumber(8, 1)), Kind(other, "sda1"));
        Assert.Equal((InodeType.Fifo, DeviceNumber.None), Kind(other, "pipe"));
        Assert.Equal(DeviceNumber.None, other.Get(Root).Value.Device);
        Assert.Equal(Errno.EINVAL, Store.Create(Root, "bad", new NewInode(InodeType.CharDevice, 0x1B6, 0, 0, Device: new DeviceNumber(-1, 0))).Error);
    }

    [SkippableFact]
    public void A_description_of_a_character_device_names_its_number_and_of_a_file_none()
    {
        var zero = Store.Create(Root, "zero", new NewInode(InodeType.CharDevice, 0x1B6, 0, 0, Device: new DeviceNumber(1, 5))).Value;
        var file = File(Root, "f");
        var device = Store.Open(zero.Ino, OpenFlags.ReadOnly, 0, truncate: false).Value;
        Assert.Equal(new DeviceNumber(1, 5), device.Device);
        Assert.Equal(new DeviceNumber(1, 5), Store.GetOpenFile(device.Id).Value.Device);
        Assert.Null(Store.GetOpenFile(Store.Open(file.Ino, OpenFlags.ReadOnly, 0, truncate: false).Value.Id).Value.Device);
    }

    [SkippableFact]
    public void A_store_made_before_device_numbers_gains_them_and_keeps_its_files()
    {
        CreateFirstSchemaWithAFile();
        var old = Store.Lookup(Root, "old").Value;
        Assert.Equal((InodeType.Regular, DeviceNumber.None), (Store.Get(old).Value.Type, Store.Get(old).Value.Device));
        var made = Store.Create(Root, "null", new NewInode(InodeType.CharDevice, 0x1B6, 0, 0, Device: new DeviceNumber(1, 3))).Value;
        using var again = OpenStore(); // opening an upgraded store changes nothing
        Assert.Equal(new DeviceNumber(1, 3), again.Get(made.Ino).Value.Device);
    }

    private static (InodeType, DeviceNumber) Kind(SqlInodeStore store, string name)
    {
        var attributes = store.Get(store.Lookup(InodeNumber.Root, name).Value).Value;
        return (attributes.Type, attributes.Device);
    }
}
