// Signal numbers, names and default actions as on Linux (x86-64), shared by the layers that send signals.
using System.Collections.Immutable;
using System.Globalization;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;

namespace Ssi.Actors.Signals;

/// <summary>What a signal does to a process that neither ignores nor handles it (signal(7)).</summary>
public enum DefaultAction
{
    Terminate,
    /// <summary>Terminate with a core dump; ssi writes no core, so it is a terminate with the core bit set.</summary>
    Core,
    Stop,
    Continue,
    Ignore,
}

public static class Signal
{
    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8,
        SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGSTKFLT = 16,
        SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24,
        SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29, SIGPWR = 30, SIGSYS = 31;

    /// <summary>Highest signal number; real-time signals are not supported.</summary>
    public const int Max = 31;

    private static readonly ImmutableArray<string> Names =
    [
        "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM",
        "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ];

    private static readonly ImmutableArray<string> Descriptions =
    [
        "", "Hangup", "Interrupt", "Quit", "Illegal instruction", "Trace/breakpoint trap", "Aborted", "Bus error",
        "Floating point exception", "Killed", "User defined signal 1", "Segmentation fault", "User defined signal 2",
        "Broken pipe", "Alarm clock", "Terminated", "Stack fault", "Child exited", "Continued", "Stopped (signal)",
        "Stopped", "Stopped (tty input)", "Stopped (tty output)", "Urgent I/O condition", "CPU time limit exceeded",
        "File size limit exceeded", "Virtual timer expired", "Profiling timer expired", "Window changed", "I/O possible",
        "Power failure", "Bad system call",
    ];

    public static bool IsValid(int signal) => signal is >= 1 and <= Max;

    /// <summary>"TERM" for 15.</summary>
    public static string Name(int signal) => IsValid(signal) ? Names[signal] : signal.ToString(CultureInfo.InvariantCulture);

    /// <summary>strsignal(3): "Terminated" for 15.</summary>
    public static string Describe(int signal) => IsValid(signal) ? Descriptions[signal] : $"Unknown signal {signal}";

    /// <summary>Parses "TERM", "SIGTERM", "term" or "15"; 0 (the existence check of kill) is accepted too.</summary>
    public static bool TryParse(string text, out int signal)
    {
        signal = 0;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            signal = number;
            return number == 0 || IsValid(number);
        }
        var name = text.ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal)) name = name[3..];
        var index = Names.IndexOf(name);
        if (index < 1) return false;
        signal = index;
        return true;
    }

    /// <summary>The default action of a signal (signal(7)).</summary>
    public static DefaultAction DefaultActionOf(int signal) => signal switch
    {
        SIGQUIT or SIGILL or SIGTRAP or SIGABRT or SIGBUS or SIGFPE or SIGSEGV or SIGXCPU or SIGXFSZ or SIGSYS => DefaultAction.Core,
        SIGCHLD or SIGURG or SIGWINCH => DefaultAction.Ignore,
        SIGSTOP or SIGTSTP or SIGTTIN or SIGTTOU => DefaultAction.Stop,
        SIGCONT => DefaultAction.Continue,
        _ => DefaultAction.Terminate,
    };

    /// <summary>SIGKILL and SIGSTOP can be neither caught, ignored nor blocked.</summary>
    public static bool IsUncatchable(int signal) => signal is SIGKILL or SIGSTOP;

    /// <summary>The bit of a signal in a mask or pending set.</summary>
    public static ulong Bit(int signal) => 1UL << (signal - 1);
}

/// <summary>
/// A signal for every process of a group, from a part of the system that does not know processes (a terminal's
/// Ctrl-C). The process layer of the node that receives it delivers it.
/// </summary>
public sealed record SignalProcessGroup(Pid ProcessGroup, int Signal) : ISsiMessage;
