// ssi fs mknod's operands: a type and its numbers, or a usage error before anything is sent.
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;
using Ssi.Host.Cli;
using Ssi.Host.Cli.Commands.Fs;
using Ssi.Host.Client;

namespace Ssi.Tests.Host.Cli;

public sealed class FsMknodTests
{
    [Fact]
    public void Devices_take_major_and_minor_and_a_fifo_takes_neither()
    {
        Assert.Equal((InodeType.CharDevice, new DeviceNumber(1, 3)), FsMknod.Parse("c", "1", "3"));
        Assert.Equal((InodeType.BlockDevice, new DeviceNumber(4095, 1_048_575)), FsMknod.Parse("b", "4095", "1048575"));
        Assert.Equal((InodeType.Fifo, DeviceNumber.None), FsMknod.Parse("p", null, null));
    }

    [Theory]
    [InlineData("q", "1", "3")]
    [InlineData("c", null, null)]
    [InlineData("c", "1", null)]
    [InlineData("p", "1", "3")]
    [InlineData("c", "x", "3")]
    [InlineData("c", "-1", "3")]
    [InlineData("b", "4096", "0")]
    [InlineData("c", "1", "1048576")]
    public void Anything_else_is_a_usage_error(string type, string? major, string? minor)
    {
        var e = Assert.Throws<CliException>(() => FsMknod.Parse(type, major, minor));
        Assert.Equal(FailureKind.Usage, e.Kind);
    }
}
