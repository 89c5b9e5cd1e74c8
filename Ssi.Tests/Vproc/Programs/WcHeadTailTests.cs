// wc's options on the real process core (ProgramMachine), as GNU coreutils print them.
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
}
