// ls, mkdir, rm, cp, mv on the real process core and file system (ProgramMachine): the tree they leave, their messages and exit codes.
using System.Collections.Immutable;
using Ssi.Cfs.Namespace;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class FileProgramTests(ProgramCluster cluster)
{
    private static readonly DateTimeOffset Old = new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private ProgramMachine Kernel()
    {
        var k = new ProgramMachine(cluster);
        k.AddFile("/d/b", "bee\n");
        k.AddFile("/d/a", "a\n");
        k.AddFile("/d/.hidden", "");
        k.AddFile("/d/sub/deep", "deep\n");
        k.AddFile("/f1", "one\n", mode: 0x1E4); // 0744
        return k;
    }

    [Fact]
    public void Ls_lists_names_sorted_one_a_line_when_not_a_terminal()
    {
        var r = Kernel().Run(new Ls(), "ls", "/d");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("a\nb\nsub\n", r.Stdout);
    }

    [Fact]
    public void Ls_prints_names_as_the_bytes_they_were()
    {
        var k = new ProgramMachine(cluster);
        k.AddFile("/t/" + FileNameBytes.Decode([0xFF, 0xFE]), "");
        k.AddFile("/t/" + FileNameBytes.Decode([0xFE, 0xFF]), "");
        var r = k.Run(new Ls(), "ls", "/t");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(new byte[] { 0xFE, 0xFF, (byte)'\n', 0xFF, 0xFE, (byte)'\n' }, r.StdoutBytes);
    }

    [Fact]
    public void Ls_a_shows_hidden_files_and_dot_entries()
    {
        Assert.Equal(".\n..\n.hidden\na\nb\nsub\n", Kernel().Run(new Ls(), "ls", "-a", "/d").Stdout);
        Assert.Equal(".hidden\na\nb\nsub\n", Kernel().Run(new Ls(), "ls", "-A", "/d").Stdout);
    }

    [Fact]
    public void Ls_lists_files_first_then_each_directory_under_its_name()
    {
        var r = Kernel().Run(new Ls(), "ls", "/d/sub", "/f1", "/d/a");
        Assert.Equal("/d/a\n/f1\n\n/d/sub:\ndeep\n", r.Stdout);
    }

    [Fact]
    public void Ls_exits_2_for_a_missing_operand_and_still_lists_the_others()
    {
        var r = Kernel().Run(new Ls(), "ls", "/nosuch", "/f1");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("ls: cannot access '/nosuch': No such file or directory\n", r.Stderr);
        Assert.Equal("/f1\n", r.Stdout);
    }

    [Fact]
    public void Ls_l_shows_mode_links_owner_group_size_and_an_old_date_with_the_year()
    {
        var k = new ProgramMachine(cluster);
        k.AddFile("/l/f", "hello", mode: 0x1A4, mtime: Old);
        k.AddDirectory("/l/s", mode: 0x1ED, mtime: Old);
        var r = k.Run(new Ls(), "ls", "-l", "/l");
        Assert.Equal(0, r.ExitCode);
        // The cluster file system gives a directory the size 0 (ext4 would say 4096, as the old fake did); hence
        // "total 4" and a size column one digit wide.
        Assert.Equal(
            "total 4\n" +
            "-rw-r--r-- 1 1000 1000 5 Jan  2  2020 f\n" +
            "drwxr-xr-x 2 1000 1000 0 Jan  2  2020 s\n", r.Stdout);
    }

    [Fact]
    public void Ls_l_shows_the_clock_for_a_recent_file()
    {
        var k = new ProgramMachine(cluster);
        var t = DateTimeOffset.UtcNow.AddHours(-1);
        k.AddFile("/r", "x", mode: 0x1ED, mtime: t);
        var r = k.Run(new Ls(), "ls", "-l", "/r");
        Assert.Equal($"-rwxr-xr-x 1 1000 1000 1 {t:MMM} {t.Day,2} {t:HH:mm} /r\n", r.Stdout);
    }

    [Fact]
    public void Ls_fills_columns_top_to_bottom_on_a_terminal()
    {
        var k = new ProgramMachine(cluster) { StdoutIsTerminal = true, Environment = ImmutableDictionary<string, string>.Empty.Add("COLUMNS", "20") };
        foreach (var name in new[] { "eee", "ddd", "ccc", "bbb", "aaa" }) k.AddFile("/c/" + name, "");
        Assert.Equal("aaa  ccc  eee\nbbb  ddd\n", k.Run(new Ls(), "ls", "/c").Stdout);
        Assert.Equal("aaa\nbbb\nccc\nddd\neee\n", k.Run(new Ls(), "ls", "-1", "/c").Stdout);
    }

    [Fact]
    public void Mkdir_makes_a_directory_with_the_umask_applied()
    {
        var k = Kernel();
        var r = k.Run(new Mkdir(), "mkdir", "/new");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(0x1ED, k.Find("/new")!.Mode);
        Assert.Equal(0x12, k.UmaskAtExit);
    }

    [Fact]
    public void Mkdir_fails_with_exit_1_for_an_existing_name_or_a_missing_parent()
    {
        var r = Kernel().Run(new Mkdir(), "mkdir", "/d", "/nope/x", "/ok");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(
            "mkdir: cannot create directory '/d': File exists\n" +
            "mkdir: cannot create directory '/nope/x': No such file or directory\n", r.Stderr);
    }

    [Fact]
    public void Mkdir_p_makes_parents_and_accepts_existing_directories_only()
    {
        var k = Kernel();
        Assert.Equal(0, k.Run(new Mkdir(), "mkdir", "-p", "/x/y/z", "/d/sub").ExitCode);
        Assert.True(k.Find("/x/y/z") is { Type: Ssi.Cfs.Inodes.InodeType.Directory });
        var r = Kernel().Run(new Mkdir(), "mkdir", "-p", "/f1/z", "/f1");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(
            "mkdir: cannot create directory '/f1/z': Not a directory\n" +
            "mkdir: cannot create directory '/f1': File exists\n", r.Stderr);
    }

    [Theory]
    [InlineData("700", 0x1C0)]
    [InlineData("u=rwx,g=rx,o=", 0x1E8)]
    [InlineData("a+t", 0x3FF)]
    public void Mkdir_m_sets_the_mode_exactly(string mode, int expected)
    {
        var k = Kernel();
        Assert.Equal(0, k.Run(new Mkdir(), "mkdir", "-m", mode, "/m").ExitCode);
        Assert.Equal(expected, k.Find("/m")!.Mode);
        Assert.Equal(0x12, k.UmaskAtExit);
    }

    [Fact]
    public void Rm_removes_files()
    {
        var k = Kernel();
        Assert.Equal(0, k.Run(new Rm(), "rm", "/f1", "/d/a").ExitCode);
        Assert.False(k.Exists("/f1"));
        Assert.False(k.Exists("/d/a"));
    }

    [Fact]
    public void Rm_refuses_a_directory_without_r()
    {
        var k = Kernel();
        var r = k.Run(new Rm(), "rm", "/d");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("rm: cannot remove '/d': Is a directory\n", r.Stderr);
        Assert.True(k.Exists("/d/sub/deep"));
    }

    [Fact]
    public void Rm_r_removes_a_whole_tree()
    {
        var k = Kernel();
        var r = k.Run(new Rm(), "rm", "-r", "/d");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        Assert.False(k.Exists("/d"));
        Assert.True(k.Exists("/f1"));
    }

    [Fact]
    public void Rm_r_keeps_the_directories_above_a_file_it_cannot_remove()
    {
        var k = Kernel();
        k.AddFile("/d/locked/stuck", "");
        k.Chmod("/d/locked", 0x16D); // 0555
        var r = k.Run(new Rm(), "rm", "-r", "/d");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("rm: cannot remove '/d/locked/stuck': Permission denied\n", r.Stderr);
        Assert.True(k.Exists("/d/locked/stuck"));
        Assert.False(k.Exists("/d/a"));
        Assert.False(k.Exists("/d/sub"));
    }

    [Fact]
    public void Rm_f_is_silent_about_missing_files_and_rm_is_not()
    {
        var quiet = Kernel().Run(new Rm(), "rm", "-f", "/nosuch");
        Assert.Equal((0, ""), (quiet.ExitCode, quiet.Stderr));
        var loud = Kernel().Run(new Rm(), "rm", "/nosuch");
        Assert.Equal((1, "rm: cannot remove '/nosuch': No such file or directory\n"), (loud.ExitCode, loud.Stderr));
        Assert.Equal(1, Kernel().Run(new Rm(), "rm").ExitCode);
    }

    [Fact]
    public void Cp_copies_a_file_with_its_mode_less_the_umask()
    {
        var k = Kernel();
        k.Chmod("/f1", 0x1FF);
        Assert.Equal(0, k.Run(new Cp(), "cp", "/f1", "/f2").ExitCode);
        Assert.Equal("one\n", k.ReadFile("/f2"));
        Assert.Equal(0x1ED, k.Find("/f2")!.Mode);
    }

    [Fact]
    public void Cp_copies_several_files_into_a_directory_and_refuses_a_file_target()
    {
        var k = Kernel();
        k.AddDirectory("/into");
        Assert.Equal(0, k.Run(new Cp(), "cp", "/f1", "/d/a", "/into").ExitCode);
        Assert.Equal("one\n", k.ReadFile("/into/f1"));
        Assert.Equal("a\n", k.ReadFile("/into/a"));
        var r = Kernel().Run(new Cp(), "cp", "/f1", "/d/a", "/d/b");
        Assert.Equal((1, "cp: target '/d/b' is not a directory\n"), (r.ExitCode, r.Stderr));
    }

    [Fact]
    public void Cp_omits_a_directory_without_r_and_copies_the_tree_with_it()
    {
        var without = Kernel().Run(new Cp(), "cp", "/d", "/e");
        Assert.Equal((1, "cp: -r not specified; omitting directory '/d'\n"), (without.ExitCode, without.Stderr));
        var k = Kernel();
        Assert.Equal(0, k.Run(new Cp(), "cp", "-r", "/d", "/e").ExitCode);
        Assert.Equal("deep\n", k.ReadFile("/e/sub/deep"));
        Assert.Equal("bee\n", k.ReadFile("/e/b"));
        Assert.True(k.Exists("/e/.hidden"));
        Assert.Equal("deep\n", k.ReadFile("/d/sub/deep"));
    }

    [Fact]
    public void Cp_refuses_the_same_file_and_a_directory_into_itself()
    {
        var same = Kernel().Run(new Cp(), "cp", "/f1", "/../f1");
        Assert.Equal((1, "cp: '/f1' and '/../f1' are the same file\n"), (same.ExitCode, same.Stderr));
        var into = Kernel().Run(new Cp(), "cp", "-r", "/d", "/d/sub");
        Assert.Equal((1, "cp: cannot copy a directory, '/d', into itself, '/d/sub/d'\n"), (into.ExitCode, into.Stderr));
    }

    [Fact]
    public void Mv_renames_and_moves_into_a_directory()
    {
        var k = Kernel();
        Assert.Equal(0, k.Run(new Mv(), "mv", "/f1", "/g").ExitCode);
        Assert.Equal("one\n", k.ReadFile("/g"));
        Assert.False(k.Exists("/f1"));
        Assert.Equal(0, k.Run(new Mv(), "mv", "/g", "/d/a", "/d/sub").ExitCode);
        Assert.Equal("one\n", k.ReadFile("/d/sub/g"));
        Assert.Equal("a\n", k.ReadFile("/d/sub/a"));
    }

    [Fact]
    public void Mv_reports_a_missing_source_and_a_move_into_itself()
    {
        var k = Kernel();
        var r = k.Run(new Mv(), "mv", "/nosuch", "/d", "/d/sub");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(
            "mv: cannot stat '/nosuch': No such file or directory\n" +
            "mv: cannot move '/d' to a subdirectory of itself, '/d/sub/d'\n", r.Stderr);
        Assert.True(k.Exists("/d/sub"));
    }

    [Fact]
    public void Mv_n_does_not_replace_an_existing_file()
    {
        var k = Kernel();
        Assert.Equal(0, k.Run(new Mv(), "mv", "-n", "/f1", "/d/a").ExitCode);
        Assert.Equal("a\n", k.ReadFile("/d/a"));
        Assert.True(k.Exists("/f1"));
    }
}
