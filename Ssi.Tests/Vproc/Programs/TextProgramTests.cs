// yes, wc, head, tail, sort, tee on the real process core and file system (ProgramMachine): their output and exit codes as coreutils give them.
using System.Text;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class TextProgramTests(ProgramCluster cluster)
{
    private ProgramMachine Kernel(string stdin = "")
    {
        var k = new ProgramMachine(cluster) { Stdin = Encoding.UTF8.GetBytes(stdin) };
        k.AddFile("/a.txt", "one two\nthree\n");
        k.AddFile("/b.txt", "x\n");
        k.AddFile("/fruit", "apple\nbanana\ncherry\n");
        k.AddFile("/twelve", string.Concat(Enumerable.Range(1, 12).Select(i => $"{i}\n")));
        return k;
    }

    [Fact]
    public void Yes_writes_batches_until_a_write_fails_then_exits_1()
    {
        var k = Kernel();
        k.StdoutLimit = 20_000;
        var r = k.Run(new Yes(), "yes");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(16_384, r.StdoutBytes.Length); // two 8 KiB batches fit, the third fails
        Assert.Equal(string.Concat(Enumerable.Repeat("y\n", 8192)), r.Stdout);
        Assert.Equal("yes: standard output: Broken pipe\n", r.Stderr);
    }

    [Fact]
    public void Yes_repeats_its_arguments_joined_by_spaces()
    {
        var k = Kernel();
        k.StdoutLimit = 9000;
        var r = k.Run(new Yes(), "yes", "a", "b");
        Assert.StartsWith("a b\na b\n", r.Stdout);
        Assert.All(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Equal("a b", l));
    }

    [Fact]
    public void Wc_counts_lines_words_and_bytes_like_coreutils()
    {
        var r = Kernel().Run(new Wc(), "wc", "/a.txt", "/b.txt");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(" 2  3 14 /a.txt\n 1  1  2 /b.txt\n 3  4 16 total\n", r.Stdout);
    }

    [Fact]
    public void Wc_pads_to_7_for_a_pipe_and_not_at_all_for_a_single_count()
    {
        Assert.Equal("2 /a.txt\n", Kernel().Run(new Wc(), "wc", "-l", "/a.txt").Stdout);
        Assert.Equal("      2       3       8\n", Kernel("a b\nc\n  ").Run(new Wc(), "wc").Stdout);
    }

    [Fact]
    public void Wc_reports_a_missing_file_counts_the_rest_and_exits_1()
    {
        var r = Kernel().Run(new Wc(), "wc", "-lw", "/nosuch", "/a.txt");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("wc: /nosuch: No such file or directory\n", r.Stderr);
        Assert.Equal("2 3 /a.txt\n2 3 total\n", r.Stdout);
    }

    [Theory]
    [InlineData(new[] { "/twelve" }, "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n")]
    [InlineData(new[] { "-n", "3", "/twelve" }, "1\n2\n3\n")]
    [InlineData(new[] { "-n2", "/twelve" }, "1\n2\n")]
    [InlineData(new[] { "-1", "/twelve" }, "1\n")]
    [InlineData(new[] { "-n", "-10", "/twelve" }, "1\n2\n")]
    [InlineData(new[] { "-n", "1", "/b.txt", "/fruit" }, "==> /b.txt <==\nx\n\n==> /fruit <==\napple\n")]
    public void Head_prints_the_first_lines(string[] args, string expected)
    {
        var r = Kernel().Run(new Head(), ["head", .. args]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(expected, r.Stdout);
    }

    [Fact]
    public void Head_stops_reading_a_terminal_after_the_lines_it_needs()
    {
        var k = Kernel("a\nb\nc\n");
        k.StdinIsTerminal = true;
        var r = k.Run(new Head(), "head", "-n", "1");
        Assert.Equal("a\n", r.Stdout);
        Assert.Equal(2, k.StdinConsumed);
    }

    [Fact]
    public void Head_rejects_a_bad_count_and_reports_a_missing_file_with_exit_1()
    {
        var bad = Kernel().Run(new Head(), "head", "-n", "x", "/fruit");
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("head: invalid number of lines: 'x'\n", bad.Stderr);
        var missing = Kernel().Run(new Head(), "head", "/nosuch", "/b.txt");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("head: cannot open '/nosuch' for reading: No such file or directory\n", missing.Stderr);
        Assert.Equal("==> /b.txt <==\nx\n", missing.Stdout);
    }

    [Theory]
    [InlineData(new[] { "-n", "2", "/twelve" }, "11\n12\n")]
    [InlineData(new[] { "-n", "+11", "/twelve" }, "11\n12\n")]
    [InlineData(new[] { "-3", "/twelve" }, "10\n11\n12\n")]
    [InlineData(new[] { "-n1", "/a.txt", "/b.txt" }, "==> /a.txt <==\nthree\n\n==> /b.txt <==\nx\n")]
    public void Tail_prints_the_last_lines(string[] args, string expected)
    {
        var r = Kernel().Run(new Tail(), ["tail", .. args]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(expected, r.Stdout);
    }

    [Fact]
    public void Tail_keeps_a_last_line_without_newline_and_reads_stdin()
    {
        Assert.Equal("b\nc", Kernel("a\nb\nc").Run(new Tail(), "tail", "-n", "2").Stdout);
    }

    [Theory]
    [InlineData(new string[0], "b\na\nB\n10\n9\n", "10\n9\nB\na\nb\n")]
    [InlineData(new[] { "-r" }, "b\na\nB\n", "b\na\nB\n")]
    [InlineData(new[] { "-n" }, "10\n9\n-2\nx\n", "-2\nx\n9\n10\n")]
    [InlineData(new[] { "-u" }, "b\na\nb\n", "a\nb\n")]
    [InlineData(new[] { "-nu" }, "1\n01\n2\n", "1\n2\n")]
    [InlineData(new[] { "-f" }, "b\nA\na\n", "A\na\nb\n")]
    public void Sort_orders_lines_bytewise_like_LC_ALL_C(string[] args, string input, string expected)
    {
        var r = Kernel(input).Run(new Sort(), ["sort", .. args]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(expected, r.Stdout);
    }

    [Fact]
    public void Sort_merges_files_and_exits_2_for_a_missing_one()
    {
        Assert.Equal("apple\nbanana\ncherry\nx\n", Kernel().Run(new Sort(), "sort", "/b.txt", "/fruit").Stdout);
        var r = Kernel().Run(new Sort(), "sort", "/nosuch");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("sort: cannot read: /nosuch: No such file or directory\n", r.Stderr);
    }

    [Fact]
    public void Tee_copies_stdin_to_stdout_and_files_appending_with_a()
    {
        var k = Kernel("hi\n");
        k.AddFile("/log", "old\n");
        var r = k.Run(new Tee(), "tee", "/new", "-a", "/log");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("hi\n", r.Stdout);
        Assert.Equal("hi\n", k.ReadFile("/new"));
        Assert.Equal("old\nhi\n", k.ReadFile("/log"));
    }

    [Fact]
    public void Tee_reports_a_file_it_cannot_open_and_exits_1()
    {
        var r = Kernel("hi\n").Run(new Tee(), "tee", "/nodir/x");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("hi\n", r.Stdout);
        Assert.Equal("tee: /nodir/x: No such file or directory\n", r.Stderr);
    }

    [Fact]
    public void Tee_takes_its_long_options_and_refuses_an_unknown_one_with_status_1()
    {
        var k = Kernel("hi\n");
        k.AddFile("/log", "old\n");
        Assert.Equal(0, k.Run(new Tee(), "tee", "--append", "/log").ExitCode);
        Assert.Equal("old\nhi\n", k.ReadFile("/log"));
        var r = Kernel().Run(new Tee(), "tee", "--oops");
        Assert.Equal((1, "tee: unrecognized option '--oops'\nTry 'tee --help' for more information.\n"), (r.ExitCode, r.Stderr));
    }
}
