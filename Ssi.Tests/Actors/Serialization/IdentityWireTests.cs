// Identities inside messages cross the wire whole through our restricted serializer, and the wire filter accepts them.
using System.Collections.Immutable;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Ssi.Actors.Configuration;
using Ssi.Actors.Identity;
using Ssi.Actors.Serialization;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Service;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Tests.Actors.Serialization;

public class IdentityWireTests() : TestKit(ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(SsiConfig.Reference))
{
    private T RoundTrip<T>(T message) where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<SsiWireSerializer>(serializer);
        return (T)Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, typeof(T));
    }

    [Theory]
    [InlineData(typeof(Pid))]
    [InlineData(typeof(NodeNumber))]
    [InlineData(typeof(Fd))]
    [InlineData(typeof(InodeNumber))]
    [InlineData(typeof(DeviceNumber))]
    [InlineData(typeof(Pid?))]
    [InlineData(typeof(NodeNumber?))]
    [InlineData(typeof(ImmutableDictionary<Pid, ChildRecord>))]
    [InlineData(typeof(ImmutableSortedDictionary<Fd, Descriptor>))]
    public void Identities_are_accepted_by_the_wire_filter(Type type) =>
        Assert.True(SsiTypeFilter.Default.IsAllowed(type.AssemblyQualifiedName!));

    [Fact]
    public void Messages_carrying_a_pid_a_node_number_and_an_inode_number_round_trip()
    {
        var moved = new Migrated(new Pid(2_000_017), new NodeNumber(3));
        Assert.Equal(moved, RoundTrip(moved));
        var owner = new FsOwner(new InodeNumber(1L << 40), new NodeNumber(2));
        Assert.Equal(owner, RoundTrip(owner));
        var everyone = new KillGroup(null, 15, 0, Pid.Kernel);
        Assert.Equal(everyone, RoundTrip(everyone));
        var group = new KillGroup(new Pid(1_000_002), 15, 1000, new Pid(1_000_003));
        Assert.Equal(group, RoundTrip(group));
    }

    [Fact]
    public void A_process_state_keeps_its_identities_children_and_descriptors()
    {
        var pid = new Pid(3_000_005);
        var state = new ProcessState
        {
            Pid = pid, Parent = new Pid(1_000_001), ParentNode = new NodeNumber(1), Pgid = pid, Sid = new Pid(1_000_001),
            Credentials = Credentials.Root, Cwd = "/", Node = new NodeNumber(3), StartTime = DateTimeOffset.UnixEpoch, Command = "sh",
            Children = ImmutableDictionary<Pid, ChildRecord>.Empty.Add(new Pid(3_000_006), new ChildRecord(new NodeNumber(2))),
            Fds = FdTable.Empty.Set(Fd.Stdin, new Descriptor(new CfsHandle(7))).Set(new Fd(5), new Descriptor(new CfsHandle(9), CloseOnExec: true)),
        };

        var copy = RoundTrip(new Spawn(pid, state, null, "/bin/sh", ["sh"], null)).State;

        Assert.Equal((state.Pid, state.Parent, state.ParentNode, state.Pgid, state.Sid, state.Node), (copy.Pid, copy.Parent, copy.ParentNode, copy.Pgid, copy.Sid, copy.Node));
        Assert.Equal(state.Children.ToArray(), copy.Children.ToArray());
        Assert.Equal(state.Fds.Entries.ToArray(), copy.Fds.Entries.ToArray());
        Assert.Null(RoundTrip(state with { ParentNode = null }).ParentNode);
    }

    [Fact]
    public void A_device_number_crosses_in_attributes_in_mknod_and_in_creating_an_entry()
    {
        var t = DateTimeOffset.UnixEpoch;
        var zero = new FsAttributes(new InodeAttributes(new InodeNumber(9), InodeType.CharDevice, 0x1B6, 0, 0, 1, 0, t, t, t, new DeviceNumber(1, 5)));
        Assert.Equal(zero, RoundTrip(zero));
        var mknod = RoundTrip(new FsMknod(Credentials.Root, "/dev/sda", InodeType.BlockDevice, 0x1B0, new DeviceNumber(8, 0)));
        Assert.Equal(("/dev/sda", InodeType.BlockDevice, 0x1B0, new DeviceNumber(8, 0)), (mknod.Path, mknod.Type, mknod.Mode, mknod.Device));
        var entry = RoundTrip(new InodeCreateEntry(InodeNumber.Root, Credentials.Root, "null", InodeType.CharDevice, 0x1B6, null, new DeviceNumber(1, 3)));
        Assert.Equal(("null", InodeType.CharDevice, new DeviceNumber(1, 3)), (entry.Name, entry.Type, entry.Device));
    }

    [Fact]
    public void A_directory_listing_keeps_its_inode_numbers()
    {
        var entries = new FsEntries([new FsEntry("a", new InodeNumber(7), InodeType.Regular), new FsEntry("b", InodeNumber.Root, InodeType.Directory)]);
        Assert.Equal(entries.Entries.ToArray(), RoundTrip(entries).Entries.ToArray());
    }
}
