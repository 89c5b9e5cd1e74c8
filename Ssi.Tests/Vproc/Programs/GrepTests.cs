// grep on the real process core and file system (ProgramMachine): its selection, output options, recursion and exit codes as GNU grep gives them.
using System.Text;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class GrepTests(ProgramCluster cluster)
{
    private ProgramMachine Kernel(string stdin = "")
    {
        var k = new ProgramMachine(cluster) { Stdin = Encoding.UTF8.GetBytes(stdin) };
        k.AddFile("/fruit", "apple\nbanana\ncherry\n");
        return k;
    }

    private RunResult Grep(string stdin, params string[] args) => Kernel(stdin).Run(new Grep(), ["grep", .. args]);

    [Fact]
    public void Grep_prints_matching_lines_and_exits_0()
    {
        var r = Kernel().Run(new Grep(), "grep", "an", "/fruit");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("banana\n", r.Stdout);
    }

    [Fact]
    public void Grep_exits_1_when_nothing_matches()
    {
        var r = Kernel().Run(new Grep(), "grep", "zzz", "/fruit");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void Grep_exits_2_for_a_missing_file_even_when_another_matches()
    {
        var r = Kernel().Run(new Grep(), "grep", "apple", "/nosuch", "/fruit");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("grep: /nosuch: No such file or directory\n", r.Stderr);
        Assert.Equal("/fruit:apple\n", r.Stdout);
        Assert.Equal(0, Kernel().Run(new Grep(), "grep", "-q", "apple", "/nosuch", "/fruit").ExitCode);
    }

    [Theory]
    [InlineData(new[] { "-v", "-n", "an" }, "1:apple\n3:cherry\n")]
    [InlineData(new[] { "-c", "a" }, "2\n")]
    [InlineData(new[] { "-i", "APPLE" }, "apple\n")]
    [InlineData(new[] { "\\(an\\)\\{2\\}" }, "banana\n")]
    [InlineData(new[] { "a(n)+" }, "")]
    [InlineData(new[] { "-E", "^(ch|ap)" }, "apple\ncherry\n")]
    [InlineData(new[] { "-x", "banan" }, "")]
    [InlineData(new[] { "^[[:alpha:]]*rr" }, "cherry\n")]
    [InlineData(new[] { "-e", "apple", "-e", "cherry" }, "apple\ncherry\n")]
    public void Grep_options_select_and_format_lines(string[] args, string expected)
    {
        var r = Kernel().Run(new Grep(), ["grep", .. args, "/fruit"]);
        Assert.Equal(expected, r.Stdout);
        Assert.Equal(expected.Length > 0 ? 0 : 1, r.ExitCode);
    }

    [Fact]
    public void Grep_F_takes_the_pattern_literally_and_names_files_when_several()
    {
        var k = Kernel();
        k.AddFile("/dots", "a.b\nab\n");
        var r = k.Run(new Grep(), "grep", "-F", "a.", "/dots", "/fruit");
        Assert.Equal("/dots:a.b\n", r.Stdout);
    }

    [Fact]
    public void Grep_rejects_a_bad_pattern_with_exit_2()
    {
        var r = Kernel().Run(new Grep(), "grep", "-E", "(", "/fruit");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("grep: ", r.Stderr);
        Assert.Equal(2, Kernel().Run(new Grep(), "grep").ExitCode);
        Assert.Equal((2, "grep: Invalid back reference\n"), (Grep("", "\\(a\\)\\2").ExitCode, Grep("", "\\(a\\)\\2").Stderr));
    }

    [Fact]
    public void Grep_refuses_a_bad_line_as_gnu_grep_with_its_usage_line_and_takes_long_options()
    {
        var bad = Kernel().Run(new Grep(), "grep", "-k", "a", "/fruit");
        Assert.Equal((2, "grep: invalid option -- 'k'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n"), (bad.ExitCode, bad.Stderr));
        var none = Kernel().Run(new Grep(), "grep");
        Assert.Equal((2, "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n"), (none.ExitCode, none.Stderr));
        Assert.Equal("2\n", Kernel().Run(new Grep(), "grep", "--count", "--regexp=an", "-e", "ch", "/fruit").Stdout);
    }

    [Theory]
    [InlineData("a^b\nb^a\n", new[] { "a^" }, "a^b\n")]
    [InlineData("a$b\nb$a\n", new[] { "$b" }, "a$b\n")]
    [InlineData("ab\nb\n", new[] { "\\(^b\\)" }, "b\n")]
    [InlineData("a^b\nab\n", new[] { "-E", "a^b" }, "")]
    [InlineData("*a\nb\n", new[] { "*a" }, "*a\n")]
    [InlineData("a{1\n", new[] { "-E", "a{1" }, "a{1\n")]
    [InlineData("ab\nabb\n", new[] { "ab\\{,1\\}$" }, "ab\n")]
    public void Grep_reads_anchors_and_braces_where_GNU_takes_them_literally(string input, string[] args, string expected)
    {
        Assert.Equal(expected, Grep(input, args).Stdout);
    }

    [Fact]
    public void Grep_warns_as_GNU_of_an_ERE_repetition_with_nothing_to_repeat_and_refuses_an_unknown_class()
    {
        var star = Grep("*a\nb\n", "-E", "*a");
        Assert.Equal(("*a\n", "grep: warning: * at start of expression\n"), (star.Stdout, star.Stderr));
        var braces = Grep("a\n", "-E", "{1}a");
        Assert.Equal(("a\n", "grep: warning: {...} at start of expression\n"), (braces.Stdout, braces.Stderr));
        var bad = Grep("a\n", "[[:foo:]]");
        Assert.Equal((2, "grep: Invalid character class name\n"), (bad.ExitCode, bad.Stderr));
    }

    [Fact]
    public void Grep_P_takes_one_Perl_like_pattern_and_refuses_conflicting_matchers()
    {
        Assert.Equal("1\n22\n", Grep("a1 b22\n", "-oP", @"\d+").Stdout);
        Assert.Equal("b\n", Grep("ab\n", "-oP", "(?<=a)b").Stdout);
        var two = Grep("ab\n", "-P", "-e", "a", "-e", "b");
        Assert.Equal((2, "grep: the -P option only supports a single pattern\n"), (two.ExitCode, two.Stderr));
        var conflict = Grep("ab\n", "-E", "-F", "a");
        Assert.Equal((2, "grep: conflicting matchers specified\n"), (conflict.ExitCode, conflict.Stderr));
        Assert.Equal("ab\n", Grep("ab\n", "-E", "-E", "a|x").Stdout);
    }

    [Theory]
    [InlineData("mississippi\n", new[] { "-o", "-e", "iss", "-e", "ipp" }, "iss\niss\nipp\n")]
    [InlineData("ab\n", new[] { "-o", "-e", "a", "-e", "ab" }, "ab\n")]
    [InlineData("abc\nbcc\n", new[] { "-e", "a\\(b\\)", "-e", "b\\(c\\)\\1" }, "abc\nbcc\n")]
    [InlineData("aaa\n", new[] { "-o", "^a" }, "a\n")]
    [InlineData("abb\n", new[] { "-o", "b*" }, "bb\n")]
    [InlineData("one two\n", new[] { "-ob", "two" }, "4:two\n")]
    [InlineData("x\nhé wo\n", new[] { "-bo", "wo" }, "6:wo\n")]
    [InlineData("x\nab\n", new[] { "-nb", "a" }, "2:2:ab\n")]
    [InlineData("xx x\n", new[] { "-wo", "\\(x\\)\\1" }, "xx\n")]
    [InlineData("abc\n", new[] { "-o", "" }, "")]
    [InlineData("baaac\n", new[] { "-oE", "a*?" }, "aaa\n")]
    [InlineData("baaac\n", new[] { "-o", "a**" }, "aaa\n")]
    [InlineData("baaac\n", new[] { "-oE", "a+*c" }, "aaac\n")]
    [InlineData("abab\n", new[] { "-oE", "(ab){1}{2}" }, "abab\n")]
    [InlineData("ab\n", new[] { "-o", "a\\(b\\)*\\{1\\}" }, "ab\n")]
    public void Grep_o_prints_each_leftmost_longest_match_and_b_its_byte_offset_and_repeats_repetitions_greedily(string input, string[] args, string expected)
    {
        Assert.Equal(expected, Grep(input, args).Stdout);
    }

    [Theory]
    [InlineData(new[] { "-A", "1", "a" }, "a1\nb\n--\na2\ne\n")]
    [InlineData(new[] { "-B1", "c" }, "b\nc\n")]
    [InlineData(new[] { "-nC1", "-e", "a1", "-e", "c" }, "1:a1\n2-b\n3:c\n4-d\n")]
    [InlineData(new[] { "-oA1", "a" }, "a\n--\na\n")]
    [InlineData(new[] { "--group-separator=XX", "-A0", "a" }, "a1\nXX\na2\n")]
    [InlineData(new[] { "--no-group-separator", "-A0", "a" }, "a1\na2\n")]
    [InlineData(new[] { "-nbB1", "c" }, "2-3-b\n3:5:c\n")]
    [InlineData(new[] { "-m1", "-A2", "a" }, "a1\nb\nc\n")]
    [InlineData(new[] { "-m2", "-c", "[a-z]" }, "2\n")]
    [InlineData(new[] { "-vm1", "a" }, "b\n")]
    [InlineData(new[] { "-1", "c" }, "b\nc\nd\n")]
    [InlineData(new[] { "-n1", "-A0", "c" }, "2-b\n3:c\n")]
    public void Grep_prints_context_and_stops_after_m_selected_lines(string[] args, string expected)
    {
        Assert.Equal(expected, Grep("a1\nb\nc\nd\na2\ne\n", args).Stdout);
    }

    [Fact]
    public void Grep_separates_groups_of_context_across_files_and_stops_at_m_0_at_once()
    {
        var k = Kernel();
        k.AddFile("/two", "apple\n");
        Assert.Equal("/fruit:apple\n/fruit-banana\n--\n/two:apple\n", k.Run(new Grep(), "grep", "-A1", "apple", "/fruit", "/two").Stdout);
        var none = k.Run(new Grep(), "grep", "-m", "0", "apple", "/fruit");
        Assert.Equal((1, ""), (none.ExitCode, none.Stdout));
        var bad = k.Run(new Grep(), "grep", "-A", "x", "apple", "/fruit");
        Assert.Equal((2, "grep: x: invalid context length argument\n"), (bad.ExitCode, bad.Stderr));
    }

    [Fact]
    public void Grep_f_takes_each_line_of_a_file_as_a_pattern_and_an_empty_file_matches_nothing()
    {
        var k = Kernel("pp\n");
        k.AddFile("/pats", "^ch\nna$\n");
        k.AddFile("/empty", "");
        k.AddFile("/blank", "\n");
        Assert.Equal("banana\ncherry\n", k.Run(new Grep(), "grep", "-f", "/pats", "/fruit").Stdout);
        var none = k.Run(new Grep(), "grep", "-f", "/empty", "/fruit");
        Assert.Equal((1, ""), (none.ExitCode, none.Stdout));
        Assert.Equal("3\n", k.Run(new Grep(), "grep", "-vc", "-f", "/empty", "/fruit").Stdout);
        Assert.Equal("3\n", k.Run(new Grep(), "grep", "-c", "-f", "/blank", "/fruit").Stdout);
        Assert.Equal("apple\ncherry\n", k.Run(new Grep(), "grep", "-f", "-", "-e", "rr", "/fruit").Stdout);
        var missing = k.Run(new Grep(), "grep", "-f", "/nosuch", "/fruit");
        Assert.Equal((2, "grep: /nosuch: No such file or directory\n"), (missing.ExitCode, missing.Stderr));
    }

    [Fact]
    public void Grep_z_reads_and_writes_NUL_ended_records_and_Z_ends_file_names_with_NUL()
    {
        Assert.Equal("one\ntwo\n\0", Grep("one\ntwo\n", "-ze", "x\n").Stdout);
        Assert.Equal("i\0t\0", Grep("hi\nthere", "-zo", "-e", "i", "-e", "t").Stdout);
        Assert.Equal("", Grep("a\nb\0", "-z", "^b").Stdout);
        Assert.Equal("a\nb\0", Grep("a\nb\0", "-z", "a.b").Stdout);
        var k = Kernel();
        k.AddFile("/two", "apple\n");
        Assert.Equal("/fruit\0/two\0", k.Run(new Grep(), "grep", "-lZ", "apple", "/fruit", "/two").Stdout);
        Assert.Equal("/fruit\u00002\n/two\u00001\n", k.Run(new Grep(), "grep", "-cZ", "a", "/fruit", "/two").Stdout);
    }

    [Fact]
    public void Grep_L_lists_files_without_a_selected_line_and_exits_as_GNU_by_the_lines_selected()
    {
        var k = Kernel();
        k.AddFile("/other", "kiwi\n");
        var r = k.Run(new Grep(), "grep", "-L", "apple", "/fruit", "/other");
        Assert.Equal((0, "/other\n"), (r.ExitCode, r.Stdout));
        var listed = k.Run(new Grep(), "grep", "-L", "apple", "/other");
        Assert.Equal((1, "/other\n"), (listed.ExitCode, listed.Stdout));
        Assert.Equal("/fruit\n", k.Run(new Grep(), "grep", "-Lcl", "apple", "/fruit", "/other").Stdout);
        Assert.Equal("in\n", k.Run(new Grep(), "grep", "--label=in", "-L", "apple", "-").Stdout);
        Assert.Equal("/other\n", k.Run(new Grep(), "grep", "-lL", "apple", "/fruit", "/other").Stdout);
    }

    [Fact]
    public void Grep_r_walks_directories_in_name_order_and_follows_only_operand_symlinks_R_all()
    {
        var k = Kernel();
        k.AddFile("/t/b/f", "hi\n");
        k.AddFile("/t/a", "hi\n");
        k.AddFile("/t/c/g.txt", "hi there\n");
        k.AddFile("/elsewhere/h", "hi\n");
        k.AddSymlink("/t/link", "../elsewhere");
        k.AddSymlink("/tl", "t");
        Assert.Equal("/t/a:hi\n/t/b/f:hi\n/t/c/g.txt:hi there\n", k.Run(new Grep(), "grep", "-r", "hi", "/t").Stdout);
        Assert.Equal("/tl/a:hi\n/tl/b/f:hi\n/tl/c/g.txt:hi there\n", k.Run(new Grep(), "grep", "-r", "hi", "/tl").Stdout);
        Assert.Equal("/t/a:hi\n/t/b/f:hi\n/t/c/g.txt:hi there\n/t/link/h:hi\n", k.Run(new Grep(), "grep", "-R", "hi", "/t").Stdout);
        Assert.Equal("hi\n", k.Run(new Grep(), "grep", "-r", "hi", "/t/a").Stdout);
        k.Cwd = "/t";
        Assert.Equal("a:hi\nb/f:hi\nc/g.txt:hi there\n", k.Run(new Grep(), "grep", "-r", "hi").Stdout);
    }

    [Fact]
    public void Grep_r_skips_what_exclude_dir_exclude_and_include_name()
    {
        var k = Kernel();
        k.AddFile("/t/no/f", "hi\n");
        k.AddFile("/t/yes/f", "hi\n");
        k.AddFile("/t/yes/g.txt", "hi\n");
        Assert.Equal("/t/yes/f:hi\n/t/yes/g.txt:hi\n", k.Run(new Grep(), "grep", "--exclude-dir=n?", "-r", "hi", "/t").Stdout);
        Assert.Equal("/t/no/f:hi\n/t/yes/f:hi\n", k.Run(new Grep(), "grep", "--exclude=*.txt", "-r", "hi", "/t").Stdout);
        Assert.Equal("/t/yes/g.txt:hi\n", k.Run(new Grep(), "grep", "--include=*.txt", "-r", "hi", "/t").Stdout);
        Assert.Equal("", k.Run(new Grep(), "grep", "--exclude-dir=t", "-r", "hi", "/t").Stdout);
    }

    [Fact]
    public void Grep_reports_a_directory_without_r_and_a_dangling_symlink_with_R()
    {
        var k = Kernel();
        k.AddFile("/t/f", "hi\n");
        k.AddSymlink("/t/bad", "nope");
        var dir = k.Run(new Grep(), "grep", "hi", "/t");
        Assert.Equal((2, "grep: /t: Is a directory\n"), (dir.ExitCode, dir.Stderr));
        var dangling = k.Run(new Grep(), "grep", "-R", "hi", "/t");
        Assert.Equal((2, "/t/f:hi\n", "grep: /t/bad: No such file or directory\n"), (dangling.ExitCode, dangling.Stdout, dangling.Stderr));
        Assert.Equal((0, ""), (k.Run(new Grep(), "grep", "-r", "hi", "/t").ExitCode, k.Run(new Grep(), "grep", "-r", "hi", "/t").Stderr));
    }

    [Fact]
    public void Grep_R_reports_a_directory_loop_and_goes_on()
    {
        var k = Kernel();
        k.AddFile("/t/f", "hi\n");
        k.AddSymlink("/t/up", ".");
        var r = k.Run(new Grep(), "grep", "-R", "hi", "/t");
        Assert.Equal((0, "/t/f:hi\n", "grep: /t/up: warning: recursive directory loop\n"), (r.ExitCode, r.Stdout, r.Stderr));
    }

    [Fact]
    public void Grep_reports_a_selected_line_of_a_binary_file_instead_of_printing_it()
    {
        var r = Grep("x\0hi\nhi\n", "hi");
        Assert.Equal((0, "", "grep: (standard input): binary file matches\n"), (r.ExitCode, r.Stdout, r.Stderr));
        Assert.Equal("3\n", Grep("hi\0hi\nhi\n", "-c", "hi").Stdout);
        Assert.Equal("x\0hi\n", Grep("x\0hi\n", "-a", "hi").Stdout);
    }
}
