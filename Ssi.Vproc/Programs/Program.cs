// The program model: a program is plain data plus an iterator that yields system calls (see docs/programs.md).
using System.Collections.Immutable;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Service;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Vproc.Programs;

/// <summary>
/// A program. <see cref="Main"/> yields one <see cref="SystemCall"/> at a time; before it is resumed, the result is
/// in <see cref="ProcessContext.Result"/>. The iterator's state (locals, loop positions) lives in fields the compiler
/// generates, so the whole execution state is plain data between two system calls: it can be copied for fork and
/// moved to another node. Rules: keep only plain data across a yield (no streams, tasks, delegates or locks), reach
/// everything of the node through system calls, and never swallow exceptions (a thrown exception kills the process
/// like SIGSEGV). Falling off the end of <see cref="Main"/> is exit(0).
/// </summary>
public abstract class Program
{
    public abstract IEnumerable<SystemCall> Main(ProcessContext p);

    /// <summary>
    /// The handler of every signal whose disposition is <see cref="Disposition.Handle"/>. It runs between two system
    /// calls of <see cref="Main"/>, with the signal blocked, and may make system calls of its own.
    /// </summary>
    public virtual IEnumerable<SystemCall> OnSignal(ProcessContext p, int signal)
    {
        yield break;
    }
}

/// <summary>What a program sees of its process: its arguments, environment, and the result of its last system call.</summary>
public sealed class ProcessContext
{
    public ProcessContext(string[] args, ImmutableDictionary<string, string> environment)
    {
        Args = args;
        Environment = environment;
    }

    /// <summary>argv, with the program's name first.</summary>
    public string[] Args { get; }

    public ImmutableDictionary<string, string> Environment { get; }

    /// <summary>The result of the system call the program yielded last.</summary>
    public SysResult Result { get; set; } = SysResult.Ok(0);

    /// <summary>The signal whose handler is running, if one is.</summary>
    public int Signal { get; set; }

    public bool Failed => Result.Error is not null;

    public string Name => Args.Length > 0 ? Args[0] : "?";

    /// <summary>The tool's name as its messages begin: argv[0] without its directory ("ls" for "/bin/ls").</summary>
    public string Tool => System.IO.Path.GetFileName(Name);

    /// <summary>"name: message" for error output, as coreutils word it.</summary>
    public byte[] ErrorLine(string message) => Io.Bytes($"{Tool}: {message}\n");

    /// <summary>"name: what: strerror" for the failed last call.</summary>
    public byte[] ErrorLine(string what, Errno errno) => ErrorLine($"{what}: {errno.Describe()}");
}

/// <summary>The result of a system call: a value or an errno, and what the call returns besides.</summary>
public sealed record SysResult(long Value, Errno? Error = null)
{
    public byte[] Data { get; init; } = [];
    public InodeAttributes? Stat { get; init; }
    public ImmutableArray<FsEntry> Entries { get; init; } = [];
    /// <summary>What statfs(2) says of the store.</summary>
    public Ssi.Cfs.Storage.StoreUsage? Usage { get; init; }
    public string Text { get; init; } = "";
    /// <summary>The wait status of <see cref="Wait"/>, encoded as Linux does (see <see cref="WaitStatus"/>).</summary>
    public int Status { get; init; }
    public ImmutableArray<ProcessInfo> Processes { get; init; } = [];
    /// <summary>A terminal's settings (tcgetattr).</summary>
    public Ssi.Cfs.Devices.TerminalSettings? Terminal { get; init; }
    /// <summary>
    /// With <see cref="Restart"/>: the call was not made because the process is stopping (a background read of its
    /// terminal, SIGTTIN); it is made again when the process next steps, unless a handler without SA_RESTART runs
    /// first (then it fails with EINTR), as Linux's ERESTARTSYS.
    /// </summary>
    public bool RestartAfterStop { get; init; }

    /// <summary>EINTR from a call that SA_RESTART starts again once the handler has run: the call to make again.</summary>
    public SystemCall? Restart { get; init; }
    /// <summary>The descriptors pipe(2) made: fds[0] to read, fds[1] to write.</summary>
    public (Fd Read, Fd Write) PipeEnds { get; init; }

    public int Int => (int)Value;

    /// <summary>The value as the descriptor that open, dup and dup2 return.</summary>
    public Fd Fd => new(Int);

    /// <summary>The value as the PID that fork, wait, getpid and getppid return.</summary>
    public Pid Pid => new(Int);

    public static SysResult Ok(long value) => new(value);
    public static SysResult Fail(Errno errno) => new(-1, errno);
}

/// <summary>The status word of wait(2), with the macros of sys/wait.h.</summary>
public static class WaitStatus
{
    public static int Exited(int code) => (code & 0xFF) << 8;
    public static int Signaled(int signal, bool core = false) => (signal & 0x7F) | (core ? 0x80 : 0);
    public static int Stopped(int signal) => ((signal & 0xFF) << 8) | 0x7F;
    /// <summary>The status of a stopped child that SIGCONT continued (WCONTINUED).</summary>
    public const int Continued = 0xFFFF;

    public static bool IfExited(int status) => (status & 0x7F) == 0;
    public static int ExitStatus(int status) => (status >> 8) & 0xFF;
    public static bool IfSignaled(int status) => (status & 0x7F) is not 0 and not 0x7F;
    public static int TermSig(int status) => status & 0x7F;
    public static bool CoreDumped(int status) => (status & 0x80) != 0;
    public static bool IfStopped(int status) => (status & 0xFF) == 0x7F;
    public static int StopSig(int status) => (status >> 8) & 0xFF;
    public static bool IfContinued(int status) => status == Continued;

    /// <summary>What a shell reports as the exit code: the code, or 128 + the signal that ended or stopped it.</summary>
    public static int ShellCode(int status) => IfExited(status) ? ExitStatus(status) : IfStopped(status) ? 128 + StopSig(status) : 128 + TermSig(status);
}
