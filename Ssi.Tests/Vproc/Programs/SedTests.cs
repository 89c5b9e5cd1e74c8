// sed on the real process core: each case's stdout, stderr and status are what GNU sed 4.9 printed for the same command.
using System.Text;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class SedTests(ProgramCluster cluster)
{
    private ProgramMachine Kernel(string stdin = "")
    {
        var k = new ProgramMachine(cluster) { Stdin = Encoding.UTF8.GetBytes(stdin) };
        k.AddFile("/f", "one\ntwo\nthree\nfour\nfive\n");
        return k;
    }

    [Theory]
    [InlineData(new[] { "-n", "0,/o/p", "f" }, "one\n", "", 0)]
    [InlineData(new[] { "-n", "1~2p", "f" }, "one\nthree\nfive\n", "", 0)]
    [InlineData(new[] { "2,+1d", "f" }, "one\nfour\nfive\n", "", 0)]
    [InlineData(new[] { "-n", "/t/,~4p", "f" }, "two\nthree\nfour\n", "", 0)]
    [InlineData(new[] { "s/\\(o\\)\\(.\\)/\\U\\2\\E\\1/;s/^./\\u&/", "f" }, "Noe\nTwo\nThree\nFUor\nFive\n", "", 0)]
    [InlineData(new[] { "-E", "s/(.)(.)/\\2\\1/2g", "f" }, "one\ntwo\nthere\nforu\nfiev\n", "", 0)]
    [InlineData(new[] { "$!N;s/\\n/+/", "f" }, "one+two\nthree+four\nfive\n", "", 0)]
    [InlineData(new[] { "-n", "$=", "f", "f" }, "10\n", "", 0)]
    [InlineData(new[] { "-s", "-n", "$=", "f", "f" }, "5\n5\n", "", 0)]
    [InlineData(new[] { "2q", "f" }, "one\ntwo\n", "", 0)]
    [InlineData(new[] { "-n", "/three/{=;l;p}", "f" }, "3\nthree$\nthree\n", "", 0)]
    [InlineData(new[] { "y/otf/OTF/", "f" }, "One\nTwO\nThree\nFOur\nFive\n", "", 0)]
    [InlineData(new[] { "2i\\\nbefore\n4a after\n$c\\\nlast", "f" }, "one\nbefore\ntwo\nthree\nfour\nafter\nlast\n", "", 0)]
    [InlineData(new[] { "-n", "2,4!p", "f" }, "one\nfive\n", "", 0)]
    [InlineData(new[] { "1h;1!H;$!d;x;s/\\n/,/g", "f" }, "one,two,three,four,five\n", "", 0)]
    [InlineData(new[] { "-n", "/x/p;/o/Ip", "f" }, "one\ntwo\nfour\n", "", 0)]
    [InlineData(new[] { ":a;s/^.\\{1,5\\}$/ &/;ta", "f" }, "   one\n   two\n three\n  four\n  five\n", "", 0)]
    [InlineData(new[] { "-z", "s/\\n/|/g", "f" }, "one|two|three|four|five|", "", 0)]
    [InlineData(new[] { "k", "f" }, "", "sed: -e expression #1, char 1: unknown command: `k'\n", 1)]
    [InlineData(new[] { "-e", "p", "-e", "s/x", "f" }, "", "sed: -e expression #2, char 3: unterminated `s' command\n", 1)]
    [InlineData(new[] { "b nowhere", "f" }, "", "sed: can't find label for jump to `nowhere'\n", 4)]
    [InlineData(new[] { "p", "nosuch", "f" }, "one\none\ntwo\ntwo\nthree\nthree\nfour\nfour\nfive\nfive\n", "sed: can't read nosuch: No such file or directory\n", 2)]
    [InlineData(new[] { "2{p", "f" }, "", "sed: -e expression #1, char 0: unmatched `{'\n", 1)]
    [InlineData(new[] { "y/ab/c/", "f" }, "", "sed: -e expression #1, char 7: strings for `y' command are different lengths\n", 1)]
    [InlineData(new[] { "3q7", "f" }, "one\ntwo\nthree\n", "", 7)]
    [InlineData(new[] { "-n", "l 5", "f" }, "one$\ntwo$\nthre\\\ne$\nfour$\nfive$\n", "", 0)]
    public void Sed_prints_what_GNU_sed_prints(string[] args, string stdout, string stderr, int status)
    {
        var r = Kernel().Run(new Sed(), ["sed", .. args.Select(a => a == "f" || a == "nosuch" ? "/" + a : a)]);
        Assert.Equal((stdout, stderr.Replace("nosuch", "/nosuch"), status), (r.Stdout, r.Stderr, r.ExitCode));
    }

    [Fact]
    public void Sed_i_edits_in_place_and_keeps_a_backup_with_the_suffix()
    {
        var k = Kernel();
        var r = k.Run(new Sed(), "sed", "-i.bak", "-e", "s/o/0/g", "-e", "3d", "/f");
        Assert.Equal((0, "", ""), (r.ExitCode, r.Stdout, r.Stderr));
        Assert.Equal("0ne\ntw0\nf0ur\nfive\n", k.ReadFile("/f"));
        Assert.Equal("one\ntwo\nthree\nfour\nfive\n", k.ReadFile("/f.bak"));
    }

    [Fact]
    public void Sed_w_writes_the_selected_lines_to_a_file_and_r_appends_one()
    {
        var k = Kernel();
        k.AddFile("/extra", "EXTRA\n");
        var r = k.Run(new Sed(), "sed", "-n", "-e", "/o/w /out", "-e", "2r /extra", "/f");
        Assert.Equal((0, "EXTRA\n"), (r.ExitCode, r.Stdout));
        Assert.Equal("one\ntwo\nfour\n", k.ReadFile("/out"));
    }

    [Fact]
    public void Sed_reads_a_script_file_and_reports_its_errors_by_line()
    {
        var k = Kernel();
        k.AddFile("/script", "#n\n/two/p\n");
        Assert.Equal("two\n", k.Run(new Sed(), "sed", "-f", "/script", "/f").Stdout);
        k.AddFile("/bad", "p\nk\n");
        var bad = k.Run(new Sed(), "sed", "-f", "/bad", "/f");
        Assert.Equal((1, "sed: file /bad line 2: unknown command: `k'\n"), (bad.ExitCode, bad.Stderr));
    }

    [Fact]
    public void Sed_reads_standard_input_and_keeps_a_missing_last_newline()
    {
        Assert.Equal("a\nb", Kernel("a\nb").Run(new Sed(), "sed", "").Stdout);
        Assert.Equal("b", Kernel("a\nb").Run(new Sed(), "sed", "$!d").Stdout);
        Assert.Equal("a\na", Kernel("a").Run(new Sed(), "sed", "-n", "p;p").Stdout);
    }

    [Fact]
    public void Sed_answers_help_and_refuses_a_bad_option_with_its_usage()
    {
        var help = Kernel().Run(new Sed(), "sed", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.StartsWith("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n", help.Stdout);
        var bad = Kernel().Run(new Sed(), "sed", "-k", "p");
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith("sed: invalid option -- 'k'\nUsage: sed ", bad.Stderr);
        Assert.Equal(1, Kernel().Run(new Sed(), "sed").ExitCode);
    }
}
