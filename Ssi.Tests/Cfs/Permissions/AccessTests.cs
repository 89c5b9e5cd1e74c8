// Unix permission rules: pure cases, and a matrix of modes and callers checked against the Linux kernel itself.
using System.Diagnostics;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;

namespace Ssi.Tests.Cfs.Permissions;

public class AccessTests
{
    private static readonly DateTimeOffset T = DateTimeOffset.UnixEpoch;

    private static InodeAttributes Inode(int mode, InodeType type = InodeType.Regular, int uid = 1000, int gid = 2000) =>
        new(new InodeNumber(7), type, mode, uid, gid, 1, 0, T, T, T);

    // Callers of the matrix: the owner, a member of the file's group, a stranger, the owner who is also in the group, root.
    public static readonly TheoryData<string> CallerNames = new() { "owner", "group", "other", "owner+group", "root" };

    private static readonly Dictionary<string, Credentials> Callers = new()
    {
        ["owner"] = Credentials.Of(1000, 1000),
        ["group"] = Credentials.Of(1001, 1001, 2000),
        ["other"] = Credentials.Of(1002, 1002),
        ["owner+group"] = Credentials.Of(1000, 1000, 2000),
        ["root"] = Credentials.Root,
    };

    private static readonly int[] Modes = [0, 0x100, 0x80, 0x40, 0x20, 0x10, 0x8, 0x4, 0x2, 0x1, 0x1C0, 0x38, 0x7, 0x1A0, 0x184, 0x1ED, 0x49, 0x1FF];

    [Fact]
    public void Only_one_class_of_bits_applies_an_owner_gets_owner_bits_even_if_the_group_may_do_more()
    {
        Assert.False(Access.Allows(Inode(0x38), Callers["owner+group"], AccessMode.Read)); // 0070
        Assert.True(Access.Allows(Inode(0x38), Callers["group"], AccessMode.Read | AccessMode.Write | AccessMode.Execute));
    }

    [Fact]
    public void Root_may_read_and_write_anything_but_execute_only_what_someone_may_execute()
    {
        Assert.True(Access.Allows(Inode(0), Credentials.Root, AccessMode.Read | AccessMode.Write));
        Assert.False(Access.Allows(Inode(0x1A4), Credentials.Root, AccessMode.Execute)); // 0644
        Assert.True(Access.Allows(Inode(0x1), Credentials.Root, AccessMode.Execute));
        Assert.True(Access.Allows(Inode(0, InodeType.Directory), Credentials.Root, AccessMode.Execute));
    }

    [Fact]
    public void In_a_sticky_directory_only_the_entry_owner_the_directory_owner_or_root_may_remove()
    {
        var tmp = Inode(0x3FF, InodeType.Directory, uid: 0, gid: 0); // 1777
        var file = Inode(0x1A4, uid: 1000);
        Assert.Null(Access.CheckRemoveEntry(tmp, file, Callers["owner"]));
        Assert.Equal(Errno.EPERM, Access.CheckRemoveEntry(tmp, file, Callers["other"]));
        Assert.Null(Access.CheckRemoveEntry(tmp, file, Credentials.Root));
        Assert.Null(Access.CheckRemoveEntry(tmp with { Mode = 0x1FF }, file, Callers["other"])); // 0777, no sticky bit
        Assert.Equal(Errno.EACCES, Access.CheckRemoveEntry(tmp with { Mode = 0x1ED }, file, Callers["owner"])); // 0755
    }

    [Fact]
    public void Chmod_is_for_the_owner_or_root_and_drops_setgid_outside_the_group()
    {
        Assert.Equal(Errno.EPERM, Access.Chmod(Inode(0x1A4), Callers["other"], 0x1FF).Error);
        Assert.Equal(0x1C0, Access.Chmod(Inode(0x1A4), Callers["owner"], 0x1C0).Mode);
        Assert.Equal(0x1C0, Access.Chmod(Inode(0x1A4), Callers["owner"], 0x400 | 0x1C0).Mode); // not in group 2000
        Assert.Equal(0x5C0, Access.Chmod(Inode(0x1A4), Callers["owner+group"], 0x400 | 0x1C0).Mode);
    }

    [Fact]
    public void Chown_gives_away_only_as_root_and_lets_owners_pick_their_own_groups()
    {
        Assert.Equal(Errno.EPERM, Access.Chown(Inode(0x1A4), Callers["owner"], 1002, -1).Error);
        Assert.Equal(Errno.EPERM, Access.Chown(Inode(0x1A4), Callers["owner"], -1, 3000).Error);
        Assert.Equal(Errno.EPERM, Access.Chown(Inode(0x1A4), Callers["other"], -1, 2000).Error);
        Assert.Equal(2000, Access.Chown(Inode(0x1A4, gid: 1000), Callers["owner+group"], -1, 2000).Gid);
        var (uid, _, mode, error) = Access.Chown(Inode(0x800 | 0x400 | 0x1ED), Credentials.Root, 1002, -1);
        Assert.Null(error);
        Assert.Equal(1002, uid);
        Assert.Equal(0x1ED, mode); // set-uid and set-gid (group may execute) cleared, for root too
        Assert.Null(Access.Chown(Inode(0x1A4), Callers["other"], -1, -1).Error); // changing nothing is allowed
    }

    /// <summary>Runs <c>test -r|-w|-x PATH</c> as the caller through setpriv: the kernel's own answer.</summary>
    private static bool KernelAllows(string path, Credentials who, char flag)
    {
        var start = new ProcessStartInfo("setpriv") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { "--reuid", who.Uid.ToString(), "--regid", who.Gid.ToString() }) start.ArgumentList.Add(a);
        if (who.Groups.IsEmpty) start.ArgumentList.Add("--clear-groups");
        else
        {
            start.ArgumentList.Add("--groups");
            start.ArgumentList.Add(string.Join(',', who.Groups));
        }
        foreach (var a in new[] { "--", "test", "-" + flag, path }) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    [SkippableTheory]
    [MemberData(nameof(CallerNames))]
    public void The_mode_matrix_agrees_with_the_Linux_kernel(string caller)
    {
        Skip.IfNot(Environment.UserName == "root" && File.Exists("/usr/bin/setpriv"), "needs root and setpriv to ask the kernel");
        var dir = Directory.CreateTempSubdirectory("ssi-access-");
        try
        {
            File.SetUnixFileMode(dir.FullName, (UnixFileMode)0x1ED); // 0755: everyone may reach the files
            var who = Callers[caller];
            foreach (var type in new[] { InodeType.Regular, InodeType.Directory })
            foreach (var mode in Modes)
            {
                var path = Path.Combine(dir.FullName, $"{type}-{mode:x}");
                if (type == InodeType.Directory) Directory.CreateDirectory(path);
                else File.WriteAllText(path, "");
                File.SetUnixFileMode(path, (UnixFileMode)mode);
                Chown(path, 1000, 2000);
                foreach (var (flag, wanted) in new[] { ('r', AccessMode.Read), ('w', AccessMode.Write), ('x', AccessMode.Execute) })
                {
                    var ours = Access.Allows(Inode(mode, type), who, wanted);
                    Assert.True(ours == KernelAllows(path, who, flag),
                        $"{caller} -{flag} on {type} mode {Convert.ToString(mode, 8)}: ssi says {ours}, Linux says {!ours}");
                }
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static void Chown(string path, int uid, int gid)
    {
        if (LibC.chown(path, uid, gid) != 0) throw new InvalidOperationException($"chown {path} failed");
    }

    private static class LibC
    {
        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        public static extern int chown(string path, int owner, int group);
    }

    [Fact]
    public void Only_root_makes_device_nodes_and_mknod_makes_no_directories_or_symlinks()
    {
        var ann = Credentials.Of(1000, 1000);
        Assert.Equal(Errno.EPERM, Access.CheckMakeNode(InodeType.CharDevice, ann));
        Assert.Equal(Errno.EPERM, Access.CheckMakeNode(InodeType.BlockDevice, ann));
        Assert.Null(Access.CheckMakeNode(InodeType.CharDevice, Credentials.Root));
        Assert.Null(Access.CheckMakeNode(InodeType.Fifo, ann));
        Assert.Null(Access.CheckMakeNode(InodeType.Regular, ann));
        Assert.Equal(Errno.EPERM, Access.CheckMknodType(InodeType.Directory));
        Assert.Equal(Errno.EINVAL, Access.CheckMknodType(InodeType.Symlink));
        Assert.Null(Access.CheckMknodType(InodeType.Fifo));
    }
}
