// The simple tools of /bin (printf, test, env, basename, dirname, seq, cut, tr, uniq, tac, rev, nl, cmp, comm, md5sum, sha256sum)
// on the real process core and file system (ProgramMachine), against what GNU coreutils and diffutils print in the C locale.
using System.Collections.Immutable;
using System.Text;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class SimpleToolTests(ProgramCluster cluster)
{
    // The files the GNU runs saw, in their working directory.
    private ProgramMachine Machine(string stdin, string locale = "C")
    {
        var k = new ProgramMachine(cluster)
        {
            Stdin = Encoding.UTF8.GetBytes(stdin),
            Environment = ImmutableDictionary<string, string>.Empty.Add("LC_ALL", locale),
        };
        k.AddFile("/a.txt", "one two\nthree\n");
        k.AddFile("/f", "a:b:c\nnodelim\nx:y\n");
        k.AddFile("/c1", "abc\ndef\n");
        k.AddFile("/c2", "abd\ndef\n");
        k.AddFile("/c4", "");
        k.AddFile("/e1", "a\nb");
        k.AddFile("/e2", "a\nbc");
        k.AddFile("/e3", "a\n");
        k.AddFile("/m1", "a\nb\nd\n");
        k.AddFile("/m2", "b\nc\nd\ne\n");
        k.AddFile("/m3", "b\na\n");
        k.AddFile("/m4", "b\na\n");
        k.AddFile("/a\\b", "abc\ndef\n");
        k.AddFile("/sums", "f72fe788e136ba9e53518afa8b407eac  c1\nxxx\n");
        return k;
    }

    private RunResult Run(string tool, string[] args, string stdin = "", string locale = "C")
    {
        var k = Machine(stdin, locale);
        var r = k.Run(Builtins.All[tool](), [tool, .. args]);
        Assert.Empty(k.Crashes);
        return r;
    }

    // Each row is what the host's GNU tool printed for the same command line and files (LC_ALL=C).
    [Theory]
    [InlineData("printf", new[] { "%5.2f|%-6d|%x|%o|%e|%g\\n", "3.14159", "42", "255", "8", "12345.678", "0.0001" }, "", " 3.14|42    |ff|10|1.234568e+04|0.0001\n", "", 0)]
    [InlineData("printf", new[] { "%s-%s\\n", "a", "b", "c" }, "", "a-b\nc-\n", "", 0)]
    [InlineData("printf", new[] { "%b|%s\\n", "a\\tb\\0101\\c", "x" }, "", "a\tbA", "", 0)]
    [InlineData("printf", new[] { "%d\\n", "12abc", "x", "'A" }, "", "12\n0\n65\n", "printf: '12abc': value not completely converted\nprintf: 'x': expected a numeric value\n", 1)]
    [InlineData("printf", new[] { "%c%c|\\n", "hello" }, "", "h\0|\n", "", 0)]
    [InlineData("printf", new[] { "%#x %+d %05.1f %-5s|\\n", "255", "3", "2.25", "ab" }, "", "0xff +3 002.2 ab   |\n", "", 0)]
    [InlineData("printf", new[] { "%.3s|%10s|%*d|%.*f\\n", "abcdef", "right", "4", "7", "2", "3.14159" }, "", "abc|     right|   7|3.14\n", "", 0)]
    [InlineData("printf", new[] { "%.0f %.0f %.2f %.1e %G\\n", "0.5", "1.5", "0.125", "15", "1e-10" }, "", "0 2 0.12 1.5e+01 1E-10\n", "", 0)]
    [InlineData("printf", new[] { "%i %u %X %#o\\n", "0x1F", "-1", "3054", "8" }, "", "31 18446744073709551615 BEE 010\n", "", 0)]
    [InlineData("printf", new[] { "\\101\\x42\\u00e9\\q\\n" }, "", "AB\\u00E9\\q\n", "", 0)]
    [InlineData("printf", new[] { "%z" }, "", "", "printf: %z: invalid conversion specification\n", 1)]
    [InlineData("printf", new[] { "%05s" }, "", "", "printf: %05s: invalid conversion specification\n", 1)]
    [InlineData("printf", new string[] { }, "", "", "printf: missing operand\nTry 'printf --help' for more information.\n", 1)]
    [InlineData("printf", new[] { "x\\n", "extra" }, "", "x\n", "printf: warning: ignoring excess arguments, starting with 'extra'\n", 0)]
    [InlineData("printf", new[] { "%d\\n", "99999999999999999999" }, "", "9223372036854775807\n", "printf: '99999999999999999999': Numerical result out of range\n", 1)]
    [InlineData("printf", new[] { "%s\\c%s\\n", "a", "b" }, "", "a", "", 0)]
    [InlineData("test", new[] { "-n", "x" }, "", "", "", 0)]
    [InlineData("test", new[] { "abc", "=", "abd" }, "", "", "", 1)]
    [InlineData("test", new[] { "2", "-lt", "10" }, "", "", "", 0)]
    [InlineData("test", new[] { "!", "-z", "", "-a", "(", "1", "-eq", "1", ")" }, "", "", "", 1)]
    [InlineData("test", new[] { "-l", "abc", "-eq", "3" }, "", "", "", 0)]
    [InlineData("test", new[] { "1", "-eq", "a" }, "", "", "test: invalid integer 'a'\n", 2)]
    [InlineData("test", new[] { "a", "-o" }, "", "", "test: missing argument after '-o'\n", 2)]
    [InlineData("test", new[] { "x", "-a", "", "-o", "y" }, "", "", "", 0)]
    [InlineData("test", new[] { "(", "x" }, "", "", "test: missing argument after 'x'\n", 2)]
    [InlineData("test", new[] { "a", "b", "c", "d", "e" }, "", "", "test: extra argument 'b'\n", 2)]
    [InlineData("test", new string[] { }, "", "", "", 1)]
    [InlineData("test", new[] { "-q", "x" }, "", "", "test: '-q': unary operator expected\n", 2)]
    [InlineData("[", new[] { "a", "=", "a", "]" }, "", "", "", 0)]
    [InlineData("[", new[] { "a" }, "", "", "[: missing ']'\n", 2)]
    [InlineData("basename", new[] { "/usr/lib/libc.so", ".so" }, "", "libc\n", "", 0)]
    [InlineData("basename", new[] { "-a", "a/b/", "//", "c" }, "", "b\n/\nc\n", "", 0)]
    [InlineData("basename", new[] { "-s", ".c", "x.c", "y.h", ".c" }, "", "x\ny.h\n.c\n", "", 0)]
    [InlineData("basename", new string[] { }, "", "", "basename: missing operand\nTry 'basename --help' for more information.\n", 1)]
    [InlineData("basename", new[] { "a", "b", "c" }, "", "", "basename: extra operand 'c'\nTry 'basename --help' for more information.\n", 1)]
    [InlineData("dirname", new[] { "/usr/lib/", "a", "/a", "a//b//", "//", "" }, "", "/usr\n.\n/\na\n/\n.\n", "", 0)]
    [InlineData("dirname", new string[] { }, "", "", "dirname: missing operand\nTry 'dirname --help' for more information.\n", 1)]
    [InlineData("seq", new[] { "3" }, "", "1\n2\n3\n", "", 0)]
    [InlineData("seq", new[] { "-s", ",", "-w", "8", "-3", "-4" }, "", "08,05,02,-1,-4\n", "", 0)]
    [InlineData("seq", new[] { "0", "0.1", "0.3" }, "", "0.0\n0.1\n0.2\n0.3\n", "", 0)]
    [InlineData("seq", new[] { "-f", "%03g", "9", "11" }, "", "009\n010\n011\n", "", 0)]
    [InlineData("seq", new[] { "-f", "x%.2ey", "1", "2" }, "", "x1.00e+00y\nx2.00e+00y\n", "", 0)]
    [InlineData("seq", new[] { "1", "0", "2" }, "", "", "seq: invalid Zero increment value: '0'\nTry 'seq --help' for more information.\n", 1)]
    [InlineData("seq", new[] { "x" }, "", "", "seq: invalid floating point argument: 'x'\nTry 'seq --help' for more information.\n", 1)]
    [InlineData("seq", new[] { "-f", "%d", "1" }, "", "", "seq: format '%d' has unknown %d directive\n", 1)]
    [InlineData("seq", new[] { "18446744073709551615", "18446744073709551617" }, "", "18446744073709551615\n18446744073709551616\n18446744073709551617\n", "", 0)]
    [InlineData("seq", new[] { "-w", "-f", "%g", "1" }, "", "", "seq: format string may not be specified when printing equal width strings\nTry 'seq --help' for more information.\n", 1)]
    [InlineData("seq", new[] { "5", "-2", "1" }, "", "5\n3\n1\n", "", 0)]
    [InlineData("seq", new[] { "-.0", "-.25", "-.9" }, "", "-0.00\n-0.25\n-0.50\n-0.75\n", "", 0)]
    [InlineData("seq", new[] { "-.0", ".25", ".3" }, "", "-0.00\n0.25\n", "", 0)]
    public void Shell_script_tools_print_what_gnu_prints(string tool, string[] args, string stdin, string stdout, string stderr, int status)
    {
        var r = Run(tool, args, stdin);
        Assert.Equal(stdout, r.Stdout);
        Assert.Equal(stderr, r.Stderr);
        Assert.Equal(status, r.ExitCode);
    }

    [Theory]
    [InlineData("cut", new[] { "-d:", "-f2", "f" }, "", "b\nnodelim\ny\n", "", 0)]
    [InlineData("cut", new[] { "-s", "-d:", "-f1,3", "--output-delimiter=XX", "f" }, "", "aXXc\nx\n", "", 0)]
    [InlineData("cut", new[] { "-b2-3,1", "f" }, "", "a:b\nnod\nx:y\n", "", 0)]
    [InlineData("cut", new[] { "-c", "-2,4-", "--complement", "f" }, "", "b\nd\ny\n", "", 0)]
    [InlineData("cut", new[] { "-f", "0", "f" }, "", "", "cut: fields are numbered from 1\nTry 'cut --help' for more information.\n", 1)]
    [InlineData("cut", new[] { "-f", "3-1", "f" }, "", "", "cut: invalid decreasing range\nTry 'cut --help' for more information.\n", 1)]
    [InlineData("cut", new[] { "f" }, "", "", "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n", 1)]
    [InlineData("cut", new[] { "-d", "ab", "-f1", "f" }, "", "", "cut: the delimiter must be a single character\nTry 'cut --help' for more information.\n", 1)]
    [InlineData("cut", new[] { "-b1", "-d:", "f" }, "", "", "cut: an input delimiter may be specified only when operating on fields\nTry 'cut --help' for more information.\n", 1)]
    [InlineData("cut", new[] { "-f2", "-", "nosuch" }, "a\tb\n", "b\n", "cut: nosuch: No such file or directory\n", 1)]
    [InlineData("tr", new[] { "a-y", "b-z" }, "hello\n", "ifmmp\n", "", 0)]
    [InlineData("tr", new[] { "-d", "l" }, "hello\n", "heo\n", "", 0)]
    [InlineData("tr", new[] { "-s", "l " }, "hello   world\n", "helo world\n", "", 0)]
    [InlineData("tr", new[] { "-c", "a-z\\n", "X" }, "he11o\n", "heXXo\n", "", 0)]
    [InlineData("tr", new[] { "[:lower:]", "[:upper:]" }, "hello\n", "HELLO\n", "", 0)]
    [InlineData("tr", new[] { "a-z", "[A*]" }, "hi\n", "AA\n", "", 0)]
    [InlineData("tr", new[] { "-t", "lo", "x" }, "hello\n", "hexxo\n", "", 0)]
    [InlineData("tr", new[] { "-ds", "a", "b" }, "aabbc\n", "bc\n", "", 0)]
    [InlineData("tr", new[] { "\\n\\101", "_x" }, "A\nB\n", "x_B_", "", 0)]
    [InlineData("tr", new[] { "c-a", "x" }, "abc\n", "", "tr: range-endpoints of 'c-a' are in reverse collating sequence order\n", 1)]
    [InlineData("tr", new[] { "a" }, "abc\n", "", "tr: missing operand after 'a'\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n", 1)]
    [InlineData("tr", new[] { "-d", "a", "b" }, "abc\n", "", "tr: extra operand 'b'\nOnly one string may be given when deleting without squeezing repeats.\nTry 'tr --help' for more information.\n", 1)]
    [InlineData("uniq", new string[] { }, "a\na\nb\nB\nc\nc\nc\n", "a\nb\nB\nc\n", "", 0)]
    [InlineData("uniq", new[] { "-c" }, "a\na\nb\nB\nc\nc\nc\n", "      2 a\n      1 b\n      1 B\n      3 c\n", "", 0)]
    [InlineData("uniq", new[] { "-di" }, "a\na\nb\nB\nc\n", "a\nb\n", "", 0)]
    [InlineData("uniq", new[] { "-u" }, "a\na\nb\nc\nc\n", "b\n", "", 0)]
    [InlineData("uniq", new[] { "--all-repeated=separate" }, "a\na\nb\nc\nc\n", "a\na\n\nc\nc\n", "", 0)]
    [InlineData("uniq", new[] { "--group=both" }, "a\na\nb\n", "\na\na\n\nb\n\n", "", 0)]
    [InlineData("uniq", new[] { "-f1", "-s1", "-w2" }, "x aab\ny bac\nz bad\n", "x aab\ny bac\n", "", 0)]
    [InlineData("uniq", new[] { "-c", "-D" }, "a\n", "", "uniq: printing all duplicated lines and repeat counts is meaningless\nTry 'uniq --help' for more information.\n", 1)]
    [InlineData("uniq", new[] { "-", "b", "c" }, "a\n", "", "uniq: extra operand 'c'\nTry 'uniq --help' for more information.\n", 1)]
    [InlineData("tac", new string[] { }, "a\nb\nc", "cb\na\n", "", 0)]
    [InlineData("tac", new[] { "-s", ":" }, "a:b:c:", "c:b:a:", "", 0)]
    [InlineData("tac", new[] { "-b" }, "a\nb\n", "\n\nba", "", 0)]
    [InlineData("tac", new[] { "-", "nosuch" }, "x\ny\n", "y\nx\n", "tac: failed to open 'nosuch' for reading: No such file or directory\n", 1)]
    [InlineData("nl", new string[] { }, "a\n\nb\n", "     1\ta\n       \n     2\tb\n", "", 0)]
    [InlineData("nl", new[] { "-ba", "-nln", "-w3", "-s:" }, "a\n\nb\n", "1  :a\n2  :\n3  :b\n", "", 0)]
    [InlineData("nl", new[] { "-v5", "-i2", "-nrz", "-ba", "-l2" }, "a\n\n\n\nb\n", "000005\ta\n       \n000007\t\n       \n000009\tb\n", "", 0)]
    [InlineData("nl", new[] { "-ha", "-fa" }, "\\:\\:\\:\nh\n\\:\\:\nb\n\\:\nf\n", "\n     1\th\n\n     1\tb\n\n     1\tf\n", "", 0)]
    [InlineData("nl", new[] { "-bpa.", "-d", "X" }, "ab\nxa\nc\n", "     1\tab\n       xa\n       c\n", "", 0)]
    [InlineData("nl", new[] { "-bq" }, "", "", "nl: invalid body numbering style: 'q'\nTry 'nl --help' for more information.\n", 1)]
    [InlineData("nl", new[] { "-w0" }, "", "", "nl: invalid line number field width: '0': Numerical result out of range\n", 1)]
    [InlineData("cmp", new[] { "c1", "c2" }, "", "c1 c2 differ: char 3, line 1\n", "", 1)]
    [InlineData("cmp", new[] { "-b", "c1", "c2" }, "", "c1 c2 differ: byte 3, line 1 is 143 c 144 d\n", "", 1)]
    [InlineData("cmp", new[] { "-l", "e1", "e2" }, "", "", "cmp: EOF on e1 after byte 3\n", 1)]
    [InlineData("cmp", new[] { "e1", "e2" }, "", "", "cmp: EOF on e1 after byte 3, in line 2\n", 1)]
    [InlineData("cmp", new[] { "e3", "e2" }, "", "", "cmp: EOF on e3 after byte 2, line 1\n", 1)]
    [InlineData("cmp", new[] { "c1", "c4" }, "", "", "cmp: EOF on c4 which is empty\n", 1)]
    [InlineData("cmp", new[] { "-s", "c1", "c2" }, "", "", "", 1)]
    [InlineData("cmp", new[] { "-i", "3", "c1", "c2" }, "", "", "", 0)]
    [InlineData("cmp", new[] { "c1", "c2", "1", "1" }, "", "c1 c2 differ: char 2, line 1\n", "", 1)]
    [InlineData("cmp", new[] { "-n", "2", "c1", "c2" }, "", "", "", 0)]
    [InlineData("cmp", new[] { "c1", "nosuch" }, "", "", "cmp: nosuch: No such file or directory\n", 2)]
    [InlineData("cmp", new[] { "-s", "c1", "nosuch" }, "", "", "", 2)]
    [InlineData("cmp", new[] { "-x", "c1" }, "", "", "cmp: invalid option -- 'x'\ncmp: Try 'cmp --help' for more information.\n", 2)]
    [InlineData("comm", new[] { "m1", "m2" }, "", "a\n\t\tb\n\tc\n\t\td\n\te\n", "", 0)]
    [InlineData("comm", new[] { "-12", "m1", "m2" }, "", "b\nd\n", "", 0)]
    [InlineData("comm", new[] { "-3", "--output-delimiter=:", "--total", "m1", "m2" }, "", "a\n:c\n:e\n1:2:2:total\n", "", 0)]
    [InlineData("comm", new[] { "m3", "m2" }, "", "\t\tb\na\n\tc\n\td\n\te\n", "comm: file 1 is not in sorted order\ncomm: input is not in sorted order\n", 1)]
    [InlineData("comm", new[] { "--check-order", "m3", "m2" }, "", "\t\tb\n", "comm: file 1 is not in sorted order\n", 1)]
    [InlineData("comm", new[] { "--nocheck-order", "m3", "m2" }, "", "\t\tb\na\n\tc\n\td\n\te\n", "", 0)]
    [InlineData("comm", new[] { "m3", "m4" }, "", "\t\tb\n\t\ta\n", "", 0)]
    [InlineData("comm", new[] { "m1" }, "", "", "comm: missing operand after 'm1'\nTry 'comm --help' for more information.\n", 1)]
    [InlineData("md5sum", new[] { "c1", "-" }, "abc", "f72fe788e136ba9e53518afa8b407eac  c1\n900150983cd24fb0d6963f7d28e17f72  -\n", "", 0)]
    [InlineData("md5sum", new[] { "--tag", "c1" }, "", "MD5 (c1) = f72fe788e136ba9e53518afa8b407eac\n", "", 0)]
    [InlineData("md5sum", new[] { "-b", "a\\b" }, "", "\\f72fe788e136ba9e53518afa8b407eac *a\\\\b\n", "", 0)]
    [InlineData("md5sum", new[] { "nosuch" }, "", "", "md5sum: nosuch: No such file or directory\n", 1)]
    [InlineData("md5sum", new[] { "-c", "sums" }, "", "c1: OK\n", "md5sum: WARNING: 1 line is improperly formatted\n", 0)]
    [InlineData("md5sum", new[] { "-c", "--quiet", "-w", "--strict", "sums" }, "", "c1: OK\n", "md5sum: sums: 2: improperly formatted MD5 checksum line\nmd5sum: WARNING: 1 line is improperly formatted\n", 1)]
    [InlineData("md5sum", new[] { "-c" }, "d41d8cd98f00b204e9800998ecf8427e  nosuch\nd41d8cd98f00b204e9800998ecf8427e  c4\nf72fe788e136ba9e53518afa8b407eac  c2\n", "nosuch: FAILED open or read\nc4: OK\nc2: FAILED\n", "md5sum: nosuch: No such file or directory\nmd5sum: WARNING: 1 listed file could not be read\nmd5sum: WARNING: 1 computed checksum did NOT match\n", 1)]
    [InlineData("md5sum", new[] { "-c" }, "garbage\n", "", "md5sum: 'standard input': no properly formatted checksum lines found\n", 1)]
    [InlineData("md5sum", new[] { "--quiet", "c1" }, "", "", "md5sum: the --quiet option is meaningful only when verifying checksums\nTry 'md5sum --help' for more information.\n", 1)]
    [InlineData("sha256sum", new[] { "c1", "-" }, "", "924d391c158a46409fdff363063d718ea0bc00b14556f129984942af91233bbe  c1\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  -\n", "", 0)]
    [InlineData("sha256sum", new[] { "-c" }, "924d391c158a46409fdff363063d718ea0bc00b14556f129984942af91233bbe  c1\n", "c1: OK\n", "", 0)]
    public void Text_tools_print_what_gnu_prints(string tool, string[] args, string stdin, string stdout, string stderr, int status)
    {
        var r = Run(tool, args, stdin);
        Assert.Equal(stdout, r.Stdout);
        Assert.Equal(stderr, r.Stderr);
        Assert.Equal(status, r.ExitCode);
    }

    [Theory]
    [InlineData("date", new[] { "-u", "-d", "@1700000000", "+%Y-%m-%d %H:%M:%S %a %b %j %s %Z %z %:z %e|%k|%l|%I %p %P %u %w %U %V %G %y %C %D %T %R %F|%%|%N|%3N" }, "", "2023-11-14 22:13:20 Tue Nov 318 1700000000 UTC +0000 +00:00 14|22|10|10 PM pm 2 2 46 46 2023 23 20 11/14/23 22:13:20 22:13 2023-11-14|%|000000000|000\n", "", 0)]
    [InlineData("date", new[] { "-u", "-d", "@0" }, "", "Thu Jan  1 00:00:00 UTC 1970\n", "", 0)]
    [InlineData("date", new[] { "-u", "-R", "-d", "@86399" }, "", "Thu, 01 Jan 1970 23:59:59 +0000\n", "", 0)]
    [InlineData("date", new[] { "-u", "-Iseconds", "-d", "2024-02-29 12:34:56" }, "", "2024-02-29T12:34:56+00:00\n", "", 0)]
    [InlineData("date", new[] { "-u", "--rfc-3339=ns", "-d", "@1.5" }, "", "1970-01-01 00:00:01.500000000+00:00\n", "", 0)]
    [InlineData("date", new[] { "-u", "-d", "2024-01-05T10:20:30+02:00", "+%T %-d %_m %05Y %^a %#b %10A|%-10A|" }, "", "08:20:30 5  1 02024 FRI JAN     Friday|Friday|\n", "", 0)]
    [InlineData("date", new[] { "-u", "-d", "garbage" }, "", "", "date: invalid date 'garbage'\n", 1)]
    [InlineData("date", new[] { "-u", "-d", "@0", "+%x %X %r %h %c" }, "", "01/01/70 00:00:00 12:00:00 AM Jan Thu Jan  1 00:00:00 1970\n", "", 0)]
    [InlineData("date", new[] { "-u", "-R", "-I" }, "", "", "date: multiple output formats specified\n", 1)]
    [InlineData("sleep", new[] { "0", "0.0s", "0e3m" }, "", "", "", 0)]
    [InlineData("sleep", new[] { "x" }, "", "", "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n", 1)]
    [InlineData("sleep", new[] { "-1" }, "", "", "sleep: invalid option -- '1'\nTry 'sleep --help' for more information.\n", 1)]
    [InlineData("sleep", new string[] { }, "", "", "sleep: missing operand\nTry 'sleep --help' for more information.\n", 1)]
    [InlineData("stat", new[] { "-c", "%n|%s|%a|%A|%F|%h|%.3n|%5s|%-5s|", "c1", "c4" }, "", "c1|8|644|-rw-r--r--|regular file|1|c1|    8|8    |\nc4|0|644|-rw-r--r--|regular empty file|1|c4|    0|0    |\n", "", 0)]
    [InlineData("stat", new[] { "nosuch" }, "", "", "stat: cannot statx 'nosuch': No such file or directory\n", 1)]
    [InlineData("stat", new string[] { }, "", "", "stat: missing operand\nTry 'stat --help' for more information.\n", 1)]
    [InlineData("uname", new[] { "extra" }, "", "", "uname: extra operand 'extra'\nTry 'uname --help' for more information.\n", 1)]
    [InlineData("touch", new string[] { }, "", "", "touch: missing file operand\nTry 'touch --help' for more information.\n", 1)]
    [InlineData("md5sum", new[] { "--status", "-c", "sums" }, "", "", "", 0)]
    public void Clock_and_file_tools_print_what_gnu_prints(string tool, string[] args, string stdin, string stdout, string stderr, int status)
    {
        var r = Run(tool, args, stdin);
        Assert.Equal(stdout, r.Stdout);
        Assert.Equal(stderr, r.Stderr);
        Assert.Equal(status, r.ExitCode);
    }

    [Fact]
    public void Hostname_and_uname_name_the_node_and_the_cluster()
    {
        var k = Machine("");
        k.Node = 2;
        Assert.Equal("node-2\n", k.Run(new Hostname(), "hostname").Stdout);
        Assert.Equal("SSI node-2 SSI\n", k.Run(new Uname(), "uname", "-sno").Stdout);
        Assert.Equal("SSI\n", k.Run(new Uname(), "uname").Stdout);
        var set = k.Run(new Hostname(), "hostname", "other");
        Assert.Equal(1, set.ExitCode);
        Assert.Equal("hostname: cannot set the host name to 'other': a node is named by its number\n", set.Stderr);
    }

    [Fact]
    public void Stat_prints_gnus_default_layout()
    {
        var k = Machine("");
        var a = k.AddFile("/s", "12345", mode: 0x1ED, mtime: DateTimeOffset.FromUnixTimeSeconds(1700000000));
        var lines = k.Run(new StatFile(), "stat", "/s").Stdout.Split('\n');
        Assert.Equal("  File: /s", lines[0]);
        Assert.Equal("  Size: 5         \tBlocks: 8          IO Block: 4096   regular file", lines[1]);
        Assert.Equal($"Device: 0,0\tInode: {a.Ino.Value,-11} Links: 1", lines[2]);
        Assert.Equal("Access: (0755/-rwxr-xr-x)  Uid: ( 1000/ UNKNOWN)   Gid: ( 1000/ UNKNOWN)", lines[3]);
        Assert.Equal("Modify: 2023-11-14 22:13:20.000000000 +0000", lines[5]);
        Assert.Equal(" Birth: -", lines[7]);
    }

    [Fact]
    public void Printf_writes_unicode_escapes_as_utf8_in_a_utf8_locale()
    {
        var r = Run("printf", ["%b|\\u00e9\\n", "\\U0001F600"], locale: "C.UTF-8");
        Assert.Equal("\U0001F600|\u00e9\n", r.Stdout);
    }

    [Fact]
    public void Rev_reverses_utf8_characters_and_keeps_a_missing_last_newline_missing()
    {
        var r = Run("rev", [], "abc\nd\u00e9f", locale: "C.UTF-8");
        Assert.Equal("cba\nf\u00e9d", r.Stdout);
    }

    [Fact]
    public void Test_looks_at_files_through_stat()
    {
        var k = Machine("");
        k.AddDirectory("/d");
        k.AddSymlink("/link", "c1");
        k.AddNode("/fifo", Ssi.Cfs.Inodes.InodeType.Fifo, uid: k.Uid);
        Assert.Equal(0, k.Run(new Test(), "test", "-d", "/d", "-a", "-f", "/c1", "-a", "-s", "/c1").ExitCode);
        Assert.Equal(1, k.Run(new Test(), "test", "-s", "/c4").ExitCode);
        Assert.Equal(0, k.Run(new Test(), "test", "-h", "/link").ExitCode);
        Assert.Equal(1, k.Run(new Test(), "test", "-h", "/c1").ExitCode);
        Assert.Equal(0, k.Run(new Test(), "test", "-p", "/fifo").ExitCode);
        Assert.Equal(1, k.Run(new Test(), "test", "-e", "/nosuch").ExitCode);
        Assert.Equal(0, k.Run(new Test(), "test", "/link", "-ef", "/c1").ExitCode);
        Assert.Equal(1, k.Run(new Test(), "test", "-t", "1").ExitCode);
        k.StdoutIsTerminal = true;
        Assert.Equal(0, k.Run(new Test(), "test", "-t", "1").ExitCode);
        Assert.Equal(1, k.Run(new Test(), "test", "-t", "7").ExitCode);
    }

    [Fact]
    public void Test_judges_access_and_ownership_by_the_effective_ids()
    {
        var k = Machine("");
        k.AddFile("/mine", "x", mode: 0x1C0); // rwx------, ann's
        k.AddFile("/theirs", "x", mode: 0x1A4, uid: 0); // rw-r--r--, root's, group ann's
        k.AddFile("/locked", "x", mode: 0, uid: 0);
        Assert.Equal(0, k.Run(new Test(), "test", "-r", "/mine", "-a", "-w", "/mine", "-a", "-x", "/mine", "-a", "-O", "/mine", "-a", "-G", "/mine").ExitCode);
        Assert.Equal(0, k.Run(new Test(), "test", "-r", "/theirs", "-a", "!", "-w", "/theirs", "-a", "!", "-x", "/theirs", "-a", "!", "-O", "/theirs").ExitCode);
        Assert.Equal(1, k.Run(new Test(), "test", "-r", "/nosuch").ExitCode);
        k.Uid = k.Gid = 0;
        Assert.Equal(0, k.Run(new Test(), "test", "-r", "/locked", "-a", "-w", "/locked", "-a", "-O", "/theirs").ExitCode);
        Assert.Equal(1, k.Run(new Test(), "test", "-x", "/locked").ExitCode); // root needs some x bit
    }

    [Fact]
    public void Env_prints_the_environment_as_changed()
    {
        var k = Machine("");
        k.Environment = ImmutableDictionary<string, string>.Empty.Add("B", "2").Add("A", "1");
        Assert.Equal("A=1\nB=2\n", k.Run(new Env(), "env").Stdout);
        Assert.Equal("B=2\0C=3\0", k.Run(new Env(), "env", "-u", "A", "-0", "C=3").Stdout);
        Assert.Equal("X=y\n", k.Run(new Env(), "env", "-i", "X=y").Stdout);
    }

    [Theory]
    [InlineData(new[] { "-i", "X=y" }, "X=y\n")]
    [InlineData(new[] { "-i" }, "")]
    [InlineData(new[] { "A=3", "C=4" }, "A=3\nB=2\nC=4\n")]
    [InlineData(new[] { "-u", "A" }, "B=2\n")]
    [InlineData(new[] { "-", "Z=1" }, "Z=1\n")]
    public void Env_runs_a_program_in_the_changed_environment_through_execs_envp(string[] args, string expected)
    {
        var k = Machine("");
        k.Environment = ImmutableDictionary<string, string>.Empty.Add("B", "2").Add("A", "1");
        k.AddProgram("/bin/env", () => new Env());
        var r = k.Run(new Env(), ["env", .. args, "env"]);
        Assert.Equal((0, "", expected), (r.ExitCode, r.Stderr, r.Stdout));
        var exec = Assert.Single(k.Calls.Select(c => c.Call).OfType<Ssi.Vproc.Programs.Exec>());
        Assert.NotNull(exec.Environment);
    }

    [Fact]
    public void Env_runs_a_program_in_the_same_environment()
    {
        var k = Machine("");
        k.AddProgram("/bin/echo", () => new Echo());
        var r = k.Run(new Env(), "env", "echo", "hi");
        Assert.Equal("hi\n", r.Stdout);
        Assert.Equal(0, r.ExitCode);
        var missing = k.Run(new Env(), "env", "nosuch");
        Assert.Equal(127, missing.ExitCode);
        Assert.Equal("env: 'nosuch': No such file or directory\n", missing.Stderr);
    }

    [Fact]
    public void Uniq_writes_its_output_file()
    {
        var k = Machine("");
        k.AddFile("/in", "a\na\nb\n");
        Assert.Equal(0, k.Run(new Uniq(), "uniq", "-c", "/in", "/out").ExitCode);
        Assert.Equal("      2 a\n      1 b\n", k.ReadFile("/out"));
    }

    [Fact]
    public void Seq_writes_long_runs_in_pieces()
    {
        var r = Run("seq", ["100000"]);
        Assert.Equal(string.Concat(Enumerable.Range(1, 100000).Select(i => $"{i}\n")), r.Stdout);
    }
}
