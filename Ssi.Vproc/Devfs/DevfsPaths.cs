// /devfs as every process sees it: OpenSSI's clusterwide device names, a directory per node holding its console.
using System.Globalization;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Devfs;

public enum DevfsFile
{
    Root,
    NodeDirectory,
    Console,
}

/// <param name="Node">The node a path is about (null for /devfs itself).</param>
public readonly record struct DevfsPath(DevfsFile File, NodeNumber? Node);

/// <summary>
/// Paths under /devfs. It is not in the cluster file system: it lists the nodes that are up now, so the process layer
/// answers calls on it from the cluster's membership, and opening <c>/devfs/nodeN/console</c> reaches node N's console.
/// </summary>
public static class DevfsPaths
{
    public const string Mount = "/devfs";

    /// <summary>The console is root's and only root's (crw-------), as on Linux.</summary>
    public const int ConsoleMode = 0x180;

    public static bool IsUnder(string absolutePath) => absolutePath == Mount || absolutePath.StartsWith(Mount + "/", StringComparison.Ordinal);

    /// <summary>What an absolute, folded path under /devfs names, or null: ENOENT.</summary>
    public static DevfsPath? Parse(string absolutePath)
    {
        var parts = absolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0] != "devfs") return null;
        if (parts.Length == 1) return new DevfsPath(DevfsFile.Root, null);
        if (parts.Length > 3 || NodeOf(parts[1]) is not { } node) return null;
        if (parts.Length == 2) return new DevfsPath(DevfsFile.NodeDirectory, node);
        return parts[2] == "console" ? new DevfsPath(DevfsFile.Console, node) : null;
    }

    public static string DirectoryName(NodeNumber node) => "node" + node.Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>"node3": node 3; anything else (node03, node0) names nothing.</summary>
    private static NodeNumber? NodeOf(string name) =>
        name.StartsWith("node", StringComparison.Ordinal) && name.Length > 4 && name[4] != '0'
        && int.TryParse(name.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? new NodeNumber(n) : null;

    /// <summary>What stat shows: directories 0555 and the console 0600, all root's.</summary>
    public static InodeAttributes Attributes(DevfsFile file) => file == DevfsFile.Console
        ? new InodeAttributes(new InodeNumber(0), InodeType.CharDevice, ConsoleMode, 0, 0, 1, 0, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
            DateTimeOffset.UnixEpoch, MemoryDevices.Console)
        : new InodeAttributes(new InodeNumber(0), InodeType.Directory, 0x16D, 0, 0, 2, 0, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
            DateTimeOffset.UnixEpoch);
}
