// The memory devices of Linux's major 1 (null, zero, full, random, urandom): a table of drivers, as Plan 9's devtab.
using System.Collections.Immutable;
using System.Security.Cryptography;
using Ssi.Actors.Errors;

namespace Ssi.Cfs.Devices;

/// <summary>
/// A character device's operations: what a read of up to n bytes gives and what a write of n bytes does. They keep
/// no state (no offset, no buffer), so any node may serve any open description of them, and nothing moves.
/// </summary>
public sealed record CharDriver(string Name, Func<int, Outcome<byte[]>> Read, Func<int, Outcome<int>> Write);

/// <summary>
/// The drivers the cluster implements, by device number; a device node with any other number opens with ENXIO, as a
/// node whose driver is not loaded does on Linux. Seeking one succeeds and leaves the offset at 0 (Linux's null_lseek).
/// </summary>
public static class MemoryDevices
{
    /// <summary>The most one read returns; a device may give less than asked, as a pipe may (a loop of reads gets the rest).</summary>
    public const int MaxRead = 1 << 20;

    public static readonly DeviceNumber Null = new(1, 3), Zero = new(1, 5), Full = new(1, 7), Random = new(1, 8), Urandom = new(1, 9);

    /// <summary>/dev/tty (5,0): the calling process's controlling terminal, which the process layer opens, not a driver here.</summary>
    public static readonly DeviceNumber ControllingTerminal = new(5, 0);

    /// <summary>/dev/console (5,1): the console of the node the process runs on, which the process layer opens too.</summary>
    public static readonly DeviceNumber Console = new(5, 1);

    private static readonly ImmutableDictionary<DeviceNumber, CharDriver> Drivers = new Dictionary<DeviceNumber, CharDriver>
    {
        [Null] = new("null", _ => Array.Empty<byte>(), Discard),
        [Zero] = new("zero", n => new byte[n], Discard),
        [Full] = new("full", n => new byte[n], _ => Outcome<int>.Fail(Errno.ENOSPC, "/dev/full is always full")),
        // Both come from the operating system's CSPRNG; like Linux since 5.6, random does not block once it is seeded.
        [Random] = new("random", n => RandomNumberGenerator.GetBytes(n), Discard),
        [Urandom] = new("urandom", n => RandomNumberGenerator.GetBytes(n), Discard),
    }.ToImmutableDictionary();

    /// <summary>The memory devices, each served by a driver here.</summary>
    public static readonly ImmutableArray<(string Name, DeviceNumber Number)> Standard =
        [("null", Null), ("zero", Zero), ("full", Full), ("random", Random), ("urandom", Urandom)];

    /// <summary>
    /// The nodes every root image has in /dev, owned by root: the memory devices and tty, mode 0666, and console, mode
    /// 0600 as on Linux (the process layer serves tty and console).
    /// </summary>
    public static readonly ImmutableArray<(string Name, DeviceNumber Number, int Mode)> InEveryRoot =
        [.. Standard.Select(d => (d.Name, d.Number, 0x1B6)), ("tty", ControllingTerminal, 0x1B6), ("console", Console, 0x180)];

    /// <summary>Devices the process layer opens (a terminal), not a driver here.</summary>
    public static bool IsServedByProcesses(DeviceNumber device) => device == ControllingTerminal || device == Console;

    public static CharDriver? Find(DeviceNumber device) => Drivers.GetValueOrDefault(device);

    /// <summary>read(2) of up to <paramref name="count"/> bytes (at most <see cref="MaxRead"/>).</summary>
    public static Outcome<byte[]> Read(DeviceNumber device, int count)
    {
        if (Find(device) is not { } driver) return Outcome<byte[]>.Fail(Errno.ENXIO, $"no driver for device {device}");
        if (count < 0) return Outcome<byte[]>.Fail(Errno.EINVAL, "negative count");
        return driver.Read(Math.Min(count, MaxRead));
    }

    /// <summary>write(2): the count written, or the driver's errno.</summary>
    public static Outcome<int> Write(DeviceNumber device, int count) =>
        Find(device) is { } driver ? driver.Write(count) : Outcome<int>.Fail(Errno.ENXIO, $"no driver for device {device}");

    /// <summary>lseek(2): the offset stays 0 whatever is asked.</summary>
    public static Outcome<long> Seek(DeviceNumber device) =>
        Find(device) is not null ? 0L : Outcome<long>.Fail(Errno.ENXIO, $"no driver for device {device}");

    private static Outcome<int> Discard(int count) => count;
}
