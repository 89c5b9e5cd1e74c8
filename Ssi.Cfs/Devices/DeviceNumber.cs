// A device node's number (major, minor): Linux's st_rdev, which says which driver serves the node and which unit.
using System.Globalization;

namespace Ssi.Cfs.Devices;

/// <summary>
/// What a character or block device inode names: the driver (<see cref="Major"/>) and its unit (<see cref="Minor"/>),
/// as mknod(2) takes them. Other inodes carry (0, 0), as st_rdev is 0 for them on Linux.
/// </summary>
public readonly record struct DeviceNumber(int Major, int Minor)
{
    /// <summary>Linux's limits (12 bits of major, 20 of minor), which glibc's makedev and mknod(1) enforce.</summary>
    public const int MaxMajor = (1 << 12) - 1, MaxMinor = (1 << 20) - 1;

    public static readonly DeviceNumber None = default;

    public bool IsValid => Major is >= 0 and <= MaxMajor && Minor is >= 0 and <= MaxMinor;

    /// <summary>"1,3", as stat(1) prints a device type.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major},{Minor}");
}
