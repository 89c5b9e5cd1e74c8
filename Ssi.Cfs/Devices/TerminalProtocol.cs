// Messages of a terminal device: from processes (read, write), from the attached client (input, Ctrl-C), and back.
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;

namespace Ssi.Cfs.Devices;

/// <summary>
/// A read by process <see cref="Pid"/> that waits for input; the reply is <see cref="TerminalData"/> (empty at end of
/// input), sent to the process wherever it runs by then (as a <see cref="TerminalReply"/> through the device's node),
/// so a process may move while its read waits. <see cref="AsPipe"/>: the descriptor is a pipe on the client's host,
/// not a terminal, so the read takes whatever input there is and is never held for a whole line.
/// </summary>
/// <see cref="NonBlocking"/>: O_NONBLOCK on a pipe's read end; with nothing to read and a writer left, the answer is
/// <see cref="Ssi.Cfs.Pipes.PipeWouldBlock"/> (EAGAIN) at once. <see cref="Group"/>: the reader's process group when
/// this is its controlling terminal; a group other than the foreground one is answered <see cref="TerminalBackground"/>
/// (the reader then stops with SIGTTIN).
public sealed record TerminalRead(long CallId, int Count, Pid Pid, bool AsPipe = false, bool NonBlocking = false, Pid? Group = null) : ISsiMessage;

/// <summary>
/// The caller's process group is not the terminal's foreground group, so the read (or, with TOSTOP, the write or the
/// change of settings) was not done: the caller stops its group with SIGTTIN (SIGTTOU) and tries again once continued.
/// </summary>
public sealed record TerminalBackground(long CallId) : ISsiMessage;

public sealed record TerminalData(long CallId, byte[] Data) : ISsiMessage;

/// <summary>Abandons a waiting read (a signal interrupted it); the reply is <see cref="TerminalReadCancelled"/>, or the data if it came first.</summary>
public sealed record TerminalCancelRead(long CallId, Pid Pid) : ISsiMessage;

public sealed record TerminalReadCancelled(long CallId) : ISsiMessage;

/// <summary>
/// From a terminal to the process layer of its node: deliver <see cref="Reply"/> to process <see cref="Pid"/>, which
/// the device does not know how to find.
/// </summary>
public sealed record TerminalReply(Pid Pid, ISsiMessage Reply) : ISsiMessage;

/// <summary>
/// Output on channel 1 (stdout) or 2 (stderr); the reply <see cref="TerminalWritten"/> comes once the client can take
/// more. <see cref="Group"/>: the writer's process group when this is its controlling terminal and SIGTTOU would stop
/// it; with TOSTOP set, a group other than the foreground one is answered <see cref="TerminalBackground"/>.
/// </summary>
public sealed record TerminalWrite(int Channel, byte[] Data, Pid? Group = null) : ISsiMessage;

public sealed record TerminalWritten(int Count) : ISsiMessage;

/// <summary>
/// ICANON and ECHO on or off together (the older call dbdemo makes). A console tells its client
/// (<see cref="TerminalModeChanged"/>), whose host terminal edits lines; a client's terminal has its own line discipline.
/// </summary>
public sealed record TerminalSetMode(bool Canonical) : ISsiMessage;

public sealed record TerminalModeChanged(bool Canonical) : ISsiMessage;

/// <summary>
/// tcsetpgrp(3): the process group that gets the terminal's signals and may read it. From the node's process layer
/// (a new session) it is not answered; from a process (<see cref="Caller"/> set) the reply is
/// <see cref="TerminalStatus"/>, or <see cref="TerminalBackground"/> for a background caller that SIGTTOU would stop.
/// </summary>
public sealed record TerminalSetForeground(Pid ProcessGroup) : ISsiMessage
{
    /// <summary>The calling process's group, when SIGTTOU would stop it (not ignored, not blocked); null: no check.</summary>
    public Pid? Caller { get; init; }

    /// <summary>The caller wants an answer (a process's tcsetpgrp).</summary>
    public bool Answer { get; init; }
}

/// <summary>tcgetattr, tcgetpgrp and ttyname: the reply is <see cref="TerminalStatus"/>.</summary>
public sealed record TerminalGetStatus : ISsiMessage
{
    public static readonly TerminalGetStatus Instance = new();
}

/// <summary>
/// tcsetattr: the reply is <see cref="TerminalStatus"/>, or <see cref="TerminalBackground"/> for a background caller
/// (<see cref="Caller"/>: its group, when SIGTTOU would stop it).
/// </summary>
public sealed record TerminalSetSettings(TerminalSettings Settings, Pid? Caller = null) : ISsiMessage;

/// <summary>A terminal's settings, its name (/dev/pts/N) and its foreground process group (null: none yet).</summary>
public sealed record TerminalStatus(TerminalSettings Settings, string Name, Pid? Foreground) : ISsiMessage;

// ---- between the terminal and its client (the CLI) ----

/// <summary>Output for the client, numbered so it can acknowledge what it has written.</summary>
public sealed record TerminalOutput(int Channel, byte[] Data, long Sequence) : ISsiMessage;

public sealed record TerminalOutputAck(long Sequence) : ISsiMessage;

/// <summary>From the client: is the terminal (and its node) still there? The terminal answers <see cref="TerminalPong"/>.</summary>
public sealed record TerminalPing(long Number) : ISsiMessage;

public sealed record TerminalPong(long Number) : ISsiMessage;

/// <summary>Keyboard input (or piped stdin) from the client; acknowledged with <see cref="TerminalInputAck"/> once read.</summary>
public sealed record TerminalInput(byte[] Data) : ISsiMessage;

public sealed record TerminalInputAck(long Total) : ISsiMessage;

/// <summary>The client's stdin is closed: reads get end of file once the buffer is empty.</summary>
public sealed record TerminalInputEnd : ISsiMessage
{
    public static readonly TerminalInputEnd Instance = new();
}

/// <summary>Ctrl-C (SIGINT), Ctrl-\ (SIGQUIT) or Ctrl-Z (SIGTSTP) at the client: the signal for the foreground group.</summary>
public sealed record TerminalKey(int Signal) : ISsiMessage;

/// <summary>
/// The terminal heard <see cref="TerminalSessionEnded"/>: the process stops sending it again (it is sent until noted,
/// since a message sent while the link was cut is lost, and the client would wait for ever).
/// </summary>
public sealed record TerminalSessionEndNoted(Pid Pid) : ISsiMessage;

/// <summary>The process the terminal was made for exited; the client reports its status.</summary>
public sealed record TerminalSessionEnded(Pid Pid, int Status) : ISsiMessage
{
    /// <summary>Why, when the process could not end itself (its node was lost): a few words for the client to print.</summary>
    public string? Why { get; init; }
}
