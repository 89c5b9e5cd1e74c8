// What stat(2) says about an inode: its number, type, mode bits, owner, link count, size, times and device number.
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;

namespace Ssi.Cfs.Inodes;

public enum InodeType
{
    Regular = 1,
    Directory = 2,
    Symlink = 3,
    Fifo = 4,
    CharDevice = 5,
    BlockDevice = 6,
}

/// <summary>The mode bits of Unix, without the file-type bits (the type is <see cref="InodeType"/>).</summary>
public static class ModeBits
{
    public const int SetUid = 0x800;   // 04000
    public const int SetGid = 0x400;   // 02000
    public const int Sticky = 0x200;   // 01000
    public const int Permissions = 0xFFF; // 07777

    public const int OwnerRead = 0x100, OwnerWrite = 0x80, OwnerExecute = 0x40;   // 0400 0200 0100
    public const int GroupRead = 0x20, GroupWrite = 0x10, GroupExecute = 0x8;      // 040 020 010
    public const int OtherRead = 0x4, OtherWrite = 0x2, OtherExecute = 0x1;        // 04 02 01

    /// <summary>"rwxr-xr-x"-style text of the low nine bits, with s/t for the special bits, as ls -l prints it.</summary>
    public static string Describe(InodeType type, int mode)
    {
        var c = new char[10];
        c[0] = type switch
        {
            InodeType.Directory => 'd',
            InodeType.Symlink => 'l',
            InodeType.Fifo => 'p',
            InodeType.CharDevice => 'c',
            InodeType.BlockDevice => 'b',
            _ => '-',
        };
        const string rwx = "rwxrwxrwx";
        for (var i = 0; i < 9; i++) c[i + 1] = (mode & (0x100 >> i)) != 0 ? rwx[i] : '-';
        if ((mode & SetUid) != 0) c[3] = c[3] == 'x' ? 's' : 'S';
        if ((mode & SetGid) != 0) c[6] = c[6] == 'x' ? 's' : 'S';
        if ((mode & Sticky) != 0) c[9] = c[9] == 'x' ? 't' : 'T';
        return new string(c);
    }
}

/// <summary>stat(2)'s fields; <see cref="Device"/> is st_rdev, the number a character or block device names ((0, 0) otherwise).</summary>
public sealed record InodeAttributes(
    InodeNumber Ino,
    InodeType Type,
    int Mode,
    int Uid,
    int Gid,
    int Nlink,
    long Size,
    DateTimeOffset Atime,
    DateTimeOffset Mtime,
    DateTimeOffset Ctime,
    DeviceNumber Device = default)
{
    public bool IsDirectory => Type == InodeType.Directory;

    public bool IsDevice => Type.IsDevice();
}

public static class InodeTypes
{
    /// <summary>A character or block device node: it names a driver by its <see cref="DeviceNumber"/>.</summary>
    public static bool IsDevice(this InodeType type) => type is InodeType.CharDevice or InodeType.BlockDevice;
}
