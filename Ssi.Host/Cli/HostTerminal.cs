// The CLI's own terminal: which standard streams are terminals, and line editing and echo switched off while a program reads single keys.
using System.Runtime.InteropServices;

namespace Ssi.Host.Cli;

/// <summary>
/// When a program attached by <c>ssi run</c> asks for non-canonical input, keys must reach it without Enter, so the
/// host terminal (if stdin is one) gets ICANON and ECHO cleared through termios, as <c>stty -icanon -echo</c> would.
/// ISIG stays on: Ctrl-C, Ctrl-\ and Ctrl-Z still come as signals, which <c>ssi run</c> forwards. The settings found
/// at first change are put back by <see cref="Restore"/>, which also runs when the process exits, is terminated or
/// dies of an unhandled exception, so no exit path leaves the user's shell without echo.
/// </summary>
public static class HostTerminal
{
    private const uint Icanon = 0x2, Echo = 0x8;
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

    public static void SetCanonical(bool canonical)
    {
        lock (Gate)
        {
            if (!IsTerminal(0)) return;
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
