// mknod, mkfifo and ls -l of device nodes on the real process core and file system: what they make, say and exit with.
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class NodeProgramTests(ProgramCluster cluster)
{
    private static readonly DateTimeOffset Old = new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private ProgramMachine AsRoot() => new(cluster) { Uid = 0, Gid = 0 };

    [Fact]
    public void Mknod_as_root_makes_a_character_device_with_its_numbers_and_a_umasked_mode()
    {
        var k = AsRoot();
        var r = k.Run(new Mknod(), "mknod", "/zero", "c", "1", "5");
        Assert.Equal((0, ""), (r.ExitCode, r.Stderr));
        var made = k.Find("/zero")!;
        Assert.Equal((InodeType.CharDevice, new DeviceNumber(1, 5), 0x1A4), (made.Type, made.Device, made.Mode)); // 0666 less 022
        Assert.Equal(0, k.Run(new Mknod(), "mknod", "-m", "600", "/disk", "b", "0x8", "010").ExitCode); // hex and octal, as strtoumax
        Assert.Equal((InodeType.BlockDevice, new DeviceNumber(8, 8), 0x180), (k.Find("/disk")!.Type, k.Find("/disk")!.Device, k.Find("/disk")!.Mode));
        Assert.Equal(0x12, k.UmaskAtExit);
    }

    [Fact]
    public void Mknod_of_a_device_by_a_user_is_EPERM_and_of_a_fifo_is_allowed()
    {
        var k = new ProgramMachine(cluster);
        var r = k.Run(new Mknod(), "mknod", "/mine", "c", "1", "3");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("mknod: /mine: Operation not permitted\n", r.Stderr);
        Assert.False(k.Exists("/mine"));
        Assert.Equal(0, k.Run(new Mknod(), "mknod", "/pipe", "p").ExitCode);
        Assert.Equal((InodeType.Fifo, 1000), (k.Find("/pipe")!.Type, k.Find("/pipe")!.Uid));
        r = k.Run(new Mknod(), "mknod", "/pipe", "p");
        Assert.Equal((1, "mknod: /pipe: File exists\n"), (r.ExitCode, r.Stderr));
    }

    [Theory]
    [InlineData(new[] { "mknod" }, "mknod: missing operand\nTry 'mknod --help' for more information.\n")]
    [InlineData(new[] { "mknod", "x", "c" }, "mknod: missing operand after 'c'\nSpecial files require major and minor device numbers.\nTry 'mknod --help' for more information.\n")]
    [InlineData(new[] { "mknod", "x", "c", "1" }, "mknod: missing operand after '1'\nTry 'mknod --help' for more information.\n")]
    [InlineData(new[] { "mknod", "x", "p", "1", "3" }, "mknod: extra operand '1'\nFifos do not have major and minor device numbers.\nTry 'mknod --help' for more information.\n")]
    [InlineData(new[] { "mknod", "x", "q", "1", "3" }, "mknod: invalid device type 'q'\nTry 'mknod --help' for more information.\n")]
    [InlineData(new[] { "mknod", "x", "c", "1z", "3" }, "mknod: invalid major device number '1z'\n")]
    [InlineData(new[] { "mknod", "x", "c", "1", "3x" }, "mknod: invalid minor device number '3x'\n")]
    [InlineData(new[] { "mknod", "-m", "a+q", "x", "p" }, "mknod: invalid mode\n")]
    [InlineData(new[] { "mknod", "-m", "1666", "x", "p" }, "mknod: mode must specify only file permission bits\n")]
    public void Mknod_refuses_a_bad_command_line_as_coreutils_does(string[] argv, string stderr)
    {
        var k = AsRoot();
        var r = k.Run(new Mknod(), argv);
        Assert.Equal((1, stderr), (r.ExitCode, r.Stderr));
        Assert.False(k.Exists("/x"));
    }

    [Fact]
    public void Mknod_takes_the_first_letter_of_the_type_as_coreutils_does()
    {
        var k = AsRoot();
        Assert.Equal(0, k.Run(new Mknod(), "mknod", "/tty", "character", "5", "0").ExitCode);
        Assert.Equal(InodeType.CharDevice, k.Find("/tty")!.Type);
    }

    [Fact]
    public void Mkfifo_makes_each_fifo_and_reports_a_taken_name_then_goes_on()
    {
        var k = new ProgramMachine(cluster);
        k.AddFile("/taken", "");
        var r = k.Run(new Mkfifo(), "mkfifo", "/a", "/taken", "/b");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("mkfifo: cannot create fifo '/taken': File exists\n", r.Stderr);
        Assert.Equal((InodeType.Fifo, 0x1A4), (k.Find("/a")!.Type, k.Find("/a")!.Mode));
        Assert.Equal(InodeType.Fifo, k.Find("/b")!.Type);
        Assert.Equal(InodeType.Regular, k.Find("/taken")!.Type);
    }

    [Fact]
    public void Mkfifo_m_sets_the_mode_exactly_and_symbolic_modes_start_from_rw_for_all()
    {
        var k = new ProgramMachine(cluster);
        Assert.Equal(0, k.Run(new Mkfifo(), "mkfifo", "-m", "600", "/private").ExitCode);
        Assert.Equal(0x180, k.Find("/private")!.Mode);
        Assert.Equal(0, k.Run(new Mkfifo(), "mkfifo", "--mode=g-r", "/shared").ExitCode);
        Assert.Equal(0x196, k.Find("/shared")!.Mode); // 0666 without g+r: 0626
        Assert.Equal(0x12, k.UmaskAtExit);
        var r = k.Run(new Mkfifo(), "mkfifo");
        Assert.Equal((1, "mkfifo: missing operand\nTry 'mkfifo --help' for more information.\n"), (r.ExitCode, r.Stderr));
    }

    [Fact]
    public void Ls_l_shows_the_type_letter_and_major_comma_minor_where_the_size_goes()
    {
        var k = new ProgramMachine(cluster);
        k.AddNode("/d/null", InodeType.CharDevice, new DeviceNumber(1, 3), mtime: Old);
        k.AddNode("/d/tty12", InodeType.CharDevice, new DeviceNumber(4, 12), mtime: Old);
        k.AddNode("/d/pipe", InodeType.Fifo, mode: 0x1A4, mtime: Old, uid: 1000);
        k.AddFile("/d/big", new string('x', 123456), mtime: Old, uid: 0);
        var r = k.Run(new Ls(), "ls", "-l", "/d");
        Assert.Equal(0, r.ExitCode);
        // GNU: majors and minors each right-aligned, the pair right-aligned in the size column.
        Assert.Equal(
            "total 124\n" +
            "-rw-r--r-- 1    0 1000 123456 Jan  2  2020 big\n" +
            "crw-rw-rw- 1    0    0  1,  3 Jan  2  2020 null\n" +
            "prw-r--r-- 1 1000 1000      0 Jan  2  2020 pipe\n" +
            "crw-rw-rw- 1    0    0  4, 12 Jan  2  2020 tty12\n", r.Stdout);
    }

    [Fact]
    public void Ls_l_widens_the_size_column_for_device_numbers()
    {
        var t = DateTimeOffset.UtcNow.AddYears(-2);
        InodeAttributes Node(InodeType type, int mode, long size = 0, DeviceNumber device = default) =>
            new(new Ssi.Actors.Identity.InodeNumber(5), type, mode, 0, 0, 1, size, t, t, t, device);
        var text = Ls.Long(["sda", "f"], [Node(InodeType.BlockDevice, 0x1B0, device: new DeviceNumber(8, 0)), Node(InodeType.Regular, 0x1A4, 7)], total: false, DateTimeOffset.UtcNow);
        var lines = text.Split('\n');
        Assert.StartsWith("brw-rw---- 1 0 0 8, 0 ", lines[0]);
        Assert.StartsWith("-rw-r--r-- 1 0 0    7 ", lines[1]);
    }
}
