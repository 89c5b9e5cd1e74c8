// sort's keys, orderings, checks and output on the real process core (ProgramMachine), as GNU sort orders in LC_ALL=C.
using System.Text;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class SortTests(ProgramCluster cluster)
{
    private ProgramMachine Kernel(string stdin = "")
    {
        var k = new ProgramMachine(cluster) { Stdin = Encoding.UTF8.GetBytes(stdin) };
        k.AddFile("/pairs", "b 2\na 10\nc 1\nB 2\n");
        return k;
    }

    [Theory]
    [InlineData(new[] { "-k2n", "/pairs" }, "c 1\nB 2\nb 2\na 10\n")]
    [InlineData(new[] { "-k2,2n", "-k1,1r", "/pairs" }, "c 1\nb 2\nB 2\na 10\n")]
    [InlineData(new[] { "--key=2n", "--reverse", "/pairs" }, "c 1\nb 2\nB 2\na 10\n")]
    [InlineData(new[] { "-k2,2n", "-s", "/pairs" }, "c 1\nb 2\nB 2\na 10\n")]
    [InlineData(new[] { "-u", "-k2,2n", "/pairs" }, "c 1\nb 2\na 10\n")]
    [InlineData(new[] { "-f", "/pairs" }, "a 10\nB 2\nb 2\nc 1\n")]
    public void Sort_orders_by_keys_with_their_own_or_the_global_options(string[] args, string expected)
    {
        var r = Kernel().Run(new Sort(), ["sort", .. args]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(expected, r.Stdout);
    }

    [Theory]
    [InlineData(new[] { "-t:", "-k2" }, "x:b\ny:a\nz:c\n", "y:a\nx:b\nz:c\n")]
    [InlineData(new[] { "-t.", "-k1,1", "-k2n,2n" }, "a.2.x\nb.10.y\na.1.z\n", "a.1.z\na.2.x\nb.10.y\n")]
    [InlineData(new[] { "-k1.2" }, "ab\nb\n", "b\nab\n")]
    [InlineData(new[] { "-k3r" }, "a b c\nd e\ng h i\n", "g h i\na b c\nd e\n")]
    [InlineData(new[] { "-b" }, "  b\n a\nc\n", " a\n  b\nc\n")]
    [InlineData(new[] { "-n" }, "10\n9\n-1\n-0\n0\n.5\n", "-1\n-0\n0\n.5\n9\n10\n")]
    [InlineData(new[] { "-h" }, "1K\n2M\n500\n-1G\n0.5K\n", "-1G\n500\n0.5K\n1K\n2M\n")]
    [InlineData(new[] { "-k2M" }, "x Mar\ny jan\nz DEC\nw foo\n", "w foo\ny jan\nx Mar\nz DEC\n")]
    [InlineData(new[] { "-g" }, "1e3\n-inf\nnan\nabc\n2.5\n", "abc\nnan\n-inf\n2.5\n1e3\n")]
    [InlineData(new[] { "-z" }, "b\0a\0", "a\0b\0")]
    public void Sort_splits_fields_and_reads_numbers_as_gnu_sort(string[] args, string input, string expected)
    {
        var r = Kernel(input).Run(new Sort(), ["sort", .. args]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(expected, r.Stdout);
    }

    [Fact]
    public void Sort_c_reports_the_first_disorder_with_status_1_and_C_only_the_status()
    {
        var c = Kernel("a\nc\nb\n").Run(new Sort(), "sort", "-c");
        Assert.Equal((1, "sort: -:3: disorder: b\n"), (c.ExitCode, c.Stderr));
        var quiet = Kernel("a\nc\nb\n").Run(new Sort(), "sort", "--check=quiet");
        Assert.Equal((1, ""), (quiet.ExitCode, quiet.Stderr));
        Assert.Equal(1, Kernel("a\nb\nb\n").Run(new Sort(), "sort", "-cu").ExitCode);
        Assert.Equal(0, Kernel("a\nb\nb\n").Run(new Sort(), "sort", "-c").ExitCode);
    }

    [Fact]
    public void Sort_o_may_overwrite_its_own_input()
    {
        var k = Kernel();
        var r = k.Run(new Sort(), "sort", "/pairs", "-o", "/pairs");
        Assert.Equal((0, ""), (r.ExitCode, r.Stdout));
        Assert.Equal("B 2\na 10\nb 2\nc 1\n", k.ReadFile("/pairs"));
    }

    [Theory]
    [InlineData(new[] { "-k0" }, "sort: field number is zero: invalid field specification '0'\n")]
    [InlineData(new[] { "-k1.1x" }, "sort: stray character in field spec: invalid field specification '1.1x'\n")]
    [InlineData(new[] { "-t", "ab" }, "sort: multi-character tab 'ab'\n")]
    [InlineData(new[] { "--oops" }, "sort: unrecognized option '--oops'\nTry 'sort --help' for more information.\n")]
    public void Sort_refuses_a_bad_line_with_status_2(string[] args, string complaint)
    {
        var r = Kernel().Run(new Sort(), ["sort", .. args]);
        Assert.Equal((2, complaint), (r.ExitCode, r.Stderr));
    }

    /// <summary>Lines of numbers in a seeded order, with repeats, as one text.</summary>
    private static string Shuffled(int count)
    {
        var random = new Random(7);
        return string.Concat(Enumerable.Range(0, count).Select(_ => $"{random.Next(count / 3)} k{random.Next(50)}\n"));
    }

    [Theory]
    [InlineData("-S 1K")]
    [InlineData("-S 2K -u")]
    [InlineData("-S 1K -k1,1n -s")]
    [InlineData("-S 3K -r -k2")]
    public void Sort_past_its_buffer_merges_runs_from_temporary_files_and_removes_them(string options)
    {
        var args = options.Split(' ');
        // 3,000 lines in 1 KiB runs: about 130 runs, so the merge goes in passes of 16.
        var input = Shuffled(3000);
        var inMemory = Kernel(input).Run(new Sort(), ["sort", .. args[2..]]);
        var k = Kernel(input);
        k.AddDirectory("/spill", 0x1FF);
        var spilled = k.Run(new Sort(), ["sort", "-T", "/spill", .. args]);
        Assert.Equal((0, ""), (spilled.ExitCode, spilled.Stderr));
        Assert.Equal(inMemory.Stdout, spilled.Stdout);
        Assert.Contains(k.Calls, c => c.Call is Ssi.Vproc.Programs.Unlink u && u.Path.StartsWith("/spill/sort", StringComparison.Ordinal));
        Assert.Empty(k.List("/spill")!);
    }

    [Fact]
    public void Sort_with_a_file_of_its_own_output_and_a_small_buffer_still_reads_all_first()
    {
        var k = Kernel();
        k.AddDirectory("/tmp", 0x1FF);
        k.AddFile("/data", Shuffled(500));
        var r = k.Run(new Sort(), "sort", "-S", "1K", "-o", "/data", "/data");
        Assert.Equal(0, r.ExitCode);
        var expected = Kernel(Shuffled(500)).Run(new Sort(), "sort").Stdout;
        Assert.Equal(expected, k.ReadFile("/data"));
    }

    [Theory]
    [InlineData(new[] { "-S", "1K", "-T", "/nowhere" }, "sort: cannot create temporary file in '/nowhere': No such file or directory\n")]
    [InlineData(new[] { "-S", "12Q" }, "sort: invalid -S argument '12Q'\n")]
    [InlineData(new[] { "--buffer-size=" }, "sort: invalid -S argument ''\n")]
    public void Sort_refuses_a_bad_buffer_or_temporary_directory_with_status_2(string[] args, string message)
    {
        var r = Kernel(Shuffled(400)).Run(new Sort(), ["sort", .. args]);
        Assert.Equal((2, message), (r.ExitCode, r.Stderr));
    }
}
