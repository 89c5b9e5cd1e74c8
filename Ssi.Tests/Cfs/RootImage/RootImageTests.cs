// The default root image and the import of a host directory tree, on a real store.
using System.Diagnostics;
using System.Text;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Namespace;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.RootImage;
using Ssi.Cfs.Storage.Sqlite;
using Ssi.Tests.Harness;

namespace Ssi.Tests.Cfs.RootImage;

public sealed class RootImageTests : IDisposable
{
    private readonly TempHome _home = new();
    private readonly SqliteInodeStore _store;
    private readonly FileSystemOperations _fs;

    public RootImageTests()
    {
        _store = new SqliteInodeStore(Path.Combine(_home.Home.Root, "cfs.db"), 64 * 1024, TimeSpan.FromSeconds(30));
        _fs = new FileSystemOperations(_store);
    }

    private InodeAttributes Stat(string path) => _fs.Lstat(path, Credentials.Root).Value;

    private string Text(string path) => Encoding.UTF8.GetString(_fs.Read(path, Credentials.Root, 0, 1 << 20).Value);

    [Fact]
    public void The_default_image_has_the_usual_tree_and_is_created_only_once()
    {
        Assert.True(DefaultRoot.CreateIfEmpty(_store).Value);
        Assert.False(DefaultRoot.CreateIfEmpty(_store).Value);

        Assert.Equal(0x3FF, Stat("/tmp").Mode);
        Assert.Equal(DefaultRoot.Motd, Text("/etc/motd"));
        Assert.Contains("root:x:0:0:", Text("/etc/passwd"));
        Assert.Contains($"{DefaultRoot.UserName}:x:{DefaultRoot.UserId}:", Text("/etc/passwd"));
        Assert.Equal(DefaultRoot.UserId, Stat("/home/ann").Uid);
        foreach (var dir in new[] { "/bin", "/dev", "/devfs", "/proc", "/root" })
            Assert.Equal(InodeType.Directory, Stat(dir).Type);
        Assert.Equal((InodeType.CharDevice, new DeviceNumber(1, 9), 0x1B6), (Stat("/dev/urandom").Type, Stat("/dev/urandom").Device, Stat("/dev/urandom").Mode));
    }

    [Fact]
    public void A_host_tree_is_imported_with_modes_owners_symlinks_and_fifos()
    {
        var host = Directory.CreateTempSubdirectory("ssi-hostroot-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(host, "etc", "deep"));
            File.WriteAllText(Path.Combine(host, "etc", "deep", "secret"), "s3cret");
            File.SetUnixFileMode(Path.Combine(host, "etc", "deep", "secret"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var big = new byte[3 * 1024 * 1024 + 17];
            new Random(7).NextBytes(big);
            File.WriteAllBytes(Path.Combine(host, "big.bin"), big);
            File.CreateSymbolicLink(Path.Combine(host, "link"), "/etc/deep/secret");
            Process.Start("mkfifo", Path.Combine(host, "pipe"))!.WaitForExit();

            var report = HostImport.Import(_store, host).Value;

            Assert.Equal((2, 2, 1), (report.Directories, report.Files, report.Symlinks));
            Assert.Empty(report.Skipped);
            Assert.Equal(0x180, Stat("/etc/deep/secret").Mode);
            Assert.Equal("s3cret", Text("/link"));
            Assert.Equal(InodeType.Symlink, Stat("/link").Type);
            Assert.Equal(InodeType.Fifo, Stat("/pipe").Type);
            Assert.Equal(big, _fs.Read("/big.bin", Credentials.Root, 0, big.Length + 1).Value);
        }
        finally
        {
            Directory.Delete(host, recursive: true);
        }
    }

    [SkippableFact]
    public void Host_device_nodes_are_imported_with_their_numbers()
    {
        var host = Directory.CreateTempSubdirectory("ssi-hostdev-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(host, "dev"));
            var made = new[] { ("null", "c", "1", "3"), ("loop9", "b", "7", "9"), ("odd", "c", "240", "1048575") }
                .Select(d => Run("mknod", "-m", "640", Path.Combine(host, "dev", d.Item1), d.Item2, d.Item3, d.Item4)).ToList();
            Skip.If(made.Any(ok => !ok), "mknod needs CAP_MKNOD, which this host does not give");

            var report = HostImport.Import(_store, host).Value;

            Assert.Empty(report.Skipped);
            Assert.Equal((InodeType.CharDevice, new DeviceNumber(1, 3), 0x1A0), (Stat("/dev/null").Type, Stat("/dev/null").Device, Stat("/dev/null").Mode));
            Assert.Equal((InodeType.BlockDevice, new DeviceNumber(7, 9)), (Stat("/dev/loop9").Type, Stat("/dev/loop9").Device));
            Assert.Equal(new DeviceNumber(240, 1_048_575), Stat("/dev/odd").Device);
            // The standard devices the tree lacks (zero, full, random, urandom, tty, console) are added beside the imported ones.
            Assert.Equal(6, DefaultRoot.InstallDevices(_store).Value);
            Assert.Equal(new DeviceNumber(1, 3), Stat("/dev/null").Device);
        }
        finally
        {
            Directory.Delete(host, recursive: true);
        }
    }

    private static bool Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    [Fact]
    public void A_missing_host_directory_is_ENOENT()
    {
        Assert.Equal(Ssi.Actors.Errors.Errno.ENOENT, HostImport.Import(_store, "/no/such/dir").Error);
    }

    public void Dispose()
    {
        _store.Dispose();
        _home.Dispose();
    }
}
