// The state of one process, owned by its entity: everything Unix keeps in a proc struct except the program itself.
using System.Collections.Immutable;
using Ssi.Cfs.Permissions;
using Ssi.Actors.Identity;
using Ssi.Vproc.Signals;

namespace Ssi.Vproc.ProcessTable;

/// <summary>A child as its parent knows it: where it runs, and its wait status once it has exited.</summary>
public sealed record ChildRecord(NodeNumber Node, int? Status = null)
{
    /// <summary>Its process group as last heard (at fork, from setpgid by either, from its notices), for waits on a group.</summary>
    public Pid? Pgid { get; init; }

    /// <summary>A stop or a continue that wait has not reported yet (WUNTRACED, WCONTINUED), as a wait status.</summary>
    public int? Unreported { get; init; }
}

/// <summary>
/// Owned by the <see cref="ProcessEntity"/> of <see cref="Pid"/>; nothing else writes it. Other processes learn of it
/// only through messages (signals, exit notices, queries). The program's execution state is kept beside it
/// (<see cref="Programs.ProgramImage"/>), also by the entity.
/// </summary>
public sealed record ProcessState
{
    public required Pid Pid { get; init; }
    public required Pid Parent { get; init; }
    /// <summary>The node the parent runs on, so its loss can be noticed (its children go to init); null for init, which runs on none.</summary>
    public required NodeNumber? ParentNode { get; init; }
    public required Pid Pgid { get; init; }
    public required Pid Sid { get; init; }
    public required Credentials Credentials { get; init; }
    /// <summary>The working directory as an absolute, normalised path.</summary>
    public required string Cwd { get; init; }
    public int Umask { get; init; } = 0x12; // 022
    /// <summary>nice(1)'s niceness, -20..19: plain data kept by fork, exec and moves; the load leveller does not read it.</summary>
    public int Nice { get; init; }
    public ImmutableDictionary<string, string> Environment { get; init; } = ImmutableDictionary<string, string>.Empty;
    public FdTable Fds { get; init; } = FdTable.Empty;
    /// <summary>The session's controlling terminal (what /dev/tty opens), if it has one: kept by fork and exec, dropped by setsid.</summary>
    public Akka.Actor.IActorRef? ControllingTerminal { get; init; }
    public SignalState Signals { get; init; } = SignalState.Initial;
    public RunState State { get; init; } = RunState.Running;
    /// <summary>The wait status once the process has exited.</summary>
    public int? ExitStatus { get; init; }
    public ImmutableDictionary<Pid, ChildRecord> Children { get; init; } = ImmutableDictionary<Pid, ChildRecord>.Empty;
    /// <summary>
    /// The last children wait collected, newest last (at most <see cref="Family.ReapedKept"/>): a child's exit notice
    /// is sent again until noted, and a repeat that arrives after the reap must not make it a child again.
    /// </summary>
    public ImmutableList<Pid> RecentlyReaped { get; init; } = ImmutableList<Pid>.Empty;
    public required NodeNumber Node { get; init; }
    public required DateTimeOffset StartTime { get; init; }
    public TimeSpan CpuTime { get; init; }
    /// <summary>How many times the process has moved; orders the reports of where it is.</summary>
    public long Hop { get; init; }
    /// <summary>A pinned process never moves (EPERM).</summary>
    public bool Pinned { get; init; }
    /// <summary>When it last arrived by a move, on the clock of the node it arrived on.</summary>
    public DateTimeOffset? ArrivedAt { get; init; }
    /// <summary>argv joined by spaces, as ps shows it.</summary>
    public required string Command { get; init; }

    public ProcessInfo Info => new(Pid, Parent, Pgid, Sid, Credentials.Uid, Credentials.Gid, State, Node, Command, StartTime, CpuTime)
    {
        Pinned = Pinned,
        ArrivedAt = ArrivedAt,
        Nice = Nice,
    };

    /// <summary>The state a forked child starts with: a copy, with itself as a new process and nothing pending.</summary>
    public ProcessState ForChild(Pid child, NodeNumber node, DateTimeOffset now) => this with
    {
        Pid = child,
        Parent = Pid,
        ParentNode = Node,
        Signals = Signals.ForChild(),
        State = RunState.Running,
        ExitStatus = null,
        Children = ImmutableDictionary<Pid, ChildRecord>.Empty,
        Node = node,
        StartTime = now,
        CpuTime = TimeSpan.Zero,
        Hop = 0,
        ArrivedAt = null,
    };

    /// <summary>The path the file system walks for <paramref name="path"/>: relative paths start at the working directory.</summary>
    public string Resolve(string path) => path.StartsWith('/') ? path : (Cwd == "/" ? "/" : Cwd + "/") + path;
}

public static class Paths
{
    /// <summary>
    /// The working directory after chdir(<paramref name="path"/>) from <paramref name="cwd"/>, with "." and ".."
    /// folded textually, as a shell's logical working directory is.
    /// </summary>
    public static string Combine(string cwd, string path)
    {
        var full = path.StartsWith('/') ? path : (cwd.TrimEnd('/') + "/" + path);
        var parts = new List<string>();
        foreach (var part in full.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        var result = "/" + string.Join('/', parts);
        // Keep a trailing slash: it asks that the last component be a directory.
        return path.EndsWith('/') && result != "/" ? result + "/" : result;
    }
}
