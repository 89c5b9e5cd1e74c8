// The CLI's own terminal: line editing and echo switched off while a program reads single keys, and restored after.
using System.Runtime.InteropServices;

namespace Ssi.Host.Cli;

/// <summary>
/// When a program attached by <c>ssi run</c> asks for non-canonical input, keys must reach it without Enter, so the
/// host terminal (if stdin is one) gets ICANON and ECHO cleared through termios, as <c>stty -icanon -echo</c> would.
/// The settings found at first use are restored on <see cref="Restore"/>. With stdin redirected nothing is done.
/// </summary>
public static class HostTerminal
{
    private const uint Icanon = 0x2, Echo = 0x8;
    private static Termios? _original;

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

    public static void SetCanonical(bool canonical)
    {
        if (Console.IsInputRedirected) return;
        var t = new Termios { Cc = new byte[32] };
        if (tcgetattr(0, ref t) != 0) return;
        _original ??= t with { Cc = (byte[])t.Cc.Clone() };
        t.Lflag = canonical ? t.Lflag | Icanon | Echo : t.Lflag & ~(Icanon | Echo);
        if (!canonical)
        {
            t.Cc[6] = 1; // VMIN: a read returns as soon as one key is there
            t.Cc[5] = 0; // VTIME: no timer
        }
        tcsetattr(0, 0, ref t);
    }

    public static void Restore()
    {
        if (_original is not { } t) return;
        tcsetattr(0, 0, ref t);
        _original = null;
    }
}
