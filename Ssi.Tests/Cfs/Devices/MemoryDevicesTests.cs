// The memory devices as pure drivers: what reads give, what writes do, and numbers nobody serves.
using Ssi.Actors.Errors;
using Ssi.Cfs.Devices;

namespace Ssi.Tests.Cfs.Devices;

public sealed class MemoryDevicesTests
{
    [Fact]
    public void Null_reads_end_of_file_and_swallows_every_write()
    {
        Assert.Empty(MemoryDevices.Read(MemoryDevices.Null, 4096).Value);
        Assert.Equal(70_000, MemoryDevices.Write(MemoryDevices.Null, 70_000).Value);
    }

    [Fact]
    public void Zero_reads_as_many_zeros_as_asked_and_swallows_writes()
    {
        Assert.Equal(new byte[16], MemoryDevices.Read(MemoryDevices.Zero, 16).Value);
        Assert.Equal(5, MemoryDevices.Write(MemoryDevices.Zero, 5).Value);
    }

    [Fact]
    public void Full_reads_zeros_and_refuses_every_write_with_ENOSPC()
    {
        Assert.Equal(new byte[8], MemoryDevices.Read(MemoryDevices.Full, 8).Value);
        Assert.Equal(Errno.ENOSPC, MemoryDevices.Write(MemoryDevices.Full, 1).Error);
        Assert.Equal(Errno.ENOSPC, MemoryDevices.Write(MemoryDevices.Full, 0).Error);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    public void Random_and_urandom_read_fresh_random_bytes_and_swallow_writes(int minor)
    {
        var device = new DeviceNumber(1, minor);
        var first = MemoryDevices.Read(device, 64).Value;
        var second = MemoryDevices.Read(device, 64).Value;
        Assert.Equal(64, first.Length);
        Assert.NotEqual(first, second); // equal by chance once in 2^512
        Assert.Contains(first, b => b != 0);
        Assert.Equal(3, MemoryDevices.Write(device, 3).Value);
    }

    [Fact]
    public void A_read_returns_at_most_a_megabyte_and_a_negative_count_is_EINVAL()
    {
        Assert.Equal(MemoryDevices.MaxRead, MemoryDevices.Read(MemoryDevices.Zero, int.MaxValue).Value.Length);
        Assert.Equal(Errno.EINVAL, MemoryDevices.Read(MemoryDevices.Zero, -1).Error);
    }

    [Fact]
    public void Seeking_succeeds_and_leaves_the_offset_at_zero()
    {
        foreach (var (_, device) in MemoryDevices.Standard) Assert.Equal(0, MemoryDevices.Seek(device).Value);
    }

    [Theory]
    [InlineData(1, 1)]   // Linux's /dev/mem: not served
    [InlineData(5, 0)]   // /dev/tty: a terminal, not a memory device
    [InlineData(0, 0)]
    public void A_number_nobody_serves_is_ENXIO(int major, int minor)
    {
        var device = new DeviceNumber(major, minor);
        Assert.Null(MemoryDevices.Find(device));
        Assert.Equal(Errno.ENXIO, MemoryDevices.Read(device, 1).Error);
        Assert.Equal(Errno.ENXIO, MemoryDevices.Write(device, 1).Error);
        Assert.Equal(Errno.ENXIO, MemoryDevices.Seek(device).Error);
    }

    [Fact]
    public void The_standard_devices_have_Linux_numbers()
    {
        Assert.Equal(
            [("null", new DeviceNumber(1, 3)), ("zero", new DeviceNumber(1, 5)), ("full", new DeviceNumber(1, 7)), ("random", new DeviceNumber(1, 8)), ("urandom", new DeviceNumber(1, 9))],
            MemoryDevices.Standard.ToArray());
        Assert.Equal("1,3", MemoryDevices.Null.ToString());
    }
}
