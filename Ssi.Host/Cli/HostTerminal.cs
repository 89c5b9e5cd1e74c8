// The CLI's own terminal: which standard streams are terminals, and the host's line discipline switched off while attached.
using System.Runtime.InteropServices;

namespace Ssi.Host.Cli;

/// <summary>
/// <c>ssi run</c> attached to a host terminal puts it in raw mode for the whole attachment (<see cref="SetRaw"/>):
/// no ICANON, ECHO, ISIG, IEXTEN or input mapping, so every key goes to the cluster's terminal device as typed and its
/// line discipline edits, echoes and turns Ctrl-C into SIGINT (docs/processes.md, "Terminals"). Output processing
/// (OPOST, ONLCR) stays the host's. <c>ssi console</c>, whose console has no line discipline, only clears ICANON and
/// ECHO while a program asks for single keys (<see cref="SetCanonical"/>). The settings found at first change are put
/// back by <see cref="Restore"/>, which also runs when the process exits, is terminated or dies of an unhandled
/// exception, so no exit path leaves the user's shell without echo.
/// </summary>
public static class HostTerminal
{
    private const uint Icanon = 0x2, Echo = 0x8, Isig = 0x1, Iexten = 0x8000, Echonl = 0x40;
    private const uint Inlcr = 0x40, Igncr = 0x80, Icrnl = 0x100, Ixon = 0x400;
    private static bool _raw;
    private const int Vtime = 5, Vmin = 6;
    private static readonly Lock Gate = new();
    private static Termios? _original;
    private static PosixSignalRegistration[]? _restoreOnSignals;

    [StructLayout(LayoutKind.Sequential)]
    private struct Termios
    {
        public uint Iflag, Oflag, Cflag, Lflag;
        public byte Line;
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 32)] public byte[] Cc;
        public uint Ispeed, Ospeed;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int tcgetattr(int fd, ref Termios termios);

    [DllImport("libc", SetLastError = true)]
    private static extern int tcsetattr(int fd, int when, ref Termios termios);

    [DllImport("libc")]
    private static extern int isatty(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int ioctl(int fd, nuint request, ref WindowSize size);

    private const nuint TIOCGWINSZ = 0x5413;

    [StructLayout(LayoutKind.Sequential)]
    private struct WindowSize
    {
        public ushort Rows, Columns, XPixels, YPixels;
    }

    /// <summary>isatty(3) on the host: is this descriptor of the CLI a terminal?</summary>
    public static bool IsTerminal(int fd) => isatty(fd) == 1;

    /// <summary>The width of the terminal on <paramref name="fd"/> (TIOCGWINSZ), or null if it is none or does not say.</summary>
    public static int? Columns(int fd)
    {
        var size = new WindowSize();
        return ioctl(fd, TIOCGWINSZ, ref size) == 0 && size.Columns > 0 ? size.Columns : null;
    }

    /// <summary>Raw input for the whole attachment (cfmakeraw's input and local side, output processing kept).</summary>
    public static void SetRaw()
    {
        lock (Gate)
        {
            if (!IsTerminal(0)) return;
            var t = new Termios { Cc = new byte[32] };
            if (tcgetattr(0, ref t) != 0) return;
            _original ??= t with { Cc = (byte[])t.Cc.Clone() };
            RestoreOnExit();
            t.Lflag &= ~(Icanon | Echo | Echonl | Isig | Iexten);
            t.Iflag &= ~(Icrnl | Inlcr | Igncr | Ixon);
            t.Cc[Vmin] = 1;
            t.Cc[Vtime] = 0;
            if (tcsetattr(0, 0, ref t) == 0) _raw = true;
        }
    }

    public static void SetCanonical(bool canonical)
    {
        lock (Gate)
        {
            if (!IsTerminal(0) || _raw) return;
            var t = new Termios { Cc = new byte[32] };
            if (tcgetattr(0, ref t) != 0) return;
            _original ??= t with { Cc = (byte[])t.Cc.Clone() };
            RestoreOnExit();
            t.Lflag = canonical ? t.Lflag | Icanon | Echo : t.Lflag & ~(Icanon | Echo);
            if (!canonical)
            {
                t.Cc[Vmin] = 1; // a read returns as soon as one key is there
                t.Cc[Vtime] = 0; // no timer
            }
            tcsetattr(0, 0, ref t);
        }
    }

    public static void Restore()
    {
        lock (Gate)
        {
            if (_original is not { } t) return;
            tcsetattr(0, 0, ref t);
            _original = null;
            _raw = false;
        }
    }

    /// <summary>
    /// A normal exit raises ProcessExit, a crash UnhandledException. SIGTERM and SIGHUP are restored in their handlers,
    /// which do not cancel them: on SIGTERM, ProcessExit alone left the terminal raw (TerminalEndToEndTests). SIGKILL
    /// cannot be caught.
    /// </summary>
    private static void RestoreOnExit()
    {
        if (_restoreOnSignals is not null) return;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Restore();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => Restore();
        _restoreOnSignals = [PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Restore()), PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => Restore())];
    }
}
