// wc's, head's and tail's options on the real process core (ProgramMachine), as GNU coreutils print them.
using System.Text;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class WcHeadTailTests(ProgramCluster cluster)
{
    private ProgramMachine Kernel(string stdin = "")
    {
        var k = new ProgramMachine(cluster) { Stdin = Encoding.UTF8.GetBytes(stdin) };
        k.AddFile("/a.txt", "one two\nthree\n");
        k.AddFile("/b.txt", "x\n");
        k.AddFile("/u.txt", "h\u00e9llo w\u4e16\n\ta\n");
        return k;
    }

    [Theory]
    [InlineData(new[] { "-L", "/a.txt", "/b.txt" }, " 7 /a.txt\n 1 /b.txt\n 7 total\n")]
    [InlineData(new[] { "-lwmcL", "/u.txt" }, " 2  3 12 15  9 /u.txt\n")]
    [InlineData(new[] { "-l", "-w", "--bytes", "--max-line-length", "/u.txt" }, " 2  3 15  9 /u.txt\n")]
    public void Wc_prints_the_counts_asked_for_in_gnus_order(string[] args, string expected)
    {
        var r = Kernel().Run(new Wc(), ["wc", .. args]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(expected, r.Stdout);
    }

    [Fact]
    public void Wc_counts_characters_as_bytes_in_the_c_locale_and_as_utf8_otherwise()
    {
        var k = Kernel();
        k.AddFile("/u1", "h\u00e9llo w\u4e16\n");
        Assert.Equal(" 9  9 /u1\n", k.Run(new Wc(), "wc", "-mL", "/u1").Stdout);
        k.Environment = k.Environment.Add("LC_ALL", "C");
        Assert.Equal("12  6 /u1\n", k.Run(new Wc(), "wc", "-mL", "/u1").Stdout);
    }

    [Fact]
    public void Wc_counts_a_word_only_from_printable_characters()
    {
        Assert.Equal("      1       2       6\n", Kernel("a\u0001b c\n").Run(new Wc(), "wc", "-lwm").Stdout);
        Assert.Equal("      1       0       2\n", Kernel("\u0001\n").Run(new Wc(), "wc", "-lwm").Stdout);
    }

    [Fact]
    public void Wc_rejects_an_unknown_option_with_status_1()
    {
        var r = Kernel().Run(new Wc(), "wc", "-x");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("wc: invalid option -- 'x'\nTry 'wc --help' for more information.\n", r.Stderr);
    }

    [Theory]
    [InlineData(new[] { "-c", "3", "/a.txt" }, "one")]
    [InlineData(new[] { "-c", "-4", "/a.txt" }, "one two\nth")]
    [InlineData(new[] { "-n", "1", "-c", "2", "/a.txt" }, "on")]
    [InlineData(new[] { "-c", "2", "-n", "1", "/a.txt" }, "one two\n")]
    [InlineData(new[] { "-c", "1K", "/b.txt" }, "x\n")]
    [InlineData(new[] { "--lines=1", "-v", "/a.txt" }, "==> /a.txt <==\none two\n")]
    [InlineData(new[] { "-v", "-q", "/a.txt", "/b.txt" }, "one two\nthree\nx\n")]
    [InlineData(new[] { "-n", "1", "/b.txt", "-" }, "==> /b.txt <==\nx\n\n==> standard input <==\nin\n")]
    public void Head_prints_the_first_lines_or_bytes(string[] args, string expected)
    {
        var r = Kernel("in\nmore\n").Run(new Head(), ["head", .. args]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(expected, r.Stdout);
    }

    [Fact]
    public void Head_and_tail_split_lines_at_nul_with_z()
    {
        Assert.Equal("a\0b\0", Kernel("a\0b\0c\0").Run(new Head(), "head", "-z", "-n", "2").Stdout);
        Assert.Equal("c\0", Kernel("a\0b\0c\0").Run(new Tail(), "tail", "-z", "-n", "1").Stdout);
    }

    [Fact]
    public void Head_and_tail_reject_a_bad_count_naming_lines_or_bytes()
    {
        var head = Kernel().Run(new Head(), "head", "-n", "2x", "/a.txt");
        Assert.Equal((1, "head: invalid number of lines: '2x'\n"), (head.ExitCode, head.Stderr));
        var tail = Kernel().Run(new Tail(), "tail", "-c", "x", "/a.txt");
        Assert.Equal((1, "tail: invalid number of bytes: 'x'\n"), (tail.ExitCode, tail.Stderr));
    }

    [Theory]
    [InlineData(new[] { "-c", "4", "/a.txt" }, "ree\n")]
    [InlineData(new[] { "-c", "+5", "/a.txt" }, "two\nthree\n")]
    [InlineData(new[] { "-c", "+0", "/b.txt" }, "x\n")]
    [InlineData(new[] { "-n", "-1", "/a.txt" }, "three\n")]
    [InlineData(new[] { "-c", "3", "-n", "1", "/a.txt" }, "three\n")]
    [InlineData(new[] { "-c", "+3", "-c", "1", "/a.txt" }, "one two\nthree\n")]
    [InlineData(new[] { "+2", "/a.txt" }, "three\n")]
    [InlineData(new[] { "-n", "1", "-v", "/a.txt" }, "==> /a.txt <==\nthree\n")]
    public void Tail_prints_the_last_lines_or_bytes_or_from_the_nth_on(string[] args, string expected)
    {
        var r = Kernel().Run(new Tail(), ["tail", .. args]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(expected, r.Stdout);
    }
}
