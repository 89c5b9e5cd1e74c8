// One row of the clusterwide process table, as ps and /proc show it.
using Ssi.Actors.Identity;

namespace Ssi.Vproc.ProcessTable;

/// <summary>Run states as ps prints them.</summary>
public enum RunState
{
    /// <summary>R: stepping its program or in a system call that does not wait.</summary>
    Running,
    /// <summary>S: in a call that waits (read from a terminal, wait, sleep, pause).</summary>
    Sleeping,
    /// <summary>T: stopped by a signal until SIGCONT.</summary>
    Stopped,
    /// <summary>Z: exited, its status not yet collected by its parent.</summary>
    Zombie,
}

public sealed record ProcessInfo(
    Pid Pid, Pid Ppid, Pid Pgid, Pid Sid, int Uid, int Gid, RunState State, NodeNumber Node, string Command,
    DateTimeOffset StartTime, TimeSpan CpuTime)
{
    /// <summary>A pinned process never moves.</summary>
    public bool Pinned { get; init; }

    /// <summary>When it last arrived on its node by a move (null: born there); load leveling lets it settle.</summary>
    public DateTimeOffset? ArrivedAt { get; init; }

    /// <summary>Its niceness, as ps -o ni shows it.</summary>
    public int Nice { get; init; }

    public char StateLetter => State switch
    {
        RunState.Running => 'R',
        RunState.Sleeping => 'S',
        RunState.Stopped => 'T',
        _ => 'Z',
    };
}
