// ssi fs put's temporary name: beside the target, hidden, and never longer than a name may be.
using System.Text;
using Ssi.Host.Cli.Commands.Fs;

namespace Ssi.Tests.Host.Cli;

public sealed class FsPutTests
{
    [Theory]
    [InlineData("/data/report.txt", "/data/.report.txt.ssi-put-0a1b2c3d")]
    [InlineData("/top", "/.top.ssi-put-0a1b2c3d")]
    public void The_temporary_is_a_hidden_name_in_the_targets_directory(string target, string expected) =>
        Assert.Equal(expected, FsPut.TemporaryName(target, "0a1b2c3d"));

    [Fact]
    public void A_long_target_name_is_shortened_so_the_temporary_fits_in_255_bytes()
    {
        var name = string.Concat(Enumerable.Repeat("é", 127)); // 254 bytes
        var temporary = FsPut.TemporaryName("/d/" + name, "0a1b2c3d");
        var last = temporary[(temporary.LastIndexOf('/') + 1)..];
        Assert.True(Encoding.UTF8.GetByteCount(last) <= 255, last);
        Assert.StartsWith("/d/.éé", temporary);
        Assert.EndsWith(".ssi-put-0a1b2c3d", temporary);
    }
}
