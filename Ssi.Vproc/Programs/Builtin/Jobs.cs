// nohup and timeout: running a command immune to hang-ups, or for a limited time, as GNU coreutils do.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// nohup COMMAND [ARG]...: runs COMMAND (from /bin unless it has a slash) with SIGHUP ignored. A terminal on stdin is
/// replaced by /dev/null opened for writing (so reads fail), a terminal on stdout by nohup.out (appended, mode 0600;
/// $HOME/nohup.out if the working directory refuses it), and a terminal on stderr by stdout, each said on stderr
/// first as GNU words it. A terminal is a character device that is not one of the memory devices (fstat is all
/// isatty has here). Status 125 if nohup fails, 126 if COMMAND cannot run, 127 if it is not found.
/// </summary>
public sealed class Nohup : Program
{
    private static readonly OptionSpec Spec = new("", [], """
        Usage: nohup COMMAND [ARG]...
          or:  nohup OPTION
        Run COMMAND, ignoring hangup signals.

              --help     display this help and exit

        If standard input is a terminal, redirect it from an unreadable file.
        If standard output is a terminal, append output to 'nohup.out' if possible,
        '$HOME/nohup.out' otherwise.
        If standard error is a terminal, redirect it to standard output.
        To save output to FILE, use 'nohup COMMAND > FILE'.

        """, FailStatus: 125);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        // Options end at the command: "nohup ls -l" gives -l to ls.
        var split = p.Args.Length > 1 && p.Args[1].StartsWith('-') && p.Args[1] != "-" ? 2 : 1;
        var o = Options.Parse(p.Args[1..split], Spec);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var argv = o.Operands.Concat(p.Args[split..]).ToArray();
        if (argv.Length == 0)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, "missing operand")) yield return call;
            yield break;
        }
        var terminals = new bool[3];
        for (var fd = 0; fd < 3; fd++)
        {
            yield return new Fstat(new Fd(fd));
            terminals[fd] = !p.Failed && IsTerminal(p.Result.Stat!);
        }
        var (ignoringInput, redirectingStdout, redirectingStderr) = (terminals[0], terminals[1], terminals[2]);
        if (ignoringInput)
        {
            yield return new Open("/dev/null", OpenFlags.WriteOnly);
            if (!p.Failed)
            {
                var devNull = p.Result.Fd;
                yield return new Dup2(devNull, Fd.Stdin);
                if (devNull != Fd.Stdin) yield return new Close(devNull);
            }
            if (!redirectingStdout && !redirectingStderr) yield return Io.Complain(p, "ignoring input");
        }
        if (redirectingStdout)
        {
            var file = "nohup.out";
            yield return new Open(file, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Append, 0x180);
            if (p.Failed && p.Environment.TryGetValue("HOME", out var home))
            {
                file = home.TrimEnd('/') + "/nohup.out";
                yield return new Open(file, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Append, 0x180);
            }
            if (p.Failed)
            {
                yield return Io.Complain(p, $"failed to open {Io.Quote(file)}", p.Result.Error!.Value);
                yield return new Exit(125);
                yield break;
            }
            var output = p.Result.Fd;
            yield return Io.Complain(p, ignoringInput ? $"ignoring input and appending output to {Io.Quote(file)}" : $"appending output to {Io.Quote(file)}");
            yield return new Dup2(output, Fd.Stdout);
            if (output != Fd.Stdout) yield return new Close(output);
        }
        if (redirectingStderr)
        {
            if (!redirectingStdout) yield return Io.Complain(p, ignoringInput ? "ignoring input and redirecting stderr to stdout" : "redirecting stderr to stdout");
            yield return new Dup2(Fd.Stdout, Fd.Stderr);
        }
        yield return new SigAction(Signal.SIGHUP, Disposition.Ignore);
        var program = argv[0];
        yield return new Exec(program.Contains('/') ? program : "/bin/" + program, argv);
        var error = p.Result.Error ?? Errno.EIO;
        yield return Io.Complain(p, $"failed to run command {Io.Quote(program)}", error);
        yield return new Exit(error is Errno.ENOENT or Errno.ENOTDIR ? 127 : 126);
    }

    /// <summary>isatty as far as fstat tells: a character device that is none of the memory devices (/dev/null and its kind).</summary>
    internal static bool IsTerminal(InodeAttributes stat) => stat.Type == InodeType.CharDevice && MemoryDevices.Find(stat.Device) is null;
}

/// <summary>
/// timeout [-s SIGNAL] [-k DURATION] [--preserve-status] [-v] DURATION COMMAND [ARG]...: runs COMMAND as a child and
/// sends it SIGNAL (TERM) after DURATION (0: never), then SIGKILL after the -k DURATION if it is still there. Its
/// status is COMMAND's, or 124 if it timed out (137 if SIGKILL ended it, COMMAND's own with --preserve-status); 125
/// if timeout fails, 126 and 127 if COMMAND cannot run or is not found. The timer is a second child that sleeps
/// (the cluster has no alarm(2)), so waiting for whichever ends first is a plain wait for any child.
/// </summary>
public sealed class Timeout : Program
{
    private static readonly OptionSpec Spec = new("s:k:v", ["signal=s", "kill-after=k", "verbose=v", "preserve-status", "foreground"], """
        Usage: timeout [OPTION] DURATION COMMAND [ARG]...
          or:  timeout [OPTION]
        Start COMMAND, and kill it if still running after DURATION.

              --preserve-status
                         exit with the same status as COMMAND, even when the
                           command times out
              --foreground
                         accepted; COMMAND always runs as a child in timeout's group
          -k, --kill-after=DURATION
                         also send a KILL signal if COMMAND is still running
                           this long after the initial signal was sent
          -s, --signal=SIGNAL
                         specify the signal to be sent on timeout;
                           SIGNAL may be a name like 'HUP' or a number;
                           see 'kill -l' for a list of signals
          -v, --verbose  diagnose to stderr any signal sent upon timeout
              --help     display this help and exit

        DURATION is a floating point number with an optional suffix:
        's' for seconds (the default), 'm' for minutes, 'h' for hours or 'd' for days.
        A duration of 0 disables the associated timeout.

        Upon timeout, send the TERM signal to COMMAND, if no other SIGNAL specified.

        """, FailStatus: 125);

    private const int TimedOut = 124;

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Options.Parse(p.Args[1..OptionsEnd(p.Args)], Spec);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var rest = o.Operands.Concat(p.Args[OptionsEnd(p.Args)..]).ToArray();
        var signal = Signal.SIGTERM;
        if (o.Value('s') is { } name && (!Signal.TryParse(name, out signal) || signal == 0))
        {
            yield return Io.Complain(p, $"{name}: invalid signal");
            foreach (var call in CommandLine.Refuse(p, Spec, null)) yield return call;
            yield break;
        }
        TimeSpan? killAfter = null;
        if (o.Value('k') is { } after && (killAfter = Sleep.Parse(after)) is null)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, $"invalid time interval {Io.Quote(after)}")) yield return call;
            yield break;
        }
        if (rest.Length < 2)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, rest.Length == 0 ? "missing operand" : $"missing operand after {Io.Quote(rest[0])}")) yield return call;
            yield break;
        }
        if (Sleep.Parse(rest[0]) is not { } duration)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, $"invalid time interval {Io.Quote(rest[0])}")) yield return call;
            yield break;
        }
        var argv = rest[1..];
        yield return new Fork();
        if (p.Failed)
        {
            yield return Io.Complain(p, "fork system call failed", p.Result.Error!.Value);
            yield return new Exit(125);
            yield break;
        }
        if (p.Result.Value == 0)
        {
            var program = argv[0];
            yield return new Exec(program.Contains('/') ? program : "/bin/" + program, argv);
            var error = p.Result.Error ?? Errno.EIO;
            yield return Io.Complain(p, $"failed to run command {Io.Quote(program)}", error);
            yield return new Exit(error is Errno.ENOENT or Errno.ENOTDIR ? 127 : 126);
            yield break;
        }
        var command = p.Result.Int;
        var timedOut = false;
        var timer = 0;
        if (duration > TimeSpan.Zero)
        {
            foreach (var call in StartTimer(p, duration)) yield return call;
            if (p.Failed)
            {
                yield return Io.Complain(p, "fork system call failed", p.Result.Error!.Value);
                yield return new Programs.Kill(command, Signal.SIGKILL);
                yield return new Exit(125);
                yield break;
            }
            timer = p.Result.Int;
        }
        int status;
        while (true)
        {
            yield return new Wait(-1);
            if (p.Failed && p.Result.Error == Errno.EINTR) continue;
            if (p.Failed)
            {
                yield return Io.Complain(p, "wait", p.Result.Error!.Value);
                yield return new Exit(125);
                yield break;
            }
            if (p.Result.Int == command)
            {
                status = p.Result.Status;
                break;
            }
            if (p.Result.Int != timer) continue;
            // The timer went off: the signal, then SIGCONT (a stopped command must see it), and maybe a second timer for SIGKILL.
            timer = 0;
            var send = timedOut ? Signal.SIGKILL : signal;
            timedOut = true;
            if (o.Has('v')) yield return Io.Complain(p, $"sending signal {Signal.Name(send)} to command {Io.Quote(argv[0])}");
            yield return new Programs.Kill(command, send);
            if (send is not (Signal.SIGKILL or Signal.SIGCONT)) yield return new Programs.Kill(command, Signal.SIGCONT);
            if (send != Signal.SIGKILL && killAfter is { } grace && grace > TimeSpan.Zero)
            {
                foreach (var call in StartTimer(p, grace)) yield return call;
                timer = p.Failed ? 0 : p.Result.Int;
            }
        }
        if (timer != 0)
        {
            yield return new Programs.Kill(timer, Signal.SIGKILL);
            yield return new Wait(timer);
        }
        var preserve = o.Has("preserve-status");
        if (WaitStatus.IfSignaled(status))
        {
            var killer = WaitStatus.TermSig(status);
            if (timedOut && killer == Signal.SIGKILL) preserve = true;
            if (!timedOut)
            {
                // Die as the command did, so that whoever waits sees the same signal.
                yield return new SigAction(killer, Disposition.Default);
                yield return new GetPid();
                yield return new Programs.Kill(p.Result.Int, killer);
            }
            yield return new Exit(timedOut && !preserve ? TimedOut : 128 + killer);
            yield break;
        }
        yield return new Exit(timedOut && !preserve ? TimedOut : WaitStatus.ExitStatus(status));
    }

    /// <summary>Forks the timer: a child that sleeps for <paramref name="duration"/> (in pieces a day long at most) and exits; its PID is the result.</summary>
    private static IEnumerable<SystemCall> StartTimer(ProcessContext p, TimeSpan duration)
    {
        yield return new Fork();
        if (p.Failed || p.Result.Value != 0) yield break;
        var left = duration;
        while (left > TimeSpan.Zero)
        {
            var piece = left > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : left;
            yield return new Programs.Sleep(piece);
            if (!p.Failed) left -= piece;
        }
        yield return new Exit(0);
    }

    // Options end at DURATION, the first operand: "timeout 5 ls -l" gives -l to ls.
    private static int OptionsEnd(string[] args)
    {
        for (var i = 1; i < args.Length; i++)
        {
            var a = args[i];
            if (a == "--") return i + 1;
            if (a.Length < 2 || a[0] != '-') return i;
            if (a is "--signal" or "--kill-after" || (!a.StartsWith("--", StringComparison.Ordinal) && a[^1] is 's' or 'k')) i++;
        }
        return args.Length;
    }
}
