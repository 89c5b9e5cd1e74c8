// touch, df, du, sync, nice and printenv on the real process core and file system, against what GNU coreutils prints.
using System.Collections.Immutable;
using Ssi.Cfs.Inodes;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class AdminToolTests(ProgramCluster cluster)
{
    private static readonly DateTimeOffset Old = new(2001, 2, 3, 4, 5, 6, TimeSpan.Zero);

    [Fact]
    public void Touch_sets_an_existing_files_times_to_now_and_creates_a_missing_one()
    {
        var k = new ProgramMachine(cluster);
        k.AddFile("/f", "x", mtime: Old);
        var r = k.Run(new Touch(), "touch", "/f", "/new");
        Assert.Equal((0, ""), (r.ExitCode, r.Stderr));
        var f = k.Find("/f")!;
        Assert.True(f.Mtime > Old.AddYears(20) && f.Atime > Old.AddYears(20), $"{f.Mtime} {f.Atime}");
        Assert.Equal("", k.ReadFile("/new"));
    }

    [Fact]
    public void Touch_d_t_and_r_give_the_times_and_a_or_m_limit_which()
    {
        var k = new ProgramMachine(cluster);
        k.AddFile("/f", "", mtime: Old);
        k.AddFile("/g", "", mtime: Old);
        Assert.Equal(0, k.Run(new Touch(), "touch", "-d", "2010-05-06 07:08:09", "/f").ExitCode);
        Assert.Equal((new DateTimeOffset(2010, 5, 6, 7, 8, 9, TimeSpan.Zero), new DateTimeOffset(2010, 5, 6, 7, 8, 9, TimeSpan.Zero)), (k.Find("/f")!.Atime, k.Find("/f")!.Mtime));
        Assert.Equal(0, k.Run(new Touch(), "touch", "-m", "-t", "199912312359.30", "/f").ExitCode);
        Assert.Equal((new DateTimeOffset(2010, 5, 6, 7, 8, 9, TimeSpan.Zero), new DateTimeOffset(1999, 12, 31, 23, 59, 30, TimeSpan.Zero)), (k.Find("/f")!.Atime, k.Find("/f")!.Mtime));
        Assert.Equal(0, k.Run(new Touch(), "touch", "--time=atime", "-r", "/f", "/g").ExitCode);
        Assert.Equal((k.Find("/f")!.Atime, Old), (k.Find("/g")!.Atime, k.Find("/g")!.Mtime));
    }

    [Fact]
    public void Touch_h_sets_the_links_own_times_and_creates_nothing()
    {
        var k = new ProgramMachine(cluster) { Uid = 0 }; // the test's links are root's
        k.AddFile("/target", "", mtime: Old);
        k.AddSymlink("/link", "target");
        var r = k.Run(new Touch(), "touch", "-h", "-d", "@0", "/link", "/absent");
        Assert.Equal((1, "touch: setting times of '/absent': No such file or directory\n"), (r.ExitCode, r.Stderr));
        Assert.Equal(0, k.Run(new Touch(), "touch", "-hc", "/absent").ExitCode);
        Assert.Equal(DateTimeOffset.UnixEpoch, k.Find("/link", follow: false)!.Mtime);
        Assert.Equal(Old, k.Find("/target")!.Mtime);
        Assert.False(k.Exists("/absent"));
    }

    [Fact]
    public void Touch_with_explicit_times_is_for_the_owner_and_to_now_for_anyone_who_may_write()
    {
        var k = new ProgramMachine(cluster) { Uid = 1000 };
        k.AddFile("/shared", "", mode: 0x1B6, mtime: Old, uid: 0); // 0666, root's
        k.AddFile("/closed", "", mode: 0x1A4, mtime: Old, uid: 0); // 0644, root's
        Assert.Equal(0, k.Run(new Touch(), "touch", "/shared").ExitCode);
        Assert.True(k.Find("/shared")!.Mtime > Old);
        var r = k.Run(new Touch(), "touch", "-d", "@5", "/shared");
        Assert.Equal((1, "touch: setting times of '/shared': Operation not permitted\n"), (r.ExitCode, r.Stderr));
        r = k.Run(new Touch(), "touch", "/closed");
        Assert.Equal((1, "touch: cannot touch '/closed': Permission denied\n"), (r.ExitCode, r.Stderr));
        Assert.Equal(Old, k.Find("/closed")!.Mtime);
    }

    [Fact]
    public void Times_touch_sets_are_what_ls_t_test_nt_find_newer_and_stat_see()
    {
        var k = new ProgramMachine(cluster) { Cwd = "/w" };
        k.AddFile("/w/a", "", mtime: Old);
        k.AddFile("/w/b", "", mtime: Old.AddDays(1));
        Assert.Equal("b\na\n", k.Run(new Ls(), "ls", "-t").Stdout);
        Assert.Equal(0, k.Run(new Touch(), "touch", "-d", "2020-01-01", "a").ExitCode);
        Assert.Equal("a\nb\n", k.Run(new Ls(), "ls", "-t").Stdout);
        Assert.Equal(0, k.Run(new Test(), "test", "a", "-nt", "b").ExitCode);
        Assert.Equal("./a\n", k.Run(new Find(), "find", ".", "-type", "f", "-newer", "b").Stdout);
        Assert.Equal("1577836800\n", k.Run(new StatFile(), "stat", "-c", "%Y", "a").Stdout);
    }

    [Theory]
    [InlineData(new[] { "-d", "yesterday-ish", "f" }, "touch: invalid date format 'yesterday-ish'\n")]
    [InlineData(new[] { "-t", "2001", "f" }, "touch: invalid date format '2001'\n")]
    [InlineData(new[] { "-r", "nosuch", "f" }, "touch: failed to get attributes of 'nosuch': No such file or directory\n")]
    [InlineData(new[] { "--time=x", "f" }, "touch: invalid argument 'x' for '--time'\nTry 'touch --help' for more information.\n")]
    [InlineData(new[] { "nodir/f" }, "touch: cannot touch 'nodir/f': No such file or directory\n")]
    public void Touch_refuses_as_gnu_does(string[] args, string stderr)
    {
        var r = new ProgramMachine(cluster).Run(new Touch(), ["touch", .. args]);
        Assert.Equal((1, stderr), (r.ExitCode, r.Stderr));
    }

    [Theory]
    [InlineData("199912312359", 2024, "1999-12-31T23:59:00")]
    [InlineData("6801010000", 2024, "2068-01-01T00:00:00")]
    [InlineData("6901010000.59", 2024, "1969-01-01T00:00:59")]
    [InlineData("02290000", 2024, "2024-02-29T00:00:00")]
    [InlineData("02290000", 2023, null)]
    [InlineData("13010000", 2024, null)]
    public void Touch_t_reads_posix_stamps(string stamp, int year, string? expected) =>
        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected + "Z", System.Globalization.CultureInfo.InvariantCulture), Touch.ParseStamp(stamp, year));

    [Fact]
    public void Du_counts_4k_blocks_after_each_directorys_contents_and_a_hard_link_once()
    {
        var k = new ProgramMachine(cluster) { Cwd = "/w" };
        k.AddFile("/w/d/a", new string('x', 5000));
        k.AddFile("/w/d/s/b", "y");
        k.AddHardLink("/w/d/s/c", "/w/d/s/b");
        Assert.Equal("8\td/s\n20\td\n", k.Run(new Du(), "du", "d").Stdout);
        Assert.Equal("8\td/a\n4\td/s/b\n8\td/s\n20\td\n", k.Run(new Du(), "du", "-a", "d").Stdout);
        Assert.Equal("20\td\n20\ttotal\n", k.Run(new Du(), "du", "-sc", "d").Stdout);
        Assert.Equal("5001\td/\n", k.Run(new Du(), "du", "-b", "-d", "0", "d/").Stdout);
        Assert.Equal("20K\td\n", k.Run(new Du(), "du", "-sh", "d").Stdout);
        var r = k.Run(new Du(), "du", "nosuch");
        Assert.Equal((1, "du: cannot access 'nosuch': No such file or directory\n"), (r.ExitCode, r.Stderr));
    }

    [Fact]
    public void Df_shows_the_one_file_system_in_gnus_columns()
    {
        var k = new ProgramMachine(cluster);
        k.AddFile("/f", "");
        var lines = k.Run(new Df(), "df", "-T", "/f").Stdout.Split('\n');
        Assert.Equal("Filesystem     Type", lines[0][..19]);
        Assert.EndsWith("Use% Mounted on", lines[0]);
        var cells = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["cfs", "cfs"], cells[..2]);
        Assert.InRange(long.Parse(cells[2]) - long.Parse(cells[3]) - long.Parse(cells[4]), -1, 1); // each rounded up to 1K
        Assert.Equal("/", cells[^1]);
        Assert.Equal(lines[0].IndexOf("Mounted on", StringComparison.Ordinal), lines[1].Length - 1);
        Assert.Matches(@"^Filesystem      Size  Used Avail Use% Mounted on\ncfs +[0-9.]+[KMGT]? +[0-9.]+[KMGT]? +[0-9.]+[KMGT]? +[0-9]+% /\n$", k.Run(new Df(), "df", "-h").Stdout);
        var inodes = k.Run(new Df(), "df", "-i").Stdout.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(long.Parse(inodes[2]) > 2);
        var r = k.Run(new Df(), "df", "/nosuch");
        Assert.Equal((1, "df: '/nosuch': No such file or directory\ndf: no file systems processed\n"), (r.ExitCode, r.Stderr));
    }

    [Fact]
    public void Sync_reaches_the_store_and_checks_its_files()
    {
        var k = new ProgramMachine(cluster);
        k.AddFile("/f", "x");
        Assert.Equal(0, k.Run(new SyncProgram(), "sync").ExitCode);
        Assert.Contains(k.Calls, c => c.Call is Ssi.Vproc.Programs.Sync);
        Assert.Equal(0, k.Run(new SyncProgram(), "sync", "-d", "/f").ExitCode);
        var r = k.Run(new SyncProgram(), "sync", "/f", "/nosuch");
        Assert.Equal((1, "sync: error opening '/nosuch': No such file or directory\n"), (r.ExitCode, r.Stderr));
        r = k.Run(new SyncProgram(), "sync", "-d");
        Assert.Equal((1, "sync: --data needs at least one argument\n"), (r.ExitCode, r.Stderr));
    }

    [Fact]
    public void Nice_raises_for_anyone_lowers_for_root_and_the_command_inherits_it()
    {
        var k = new ProgramMachine(cluster) { Uid = 1000 };
        k.AddProgram("/bin/nice", () => new Nice());
        Assert.Equal("0\n", k.Run(new Nice(), "nice").Stdout);
        Assert.Equal("10\n", k.Run(new Nice(), "nice", "nice").Stdout);
        Assert.Equal("8\n", k.Run(new Nice(), "nice", "-n", "5", "nice", "-3", "nice").Stdout);
        Assert.Equal("19\n", k.Run(new Nice(), "nice", "-n", "50", "nice").Stdout);
        var r = k.Run(new Nice(), "nice", "--5", "nice");
        Assert.Equal(("0\n", "nice: cannot set niceness: Permission denied\n", 0), (r.Stdout, r.Stderr, r.ExitCode));
        k.Uid = 0;
        Assert.Equal("-5\n", k.Run(new Nice(), "nice", "-n", "-5", "nice").Stdout);
        r = k.Run(new Nice(), "nice", "-n", "x", "nice");
        Assert.Equal((125, "nice: invalid adjustment 'x'\n"), (r.ExitCode, r.Stderr));
        r = k.Run(new Nice(), "nice", "nosuch");
        Assert.Equal((127, "nice: 'nosuch': No such file or directory\n"), (r.ExitCode, r.Stderr));
    }

    [Fact]
    public void Printenv_prints_all_or_the_named_and_fails_for_a_missing_one()
    {
        var k = new ProgramMachine(cluster) { Environment = ImmutableDictionary<string, string>.Empty.Add("B", "2").Add("A", "1") };
        Assert.Equal("A=1\nB=2\n", k.Run(new Printenv(), "printenv").Stdout);
        Assert.Equal("2\u00001\u0000", k.Run(new Printenv(), "printenv", "-0", "B", "A").Stdout);
        var r = k.Run(new Printenv(), "printenv", "A", "C", "A=1");
        Assert.Equal(("1\n", 1), (r.Stdout, r.ExitCode));
        Assert.Equal(2, k.Run(new Printenv(), "printenv", "-x").ExitCode);
    }
}
