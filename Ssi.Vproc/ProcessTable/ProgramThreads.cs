// The threads programs run on: their OS priority (below the node's own, as user processes are below the kernel) and
// the CPU time they use.
using System.Runtime.InteropServices;

namespace Ssi.Vproc.ProcessTable;

/// <summary>
/// A node must keep answering heartbeats while its programs compute: on a busy machine the failure detector would
/// otherwise take a node whose CPUs are full of runnable processes for dead. So each program thread lowers its own
/// scheduling priority (Linux nice, per thread) once, the first time it runs a program; raising nice needs no privilege.
/// </summary>
internal static class ProgramThreads
{
    [ThreadStatic] private static bool _niced;

    public static void EnsureNiced(int nice)
    {
        if (_niced || nice <= 0) return;
        _niced = true;
        // gettid has no .NET API; its system call number depends on the architecture.
        long? gettid = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 186,
            Architecture.Arm64 => 178,
            _ => null,
        };
        if (!OperatingSystem.IsLinux() || gettid is null) return;
        var tid = (int)syscall(gettid.Value);
        if (tid > 0) _ = setpriority(PrioProcess, tid, Math.Min(nice, 19)); // best effort: a failure leaves it as it was
    }

    /// <summary>
    /// CPU time the calling thread has used (Linux CLOCK_THREAD_CPUTIME_ID), or null where it cannot be read: a turn
    /// timed by the wall clock would count the time other threads had the CPU too.
    /// </summary>
    public static TimeSpan? ThreadCpuTime()
    {
        if (!OperatingSystem.IsLinux() || clock_gettime(ClockThreadCpuTime, out var t) != 0) return null;
        return TimeSpan.FromTicks(t.Seconds * TimeSpan.TicksPerSecond + t.Nanoseconds / 100);
    }

    private const int PrioProcess = 0;
    private const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clock, out Timespec time);

    [DllImport("libc", SetLastError = true)]
    private static extern long syscall(long number);

    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int prio);
}
