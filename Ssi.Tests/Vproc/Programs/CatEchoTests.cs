// cat's and echo's options on the real process core (ProgramMachine), with GNU's output byte for byte.
using System.Text;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class CatEchoTests(ProgramCluster cluster)
{
    private ProgramMachine Kernel(string stdin = "")
    {
        var k = new ProgramMachine(cluster) { Stdin = Encoding.UTF8.GetBytes(stdin) };
        k.AddFile("/blank", "a\n\n\n\nb\n");
        k.AddFile("/odd", [(byte)'b', 9, (byte)'c', 1, 0xE9, 0x7F, 10]);
        k.AddFile("/crlf", "a\r\nb\rc\r");
        return k;
    }

    [Theory]
    [InlineData(new[] { "-n", "/blank" }, "     1\ta\n     2\t\n     3\t\n     4\t\n     5\tb\n")]
    [InlineData(new[] { "-b", "/blank" }, "     1\ta\n\n\n\n     2\tb\n")]
    [InlineData(new[] { "-s", "/blank" }, "a\n\nb\n")]
    [InlineData(new[] { "-sn", "/blank" }, "     1\ta\n     2\t\n     3\tb\n")]
    [InlineData(new[] { "-nb", "-E", "/blank" }, "     1\ta$\n$\n$\n$\n     2\tb$\n")]
    [InlineData(new[] { "-e", "/odd" }, "b\tc^AM-i^?$\n")]
    [InlineData(new[] { "-t", "/odd" }, "b^Ic^AM-i^?\n")]
    [InlineData(new[] { "--show-all", "/odd" }, "b^Ic^AM-i^?$\n")]
    [InlineData(new[] { "-T", "-u", "/odd" }, "b^Ic\u0001\u00e9\u007f\n")]
    [InlineData(new[] { "-E", "/crlf" }, "a^M$\nb\rc\r")]
    public void Cat_formats_lines_as_gnu_cat(string[] args, string expected)
    {
        var r = Kernel().Run(new Cat(), ["cat", .. args]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(Encoding.Latin1.GetBytes(expected), r.StdoutBytes);
    }

    [Fact]
    public void Cat_numbers_on_across_files_and_numbers_a_last_line_without_newline()
    {
        Assert.Equal("     1\tab\n     2\ta\n     3\t\n     4\t\n     5\t\n     6\tb\n",
            Kernel("ab\n").Run(new Cat(), "cat", "-n", "-", "/blank", "-").Stdout);
        Assert.Equal("     1\ta\n     2\tb", Kernel("a\nb").Run(new Cat(), "cat", "-n").Stdout);
    }

    [Fact]
    public void Cat_rejects_an_unknown_option_with_gnus_two_lines_and_status_1_and_reads_dash_dash_operands()
    {
        var r = Kernel().Run(new Cat(), "cat", "-x", "/blank");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal("cat: invalid option -- 'x'\nTry 'cat --help' for more information.\n", r.Stderr);
        var k = Kernel();
        k.AddFile("/-n", "dash\n");
        Assert.Equal("dash\n", k.Run(new Cat(), "cat", "--", "/-n").Stdout);
    }

    [Fact]
    public void Cat_help_prints_the_usage_and_exits_0()
    {
        var r = Kernel().Run(new Cat(), "cat", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("Usage: cat [OPTION]... [FILE]...\n", r.Stdout);
    }

    [Theory]
    [InlineData(new[] { "-e", @"\a\b\e\f\n\r\t\v\\" }, "\a\b\u001b\f\n\r\t\v\\\n")]
    [InlineData(new[] { "-e", @"\0101\101\60\0\x41\x4a2\xz\q" }, "AA0\0AJ2\\xz\\q\n")]
    [InlineData(new[] { "-e", @"one\ctwo" }, "one")]
    [InlineData(new[] { "-En", @"a\nb" }, @"a\nb")]
    [InlineData(new[] { "-eE", @"a\nb" }, "a\\nb\n")]
    [InlineData(new[] { "-ne", "x", "-n" }, "x -n")]
    [InlineData(new[] { "-nex", "a" }, "-nex a\n")]
    [InlineData(new[] { "--hello", "-" }, "--hello -\n")]
    [InlineData(new[] { "-e", @"trailing\" }, "trailing\\\n")]
    public void Echo_reads_options_and_escapes_as_gnu_echo(string[] args, string expected)
    {
        var r = Kernel().Run(new Echo(), ["echo", .. args]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(Encoding.Latin1.GetBytes(expected), r.StdoutBytes);
    }

    [Fact]
    public void Echo_help_only_when_alone()
    {
        Assert.StartsWith("Usage: echo", Kernel().Run(new Echo(), "echo", "--help").Stdout);
        Assert.Equal("--help x\n", Kernel().Run(new Echo(), "echo", "--help", "x").Stdout);
    }
}
