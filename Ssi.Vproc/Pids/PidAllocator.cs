// Allocates a node's PIDs without coordination, and never hands out one that a live process, group or session holds.
using Ssi.Actors.Identity;

namespace Ssi.Vproc.Pids;

/// <summary>
/// Hands out PIDs of one node in increasing order. The highest sequence that may have been handed out is kept on disk,
/// a block ahead, so a restarted node continues after every PID its previous life could have used. After 999,999 the
/// sequence wraps and skips PIDs for which <c>inUse</c> is true (a live process, zombie, process group or session).
/// Thread-safe.
/// </summary>
public sealed class PidAllocator
{
    private const int Block = 1000;
    private readonly object _gate = new();
    private readonly NodeNumber _node;
    private readonly string? _file;
    private readonly Func<Pid, bool> _inUse;
    private int _next;
    private int _reservedUpTo;

    /// <param name="file">Where the reservation is kept; null keeps nothing (tests).</param>
    public PidAllocator(NodeNumber node, string? file, Func<Pid, bool> inUse)
    {
        if (node.Value > Pid.MaxNode) throw new ArgumentOutOfRangeException(nameof(node), $"node numbers for PIDs are 1..{Pid.MaxNode}");
        _node = node;
        _file = file;
        _inUse = inUse;
        var saved = file is not null && File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var s) ? s : 0;
        _next = saved + 1;
        _reservedUpTo = saved;
    }

    /// <summary>The next free PID of this node; EAGAIN (null) only if every one of them is in use.</summary>
    public Pid? Allocate()
    {
        lock (_gate)
        {
            for (var tries = 0; tries < Pid.PerNode; tries++)
            {
                if (_next >= Pid.PerNode) _next = 1;
                var sequence = _next++;
                if (sequence > _reservedUpTo || sequence + Block < _reservedUpTo) Reserve(sequence);
                var pid = Pid.Of(_node, sequence);
                if (!_inUse(pid)) return pid;
            }
            return null;
        }
    }

    private void Reserve(int from)
    {
        _reservedUpTo = Math.Min(from + Block, Pid.PerNode - 1);
        if (_file is null) return;
        var temporary = _file + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(System.Text.Encoding.ASCII.GetBytes(_reservedUpTo.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, _file, overwrite: true);
    }
}
