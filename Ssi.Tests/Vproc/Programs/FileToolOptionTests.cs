// ls, cp, mv, rm and mkdir beyond the corpus: GNU's long options and clustered flags, link targets, -R order, -p modes, -i answers.
using System.Text;
using Ssi.Cfs.Inodes;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class FileToolOptionTests(ProgramCluster cluster)
{
    private static readonly DateTimeOffset Old = new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Ls_R_walks_each_directory_before_the_next_sibling_in_name_order()
    {
        var k = new ProgramMachine(cluster) { Cwd = "/w" };
        k.AddFile("/w/a/b/c/f", "");
        k.AddFile("/w/d/g", "");
        k.AddFile("/w/e", "");
        var r = k.Run(new Ls(), "ls", "-R");
        Assert.Equal(".:\na\nd\ne\n\n./a:\nb\n\n./a/b:\nc\n\n./a/b/c:\nf\n\n./d:\ng\n", r.Stdout);
    }

    [Fact]
    public void Ls_l_shows_where_a_link_in_a_directory_points()
    {
        var k = new ProgramMachine(cluster);
        k.AddFile("/d/target", "x");
        k.AddSymlink("/d/link", "target");
        var r = k.Run(new Ls(), "ls", "-l", "/d");
        Assert.Contains(" link -> target\n", r.Stdout);
        Assert.StartsWith("l", r.Stdout.Split('\n')[1]);
    }

    [Fact]
    public void Ls_rejects_a_bad_width_and_an_unknown_option_with_exit_2()
    {
        var k = new ProgramMachine(cluster);
        Assert.Equal((2, "ls: invalid line width: 'x'\n"), (k.Run(new Ls(), "ls", "-w", "x").ExitCode, k.Run(new Ls(), "ls", "--width=x").Stderr));
        var r = k.Run(new Ls(), "ls", "--bogus");
        Assert.Equal((2, "ls: unrecognized option '--bogus'\nTry 'ls --help' for more information.\n"), (r.ExitCode, r.Stderr));
    }

    [Fact]
    public void Ls_m_breaks_the_line_before_a_name_that_would_reach_the_width()
    {
        var k = new ProgramMachine(cluster) { Cwd = "/m" };
        foreach (var name in new[] { "aaa", "bbb", "ccc", "ddd" }) k.AddFile("/m/" + name, "");
        Assert.Equal("aaa, bbb,\nccc, ddd\n", k.Run(new Ls(), "ls", "-m", "--width=12").Stdout);
    }

    [Fact]
    public void Cp_p_keeps_the_mode_the_umask_would_take_away()
    {
        var k = new ProgramMachine(cluster) { Cwd = "/c" };
        k.AddFile("/c/open", "x", mode: 0x1FF);
        Assert.Equal(0, k.Run(new Cp(), "cp", "open", "plain").ExitCode);
        Assert.Equal(0, k.Run(new Cp(), "cp", "--preserve=mode", "open", "kept").ExitCode);
        Assert.Equal((0x1ED, 0x1FF), (k.Find("/c/plain")!.Mode, k.Find("/c/kept")!.Mode));
    }

    [Fact]
    public void Cp_R_copies_a_link_as_a_link_and_without_R_copies_what_it_points_to()
    {
        var k = new ProgramMachine(cluster) { Cwd = "/c" };
        k.AddFile("/c/src/file", "data");
        k.AddSymlink("/c/src/link", "file");
        Assert.Equal(0, k.Run(new Cp(), "cp", "-R", "src", "tree").ExitCode);
        Assert.Equal(0, k.Run(new Cp(), "cp", "src/link", "copy").ExitCode);
        Assert.Equal(("file", InodeType.Regular), (k.ReadLink("/c/tree/link"), k.Find("/c/copy", follow: false)!.Type));
    }

    [Fact]
    public void Cp_i_takes_one_line_of_stdin_for_each_question()
    {
        var k = new ProgramMachine(cluster) { Cwd = "/c", Stdin = Encoding.UTF8.GetBytes("n\ny\n") };
        k.AddFile("/c/from/one", "new1");
        k.AddFile("/c/from/two", "new2");
        k.AddFile("/c/to/one", "old1");
        k.AddFile("/c/to/two", "old2");
        var r = k.Run(new Cp(), "cp", "-i", "from/one", "from/two", "to");
        Assert.Equal("cp: overwrite 'to/one'? cp: overwrite 'to/two'? ", r.Stderr);
        Assert.Equal(("old1", "new2"), (k.ReadFile("/c/to/one"), k.ReadFile("/c/to/two")));
    }

    [Fact]
    public void Mv_t_moves_every_operand_into_the_directory_and_T_refuses_a_directory_target()
    {
        var k = new ProgramMachine(cluster) { Cwd = "/v" };
        k.AddFile("/v/a", "");
        k.AddFile("/v/b", "");
        k.AddDirectory("/v/into");
        Assert.Equal(0, k.Run(new Mv(), "mv", "--target-directory=into", "a", "b").ExitCode);
        Assert.True(k.Exists("/v/into/a") && k.Exists("/v/into/b"));
        var r = k.Run(new Mv(), "mv", "-T", "x", "y", "z");
        Assert.Equal((1, "mv: extra operand 'z'\nTry 'mv --help' for more information.\n"), (r.ExitCode, r.Stderr));
    }

    [Fact]
    public void Mkdir_and_rm_take_long_options_and_clustered_flags()
    {
        var k = new ProgramMachine(cluster) { Cwd = "/" };
        var made = k.Run(new Mkdir(), "mkdir", "--parents", "--verbose", "x/y");
        Assert.Equal("mkdir: created directory 'x'\nmkdir: created directory 'x/y'\n", made.Stdout);
        var removed = k.Run(new Rm(), "rm", "-rv", "--", "x");
        Assert.Equal((0, "removed directory 'x/y'\nremoved directory 'x'\n"), (removed.ExitCode, removed.Stdout));
        Assert.Equal((1, "rm: missing operand\nTry 'rm --help' for more information.\n"), (k.Run(new Rm(), "rm").ExitCode, k.Run(new Rm(), "rm").Stderr));
    }
}
