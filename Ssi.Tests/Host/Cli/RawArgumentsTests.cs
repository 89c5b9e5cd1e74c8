// The CLI's raw arguments: the last entries of /proc/self/cmdline, decoded without loss, or argv itself if they disagree.
using System.Text;
using Ssi.Host.Cli;

namespace Ssi.Tests.Host.Cli;

public sealed class RawArgumentsTests
{
    private static byte[] Cmdline(params byte[][] entries) => [.. entries.SelectMany(e => e.Append((byte)0))];

    private static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Arguments_are_the_last_entries_of_the_command_line_decoded_byte_for_byte()
    {
        byte[] name = [.. Text("/tmp/"), 0xFF, 0xFE];
        var cmdline = Cmdline(Text("dotnet"), Text("/x/ssi.dll"), Text("fs"), Text("mkdir"), name);
        var lossy = new[] { "fs", "mkdir", Encoding.UTF8.GetString(name) };

        Assert.Equal(["fs", "mkdir", "/tmp/\uEFFF\uEFFE"], RawArguments.FromCmdline(cmdline, lossy));
    }

    [Fact]
    public void An_empty_argument_is_kept()
    {
        var cmdline = Cmdline(Text("ssi"), Text("fs"), Text(""), Text("x"));
        Assert.Equal(["fs", "", "x"], RawArguments.FromCmdline(cmdline, ["fs", "", "x"]));
    }

    [Fact]
    public void A_command_line_that_does_not_match_argv_leaves_argv_as_it_is()
    {
        string[] args = ["fs", "ls", "/tmp"];
        Assert.Same(args, RawArguments.FromCmdline(Cmdline(Text("ls"), Text("/tmp")), args));          // too few entries
        Assert.Same(args, RawArguments.FromCmdline(Cmdline(Text("fs"), Text("ls"), Text("/etc")), args)); // another argument
    }

    [Fact]
    public void A_host_path_goes_back_to_what_dotnet_file_APIs_expect()
    {
        var name = Ssi.Cfs.Namespace.FileNameBytes.Decode(Text("a\uEF80"));
        Assert.Equal("a\uEF80", RawArguments.HostPath(name));
    }
}
