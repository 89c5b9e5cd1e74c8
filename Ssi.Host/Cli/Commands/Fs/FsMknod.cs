// `ssi fs mknod PATH c|b|p [MAJOR MINOR]`: what its operands mean, checked before anything is sent.
using System.Globalization;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;

namespace Ssi.Host.Cli.Commands.Fs;

public static class FsMknod
{
    /// <summary>
    /// The node's type and number: c or b with MAJOR and MINOR (decimal), p without them; anything else is a usage
    /// error. Whether the caller may make it (root only for devices) is the cluster's to decide.
    /// </summary>
    public static (InodeType Type, DeviceNumber Device) Parse(string type, string? major, string? minor)
    {
        var kind = type switch
        {
            "c" => InodeType.CharDevice,
            "b" => InodeType.BlockDevice,
            "p" => InodeType.Fifo,
            _ => throw CliException.Usage($"invalid node type '{type}': give c (character device), b (block device) or p (FIFO)"),
        };
        if (kind == InodeType.Fifo)
        {
            if (major is not null) throw CliException.Usage("a FIFO has no major and minor device numbers");
            return (kind, DeviceNumber.None);
        }
        if (major is null || minor is null) throw CliException.Usage("a device node needs MAJOR and MINOR");
        var device = new DeviceNumber(Number(major, "major", DeviceNumber.MaxMajor), Number(minor, "minor", DeviceNumber.MaxMinor));
        return (kind, device);
    }

    private static int Number(string text, string what, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= max
            ? n
            : throw CliException.Usage($"invalid {what} device number '{text}': give 0..{max}");
}
