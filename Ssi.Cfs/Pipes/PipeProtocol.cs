// Messages of a pipe: its ends' references, and writes (reads are a terminal's TerminalRead, answered the same way).
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;

namespace Ssi.Cfs.Pipes;

public enum PipeEnd
{
    Read = 0,
    Write = 1,
}

/// <summary>
/// One more descriptor of process <see cref="Holder"/> refers to an end (dup, fork, a move that copies nothing does not
/// count); answered with <see cref="PipeRetained"/>, so the caller knows it counts before another process may close
/// its own copy. A fork counts the child's copies as its parent's until the child takes them (<see cref="PipeHandOver"/>).
/// </summary>
public sealed record PipeRetain(PipeEnd End, Pid Holder) : ISsiMessage;

public sealed record PipeRetained(PipeEnd End) : ISsiMessage;

/// <summary>A descriptor of an end was closed (close, exit, exec's close-on-exec, dup2 over it); no answer.</summary>
public sealed record PipeRelease(PipeEnd End, Pid Holder) : ISsiMessage;

/// <summary>A forked child, once born, takes one reference to an end from its parent, which counted it (no answer).</summary>
public sealed record PipeHandOver(PipeEnd End, Pid From, Pid To) : ISsiMessage;

/// <summary>
/// write(2) by process <see cref="Pid"/>. The answer, sent to the process wherever it runs by then (as a terminal
/// answers reads), is <see cref="PipeWritten"/> once all of <see cref="Data"/> is in the pipe, or
/// <see cref="PipeBroken"/> when no reader is left. A terminal's TerminalCancelRead with the same call id gives it up.
/// </summary>
/// <see cref="NonBlocking"/>: O_NONBLOCK; what does not fit now is not waited for (<see cref="PipeWouldBlock"/>, or a short count).
public sealed record PipeWrite(long CallId, byte[] Data, Pid Pid, bool NonBlocking = false) : ISsiMessage;

/// <summary>An O_NONBLOCK read or write that would have had to wait: EAGAIN.</summary>
public sealed record PipeWouldBlock(long CallId) : ISsiMessage;

/// <summary><see cref="Count"/> bytes of write <see cref="CallId"/> went in (fewer than asked only when it was cancelled).</summary>
public sealed record PipeWritten(long CallId, int Count) : ISsiMessage;

/// <summary>Nobody can read what write <see cref="CallId"/> would put in: EPIPE and SIGPIPE for the writer.</summary>
public sealed record PipeBroken(long CallId) : ISsiMessage;

/// <summary>
/// open(2) of a FIFO's end by process <see cref="Pid"/>, answered (to the process, as reads are) with
/// <see cref="PipeOpened"/> once the other end is open too, at once with <see cref="NonBlocking"/> for reading, or
/// with <see cref="PipeOpenRefused"/> (ENXIO) for a non-blocking write with no reader. The end counts from now.
/// </summary>
public sealed record PipeOpen(long CallId, PipeEnd End, Pid Pid, bool NonBlocking) : ISsiMessage;

public sealed record PipeOpened(long CallId) : ISsiMessage;

public sealed record PipeOpenRefused(long CallId, Errno Errno) : ISsiMessage;

/// <summary>Asks a node's process layer for a new pipe there for process <see cref="Holder"/>; answered with <see cref="PipeMade"/>.</summary>
public sealed record MakePipe(Pid Holder) : ISsiMessage;

/// <summary>A new pipe with one reference to each end, both the holder's.</summary>
public sealed record PipeMade(IActorRef Pipe) : ISsiMessage;

/// <summary>
/// To a node's process layer, from a pipe when a node has left: which of these processes died with it? A PID that
/// answers ESRCH twice, a few seconds apart, is gone (right after the loss of its origin node a live process's PID
/// answers ESRCH until it has told the stand-in where it is). The answer is <see cref="ProcessesGone"/>.
/// </summary>
public sealed record WhichAreGone(Pid[] Pids) : ISsiMessage;

public sealed record ProcessesGone(Pid[] Pids) : ISsiMessage;
