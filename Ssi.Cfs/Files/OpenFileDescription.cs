// Open file descriptions (xv6's struct file): flags and a shared offset, apart from any process's fd table.
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;

namespace Ssi.Cfs.Files;

/// <summary>open(2) flags, with Linux's values so that programs and tests can speak them as numbers.</summary>
[Flags]
public enum OpenFlags
{
    ReadOnly = 0,
    WriteOnly = 0x1,
    ReadWrite = 0x2,
    AccessModes = 0x3,
    Create = 0x40,
    Exclusive = 0x80,
    Truncate = 0x200,
    Append = 0x400,
    NonBlocking = 0x800,
    Directory = 0x10000,
    NoFollow = 0x20000,
}

/// <summary>lseek(2)'s origins, with Linux's values.</summary>
public enum Whence
{
    Set = 0,
    Current = 1,
    End = 2,
}

public static class OpenFlagsExtensions
{
    public static bool CanRead(this OpenFlags flags) => (flags & OpenFlags.AccessModes) is OpenFlags.ReadOnly or OpenFlags.ReadWrite;
    public static bool CanWrite(this OpenFlags flags) => (flags & OpenFlags.AccessModes) is OpenFlags.WriteOnly or OpenFlags.ReadWrite;

    /// <summary>The flags a description keeps; O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY and O_NOFOLLOW act only at open.</summary>
    public static OpenFlags Kept(this OpenFlags flags) => flags & (OpenFlags.AccessModes | OpenFlags.Append | OpenFlags.NonBlocking);
}

/// <summary>
/// One open file description as the store keeps it. <see cref="References"/> counts the descriptors (in any fd table,
/// on any node) that share it; the offset moves for all of them. <see cref="Uid"/> is who opened it.
/// <see cref="Device"/> is the number of the character device it opens (its driver serves reads and writes), or null
/// for a file.
/// </summary>
public sealed record OpenFileDescription(long Id, InodeNumber Ino, OpenFlags Flags, long Position, int References, int Uid,
    DeviceNumber? Device = null);
