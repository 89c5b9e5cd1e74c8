// diff and od on the real process core: each case's output and status are what GNU diffutils 3.10 and coreutils 9 printed.
using System.Text;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class DiffOdTests(ProgramCluster cluster)
{
    // The file system keeps microseconds: GNU diff was run with the same times (touch -d '... 03:04:05.123456').
    private ProgramMachine Kernel()
    {
        var k = new ProgramMachine(cluster) { Cwd = "/d" };
        k.AddFile("/d/old", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n", mtime: new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234560));
        k.AddFile("/d/new", "a\nB\nc\nd\ne\nf\ng\nh\nj\nk\n", mtime: new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.Zero));
        k.AddFile("/d/nonl", "a\nb");
        k.AddFile("/d/sp1", "A  b\n\nc\n");
        k.AddFile("/d/sp2", "a b \nc\n");
        k.AddFile("/d/abc", "abcdefghijklmnopqrstuvwxyz\n");
        k.AddFile("/d/zeros", new byte[64]);
        k.AddFile("/d/bin", [0, 1, 0xff, 0x7f, 0x80, .. "hello\tworld\n"u8.ToArray()]);
        return k;
    }

    [Theory]
    [InlineData(new[] { "old", "new" }, "2c2\n< b\n---\n> B\n9d8\n< i\n10a10\n> k\n", "", 1)]
    [InlineData(new[] { "-u", "old", "new" }, "--- old\t2026-01-02 03:04:05.123456000 +0000\n+++ new\t2026-02-03 04:05:06.000000000 +0000\n@@ -1,10 +1,10 @@\n a\n-b\n+B\n c\n d\n e\n f\n g\n h\n-i\n j\n+k\n", "", 1)]
    [InlineData(new[] { "-U", "1", "-L", "x", "-L", "y", "old", "new" }, "--- x\n+++ y\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n@@ -8,3 +8,3 @@\n h\n-i\n j\n+k\n", "", 1)]
    [InlineData(new[] { "-U0", "old", "new" }, "--- old\t2026-01-02 03:04:05.123456000 +0000\n+++ new\t2026-02-03 04:05:06.000000000 +0000\n@@ -2 +2 @@\n-b\n+B\n@@ -9 +8,0 @@\n-i\n@@ -10,0 +10 @@\n+k\n", "", 1)]
    [InlineData(new[] { "old", "nonl" }, "2,10c2\n< b\n< c\n< d\n< e\n< f\n< g\n< h\n< i\n< j\n---\n> b\n\\ No newline at end of file\n", "", 1)]
    [InlineData(new[] { "-u", "-L", "o", "-L", "n", "nonl", "old" }, "--- o\n+++ n\n@@ -1,2 +1,10 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n+d\n+e\n+f\n+g\n+h\n+i\n+j\n", "", 1)]
    [InlineData(new[] { "-q", "old", "new" }, "Files old and new differ\n", "", 1)]
    [InlineData(new[] { "-s", "old", "old" }, "Files old and old are identical\n", "", 0)]
    [InlineData(new[] { "-i", "-b", "-B", "sp1", "sp2" }, "", "", 0)]
    [InlineData(new[] { "-w", "sp1", "sp2" }, "1,2c1\n< A  b\n< \n---\n> a b \n", "", 1)]
    [InlineData(new[] { "-iw", "sp1", "sp2" }, "2d1\n< \n", "", 1)]
    [InlineData(new[] { "old", "nosuch" }, "", "diff: nosuch: No such file or directory\n", 2)]
    [InlineData(new[] { "old" }, "", "diff: missing operand after 'old'\ndiff: Try 'diff --help' for more information.\n", 2)]
    [InlineData(new[] { "-U", "x", "old", "new" }, "", "diff: invalid context length 'x'\ndiff: Try 'diff --help' for more information.\n", 2)]
    [InlineData(new[] { "zeros", "bin" }, "Binary files zeros and bin differ\n", "", 1)]
    public void Diff_prints_what_GNU_diff_prints(string[] args, string stdout, string stderr, int status)
    {
        var r = Kernel().Run(new Diff(), ["diff", .. args]);
        Assert.Equal((stdout, stderr, status), (r.Stdout, r.Stderr, r.ExitCode));
    }

    [Fact]
    public void Diff_reads_standard_input_for_a_dash_and_a_directory_as_the_file_of_that_name_in_it()
    {
        var k = Kernel();
        k.Stdin = Encoding.UTF8.GetBytes("a\nb");
        Assert.Equal((0, ""), (k.Run(new Diff(), "diff", "-", "nonl").ExitCode, k.Run(new Diff(), "diff", "-", "nonl").Stdout));
        k.AddFile("/d/sub/old", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n");
        k.AddFile("/d/sub/new", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n");
        Assert.Equal(0, k.Run(new Diff(), "diff", "old", "sub").ExitCode);
        Assert.Equal("2c2\n< B\n---\n> b\n8a9\n> i\n10d10\n< k\n", k.Run(new Diff(), "diff", "new", "sub").Stdout);
    }

    [Fact]
    public void Diff_u_with_F_or_p_names_the_last_matching_line_before_each_hunk()
    {
        var k = Kernel();
        const string program = "int main(void)\n{\n  int a = 1;\n  int b = 2;\n  int c = 3;\n  int d = 4;\n  return a;\n}\n";
        k.AddFile("/d/c1", program);
        k.AddFile("/d/c2", program.Replace("int d = 4", "int d = 5"));
        const string hunk = "@@ -3,6 +3,6 @@ int main(void)\n   int a = 1;\n   int b = 2;\n   int c = 3;\n-  int d = 4;\n+  int d = 5;\n   return a;\n }\n";
        Assert.Equal("--- x\n+++ y\n" + hunk, k.Run(new Diff(), "diff", "-u", "-F", "^ *int", "-L", "x", "-L", "y", "c1", "c2").Stdout);
        Assert.Equal("--- x\n+++ y\n" + hunk, k.Run(new Diff(), "diff", "-u", "-p", "-L", "x", "-L", "y", "c1", "c2").Stdout);
        Assert.Equal(2, k.Run(new Diff(), "diff", "-p", "c1", "c2").ExitCode);
    }

    [Theory]
    [InlineData(new[] { "abc" }, "0000000 061141 062143 063145 064147 065151 066153 067155 070157\n0000020 071161 072163 073165 074167 075171 000012\n0000033\n", "", 0)]
    [InlineData(new[] { "-c", "bin" }, "0000000  \\0 001 377 177 200   h   e   l   l   o  \\t   w   o   r   l   d\n0000020  \\n\n0000021\n", "", 0)]
    [InlineData(new[] { "-A", "x", "-t", "x1", "-t", "c", "abc" }, "000000  61  62  63  64  65  66  67  68  69  6a  6b  6c  6d  6e  6f  70\n         a   b   c   d   e   f   g   h   i   j   k   l   m   n   o   p\n000010  71  72  73  74  75  76  77  78  79  7a  0a\n         q   r   s   t   u   v   w   x   y   z  \\n\n00001b\n", "", 0)]
    [InlineData(new[] { "-t", "d1", "bin" }, "0000000    0    1   -1  127 -128  104  101  108  108  111    9  119  111  114  108  100\n0000020   10\n0000021\n", "", 0)]
    [InlineData(new[] { "-N", "4", "-j", "2", "-x", "abc" }, "0000002 6463 6665\n0000006\n", "", 0)]
    [InlineData(new[] { "zeros" }, "0000000 000000 000000 000000 000000 000000 000000 000000 000000\n*\n0000100\n", "", 0)]
    [InlineData(new[] { "-v", "-w8", "-t", "o1", "zeros" }, "0000000 000 000 000 000 000 000 000 000\n0000010 000 000 000 000 000 000 000 000\n0000020 000 000 000 000 000 000 000 000\n0000030 000 000 000 000 000 000 000 000\n0000040 000 000 000 000 000 000 000 000\n0000050 000 000 000 000 000 000 000 000\n0000060 000 000 000 000 000 000 000 000\n0000070 000 000 000 000 000 000 000 000\n0000100\n", "", 0)]
    [InlineData(new[] { "-A", "n", "-t", "u2", "abc" }, " 25185 25699 26213 26727 27241 27755 28269 28783\n 29297 29811 30325 30839 31353    10\n", "", 0)]
    [InlineData(new[] { "-A", "d", "-t", "a", "bin" }, "0000000 nul soh del del nul   h   e   l   l   o  ht   w   o   r   l   d\n0000016  nl\n0000017\n", "", 0)]
    [InlineData(new[] { "-t", "x8", "-t", "d4", "abc" }, "0000000        6867666564636261        706f6e6d6c6b6a69\n         1684234849  1751606885  1818978921  1886350957\n0000020        7877767574737271        00000000000a7a79\n         1953722993  2021095029      686713\n0000033\n", "", 0)]
    [InlineData(new[] { "-t", "q", "abc" }, "", "od: invalid character 'q' in type string 'q'\n", 1)]
    [InlineData(new[] { "-A", "q", "abc" }, "", "od: invalid output address radix 'q'; it must be one character from [doxn]\n", 1)]
    [InlineData(new[] { "-j", "100", "abc" }, "", "od: cannot skip past end of combined input\n", 1)]
    [InlineData(new[] { "-t", "fF", "-t", "fD", "zeros" }, "0000000               0               0               0               0\n                                      0                               0\n*\n0000100\n", "", 0)]
    [InlineData(new[] { "nosuch", "abc" }, "0000000 061141 062143 063145 064147 065151 066153 067155 070157\n0000020 071161 072163 073165 074167 075171 000012\n0000033\n", "od: nosuch: No such file or directory\n", 1)]
    public void Od_prints_what_GNU_od_prints(string[] args, string stdout, string stderr, int status)
    {
        var r = Kernel().Run(new Od(), ["od", .. args]);
        Assert.Equal((stdout, stderr, status), (r.Stdout, r.Stderr, r.ExitCode));
    }
}
