// The system calls a program can make: one record each. A program yields one and reads its result from the context.
using System.Collections.Immutable;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs;

/// <summary>A system call. Programs talk to the world only through these; each returns a <see cref="SysResult"/>.</summary>
public abstract record SystemCall;

// ---- files (through the cluster file system's open file descriptions) ----
/// <summary>open(2): the result's value is the new descriptor (the lowest free one).</summary>
public sealed record Open(string Path, OpenFlags Flags = OpenFlags.ReadOnly, int Mode = 0x1B6) : SystemCall;
/// <summary>
/// read(2): the result's <see cref="SysResult.Data"/> holds the bytes; none at end of file. With a
/// <see cref="Timeout"/>, a read of a terminal that has no input within it fails with EAGAIN (zero: do not wait,
/// as with O_NONBLOCK).
/// </summary>
public sealed record Read(Fd Fd, int Count, TimeSpan? Timeout = null) : SystemCall;
/// <summary>write(2): the value is the number of bytes written.</summary>
public sealed record Write(Fd Fd, byte[] Data) : SystemCall;
public sealed record Close(Fd Fd) : SystemCall;
/// <summary>
/// pipe(2): a new pipe on this node; the value is the read end's descriptor, <see cref="SysResult.PipeEnds"/> has both
/// (the lowest two free descriptors).
/// </summary>
/// <summary>pipe2(2): <see cref="NonBlocking"/> is O_NONBLOCK on both ends.</summary>
public sealed record Pipe(bool NonBlocking = false) : SystemCall;
public sealed record Dup(Fd Fd) : SystemCall;
public sealed record Dup2(Fd Fd, Fd NewFd) : SystemCall;
/// <summary>fcntl(F_SETFD, FD_CLOEXEC).</summary>
public sealed record SetCloseOnExec(Fd Fd, bool CloseOnExec) : SystemCall;
public sealed record Seek(Fd Fd, long Offset, Whence Whence = Whence.Set) : SystemCall;
/// <summary>stat(2), or lstat(2) when <see cref="FollowLast"/> is false: the result's <see cref="SysResult.Stat"/>.</summary>
public sealed record Stat(string Path, bool FollowLast = true) : SystemCall;
public sealed record Fstat(Fd Fd) : SystemCall;
/// <summary>The entries of a directory (getdents), in the result's <see cref="SysResult.Entries"/>.</summary>
public sealed record ReadDirectory(string Path) : SystemCall;
public sealed record Mkdir(string Path, int Mode = 0x1FF) : SystemCall;
/// <summary>mknod(2): a FIFO for anyone who may write the directory, a device node with its number for root only (EPERM).</summary>
public sealed record Mknod(string Path, InodeType Type, int Mode = 0x1B6, DeviceNumber Device = default) : SystemCall;
public sealed record Unlink(string Path) : SystemCall;
public sealed record Rmdir(string Path) : SystemCall;
public sealed record Rename(string From, string To) : SystemCall;
/// <summary>symlink(2): a link at <see cref="Path"/> holding <see cref="Target"/> as written.</summary>
public sealed record Symlink(string Target, string Path) : SystemCall;
/// <summary>link(2): a second name for an existing file.</summary>
public sealed record Link(string Existing, string Path) : SystemCall;
/// <summary>readlink(2): the link's target in the result's <see cref="SysResult.Text"/>.</summary>
public sealed record ReadLink(string Path) : SystemCall;
/// <summary>chmod(2): the mode bits exactly (no umask).</summary>
public sealed record Chmod(string Path, int Mode) : SystemCall;
/// <summary>
/// utimensat(2): each time is given, now, or kept (<see cref="TimeChange"/>); a given time needs the owner or root
/// (EPERM), now for both needs write permission (EACCES). <see cref="FollowLast"/> false is AT_SYMLINK_NOFOLLOW.
/// </summary>
public sealed record SetTimes(string Path, TimeChange Atime, TimeChange Mtime, bool FollowLast = true) : SystemCall;
/// <summary>sync(2); with a path, fsync(2) of that file (ENOENT if it is missing), which here syncs the one store too.</summary>
public sealed record Sync(string? Path = null) : SystemCall;
/// <summary>statfs(2) of the file system that holds the path: the store's usage in <see cref="SysResult.Usage"/>.</summary>
public sealed record StatFs(string Path) : SystemCall;
public sealed record Chdir(string Path) : SystemCall;
/// <summary>getcwd(3): the result's <see cref="SysResult.Text"/>.</summary>
public sealed record GetCwd : SystemCall;
/// <summary>
/// ICANON and ECHO of a terminal together: canonical with echo (reads return whole lines, the default) or not (each key
/// as it comes, unechoed). The older form of <see cref="TcSetAttr"/>.
/// </summary>
public sealed record SetTerminalMode(Fd Fd, bool Canonical) : SystemCall;
/// <summary>umask(2): the value is the previous mask.</summary>
public sealed record Umask(int Mask) : SystemCall;

// ---- terminals: termios, the foreground process group, names (decided in ProcessCore/TerminalCalls.cs) ----
/// <summary>tcgetattr(3): the settings in <see cref="SysResult.Terminal"/>; ENOTTY on a descriptor that is not a terminal.</summary>
public sealed record TcGetAttr(Fd Fd) : SystemCall;
/// <summary>
/// tcsetattr(3) (TCSANOW): ENOTTY on a non-terminal. From a background process group of its controlling terminal the
/// caller's group gets SIGTTOU first (unless SIGTTOU is ignored or blocked), as Linux does.
/// </summary>
public sealed record TcSetAttr(Fd Fd, TerminalSettings Settings) : SystemCall;
/// <summary>tcgetpgrp(3): the value is the terminal's foreground process group (0 while it has none).</summary>
public sealed record TcGetPgrp(Fd Fd) : SystemCall;
/// <summary>
/// tcsetpgrp(3): makes <see cref="Pgid"/> the foreground group of the caller's controlling terminal (ENOTTY if
/// <see cref="Fd"/> is not it). A background caller gets SIGTTOU unless it ignores or blocks it, as a shell does.
/// </summary>
public sealed record TcSetPgrp(Fd Fd, int Pgid) : SystemCall;
/// <summary>isatty(3): the value is 1 for a terminal; ENOTTY otherwise (EBADF for no descriptor).</summary>
public sealed record IsATerminal(Fd Fd) : SystemCall;
/// <summary>ttyname(3): the terminal's name (/dev/pts/N, /dev/console) in <see cref="SysResult.Text"/>; ENOTTY otherwise.</summary>
public sealed record TtyName(Fd Fd) : SystemCall;

// ---- processes ----
/// <summary>
/// fork(2), or rfork to another node when <see cref="Node"/> is set: the parent's value is the child's PID, the
/// child's is 0. The child shares the parent's open file descriptions and continues from this point in a copy of the
/// program's state.
/// </summary>
public sealed record Fork(NodeNumber? Node = null) : SystemCall;
/// <summary>
/// execve(2) of a program in the root image, or of a script whose first line is <c>#!INTERPRETER [ARG]</c>; on success
/// it does not return. <see cref="Environment"/> is envp: the new program's environment (null keeps the current one).
/// </summary>
public sealed record Exec(string Path, string[] Args, ImmutableDictionary<string, string>? Environment = null) : SystemCall;
public sealed record Exit(int Code) : SystemCall;
/// <summary>
/// waitpid(2) (its argument is a pid_t selector, not a PID): a child's PID, -1 for any child, 0 for any child in the
/// caller's process group, -PGID for any child in that group. The value is the child's PID (0 with WNOHANG and none
/// ready), the status in <see cref="SysResult.Status"/>: an exit (the zombie is reaped), or with
/// <see cref="WaitOptions.Untraced"/> a stop and with <see cref="WaitOptions.Continued"/> a continue, each reported once.
/// </summary>
public sealed record Wait(int Pid = -1, WaitOptions Options = WaitOptions.None) : SystemCall;
public sealed record GetPid : SystemCall;
public sealed record GetPpid : SystemCall;
/// <summary>setpgid(2) and getpgid(2), with pid_t arguments as in C: 0 means the caller's own PID.</summary>
public sealed record SetPgid(int Pid, int Pgid) : SystemCall;
public sealed record GetPgid(int Pid) : SystemCall;
public sealed record SetSid : SystemCall;
/// <summary>The number of the node the process runs on (OpenSSI's clusternode_num).</summary>
public sealed record GetNode : SystemCall;
/// <summary>getpriority(PRIO_PROCESS, 0): the value is the caller's niceness (-20..19).</summary>
public sealed record GetNice : SystemCall;
/// <summary>
/// setpriority(PRIO_PROCESS, 0): the niceness, clamped to -20..19; anyone may raise it, only root lower it (EACCES, as Linux's setpriority).
/// Fork and exec keep it. The value is the new niceness.
/// </summary>
public sealed record SetNice(int Nice) : SystemCall;
/// <summary>clock_gettime(CLOCK_REALTIME): the value is microseconds since the Unix epoch, from the node's clock.</summary>
public sealed record GetTime : SystemCall;

// ---- credentials ----
/// <summary>getuid(2): the real user id (the cluster has no set-uid programs, so it is also the effective one).</summary>
public sealed record GetUid : SystemCall;
/// <summary>geteuid(2).</summary>
public sealed record GetEuid : SystemCall;
/// <summary>getgid(2): the primary group id.</summary>
public sealed record GetGid : SystemCall;
/// <summary>getegid(2).</summary>
public sealed record GetEgid : SystemCall;
/// <summary>getgroups(2): the value is their count, <see cref="SysResult.Text"/> the supplementary group ids separated by spaces.</summary>
public sealed record GetGroups : SystemCall;

// ---- signals ----
/// <summary>kill(2) with its pid_t selector, not a PID: a PID, -PGID for a group, -1 for every process the caller may signal; signal 0 only checks.</summary>
public sealed record Kill(int Pid, int Signal) : SystemCall;
/// <summary>
/// sigaction(2); the value is the previous disposition. <see cref="Restart"/> is SA_RESTART: a read, write, wait or
/// FIFO open that the handled signal interrupts starts again after the handler instead of failing with EINTR.
/// </summary>
public sealed record SigAction(int Signal, Disposition Disposition, bool Restart = false) : SystemCall;
/// <summary>sigprocmask(2); the value is the previous mask (bit n-1 for signal n).</summary>
public sealed record SigProcMask(MaskHow How, ulong Mask) : SystemCall;
/// <summary>pause(2): returns EINTR once a handled signal has run.</summary>
public sealed record Pause : SystemCall;
/// <summary>nanosleep(2): EINTR if a handled signal interrupts it.</summary>
public sealed record Sleep(TimeSpan Duration) : SystemCall;

// ---- the cluster ----
/// <summary>Every process in the cluster (what ps and /proc show), in <see cref="SysResult.Processes"/>.</summary>
public sealed record ListProcesses : SystemCall;
/// <summary>Moves the calling process to another node; it continues there after this call, with 0 as its result.</summary>
public sealed record Migrate(NodeNumber Node) : SystemCall;
/// <summary>rexec: exec on another node; the process moves there (keeping its PID) and then execs.</summary>
public sealed record Rexec(NodeNumber Node, string Path, string[] Args, ImmutableDictionary<string, string>? Environment = null) : SystemCall;
/// <summary>The numbers of the nodes that are up, in <see cref="SysResult.Text"/> separated by spaces.</summary>
public sealed record ListNodes : SystemCall;
/// <summary>The node a process runs on (where_pid).</summary>
public sealed record WhereIs(Pid Pid) : SystemCall;

[Flags]
public enum WaitOptions
{
    None = 0,
    /// <summary>WNOHANG: 0 at once when no child has anything to report.</summary>
    NoHang = 1,
    /// <summary>WUNTRACED: also report a child stopped by a signal, once (<see cref="WaitStatus.Stopped"/>).</summary>
    Untraced = 2,
    /// <summary>WCONTINUED: also report a stopped child that SIGCONT continued, once (<see cref="WaitStatus.Continued"/>).</summary>
    Continued = 8,
}

public enum Disposition
{
    Default = 0,
    Ignore = 1,
    /// <summary>Run the program's <see cref="Program.OnSignal"/>.</summary>
    Handle = 2,
}

public enum MaskHow
{
    Block = 0,
    Unblock = 1,
    SetMask = 2,
}
