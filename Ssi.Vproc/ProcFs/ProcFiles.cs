// /proc as every process sees it: a directory per process of the cluster, made from its state when opened.
using System.Globalization;
using System.Text;
using Ssi.Actors.Identity;
using Ssi.Cfs.Inodes;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcFs;

/// <summary>The files of /proc: the directory itself, a process's directory, and the files in it.</summary>
public enum ProcFile
{
    Root,
    ProcessDirectory,
    /// <summary>Linux-style "Key:\tvalue" lines: name, state, ids, node, pinned, CPU time.</summary>
    Status,
    /// <summary>The command line, its words ended by NULs.</summary>
    Cmdline,
    /// <summary>The node the process runs on, as a line.</summary>
    Where,
    /// <summary>OpenSSI's migration interface: writing a node number moves the process there (mode 0200).</summary>
    Goto,
}

/// <param name="Pid">The process the path is about (PID 0 for /proc itself).</param>
public readonly record struct ProcPath(ProcFile File, Pid Pid);

/// <summary>
/// Paths and contents of /proc. It is not in the cluster file system: a process's system calls on paths under it are
/// answered by the process layer from the process entities, so /proc is the same from every node and always current.
/// Contents are taken when a file is opened (like Linux's seq files); an open file keeps what it read.
/// </summary>
public static class ProcFiles
{
    public const string Mount = "/proc";

    /// <summary>The files in each process's directory, in listing order.</summary>
    public static readonly IReadOnlyList<(string Name, ProcFile File)> ProcessEntries =
        [("cmdline", ProcFile.Cmdline), ("goto", ProcFile.Goto), ("status", ProcFile.Status), ("where", ProcFile.Where)];

    public static bool IsUnder(string absolutePath) => absolutePath == Mount || absolutePath.StartsWith(Mount + "/", StringComparison.Ordinal);

    /// <summary>What an absolute, folded path under /proc names ("self" is <paramref name="self"/>), or null: ENOENT.</summary>
    public static ProcPath? Parse(string absolutePath, Pid self)
    {
        var parts = absolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0] != "proc") return null;
        if (parts.Length == 1) return new ProcPath(ProcFile.Root, new Pid(0));
        var pid = parts[1] == "self" ? self.Value
            : int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 0;
        if (pid == 0 || parts.Length > 3) return null;
        if (parts.Length == 2) return new ProcPath(ProcFile.ProcessDirectory, new Pid(pid));
        foreach (var (name, file) in ProcessEntries)
            if (name == parts[2]) return new ProcPath(file, new Pid(pid));
        return null;
    }

    public static bool IsDirectory(ProcFile file) => file is ProcFile.Root or ProcFile.ProcessDirectory;

    /// <summary>Permission bits: directories 0555, goto 0200 (only written), the rest 0444.</summary>
    public static int Mode(ProcFile file) => file switch
    {
        ProcFile.Root or ProcFile.ProcessDirectory => 0x16D,
        ProcFile.Goto => 0x80,
        _ => 0x124,
    };

    /// <summary>What stat shows: owned by the process's user (root for /proc), size 0 as on Linux.</summary>
    public static InodeAttributes Attributes(ProcFile file, ProcessInfo? process)
    {
        var time = process?.StartTime ?? DateTimeOffset.UnixEpoch;
        return new InodeAttributes(new InodeNumber(0), IsDirectory(file) ? InodeType.Directory : InodeType.Regular, Mode(file),
            process?.Uid ?? 0, process?.Gid ?? 0, IsDirectory(file) ? 2 : 1, 0, time, time, time);
    }

    public static byte[] Content(ProcFile file, ProcessInfo p) => file switch
    {
        ProcFile.Status => Io.Bytes(Status(p)),
        ProcFile.Cmdline => Io.Bytes(string.Concat(p.Command.Split(' ').Select(word => word + "\0"))),
        ProcFile.Where => Encoding.UTF8.GetBytes(p.Node + "\n"),
        _ => [],
    };

    private static string Status(ProcessInfo p)
    {
        var state = p.State switch
        {
            RunState.Running => "R (running)",
            RunState.Sleeping => "S (sleeping)",
            RunState.Stopped => "T (stopped)",
            _ => "Z (zombie)",
        };
        var name = p.Command.Split(' ')[0];
        return string.Create(CultureInfo.InvariantCulture, $"""
            Name:	{name[(name.LastIndexOf('/') + 1)..]}
            State:	{state}
            Pid:	{p.Pid}
            PPid:	{p.Ppid}
            Pgid:	{p.Pgid}
            Sid:	{p.Sid}
            Uid:	{p.Uid}
            Gid:	{p.Gid}
            Node:	{p.Node}
            Pinned:	{(p.Pinned ? "yes" : "no")}
            CpuTime:	{p.CpuTime.TotalSeconds:0.000}

            """);
    }

    /// <summary>A node number written to goto: digits, surrounding white space allowed (echo adds a newline).</summary>
    public static NodeNumber? ParseNode(byte[] written)
    {
        var text = Encoding.UTF8.GetString(written).Trim();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var node) && node > 0 ? new NodeNumber(node) : null;
    }
}

/// <summary>An open /proc file: its content as read at open, and this descriptor's offset (not shared by dup or fork).</summary>
public sealed record ProcHandle(Pid Pid, ProcFile File, byte[] Content, long Offset) : FileHandle;
