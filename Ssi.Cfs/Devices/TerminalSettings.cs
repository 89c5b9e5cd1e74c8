// A terminal's termios: the input, output and local flags the line discipline honours, and its special characters.
namespace Ssi.Cfs.Devices;

/// <summary>The termios flags that matter here, named as in Linux's termios.h (c_iflag, c_oflag and c_lflag in one set).</summary>
[Flags]
public enum TerminalFlags : uint
{
    None = 0,
    // ---- input ----
    /// <summary>Map CR to NL on input (Enter gives '\n').</summary>
    Icrnl = 1 << 0,
    /// <summary>Map NL to CR on input.</summary>
    Inlcr = 1 << 1,
    /// <summary>Ignore CR on input.</summary>
    Igncr = 1 << 2,
    // ---- output: done by the client's own terminal (the host keeps OPOST and ONLCR), reported here for stty ----
    Opost = 1 << 8,
    Onlcr = 1 << 9,
    // ---- local ----
    /// <summary>INTR, QUIT and SUSP send SIGINT, SIGQUIT and SIGTSTP to the foreground process group.</summary>
    Isig = 1 << 16,
    /// <summary>Canonical mode: input is edited a line at a time and a read returns at most one line.</summary>
    Icanon = 1 << 17,
    Echo = 1 << 18,
    /// <summary>ERASE and WERASE rub the character out on the screen (backspace, space, backspace).</summary>
    Echoe = 1 << 19,
    /// <summary>KILL is echoed as a newline after the kill character (unless ECHOKE rubs the line out).</summary>
    Echok = 1 << 20,
    /// <summary>Echo NL even when ECHO is off.</summary>
    Echonl = 1 << 21,
    /// <summary>No flush of the input at INTR, QUIT and SUSP.</summary>
    Noflsh = 1 << 22,
    /// <summary>A background process group that writes gets SIGTTOU.</summary>
    Tostop = 1 << 23,
    /// <summary>Control characters are echoed as ^X.</summary>
    Echoctl = 1 << 24,
    /// <summary>KILL rubs out each character of the line.</summary>
    Echoke = 1 << 25,
    /// <summary>The extended characters: WERASE and LNEXT.</summary>
    Iexten = 1 << 26,
}

/// <summary>
/// The settings of one terminal, owned by its device (<see cref="TerminalDevice"/>) and changed by tcsetattr. A
/// special character of <see cref="Disabled"/> (0, Linux's _POSIX_VDISABLE) does nothing.
/// </summary>
public sealed record TerminalSettings
{
    public const byte Disabled = 0;

    public TerminalFlags Flags { get; init; }
    public byte Intr { get; init; }
    public byte Quit { get; init; }
    public byte Erase { get; init; }
    public byte Kill { get; init; }
    public byte Eof { get; init; }
    /// <summary>An extra end-of-line character (disabled by default).</summary>
    public byte Eol { get; init; }
    public byte Susp { get; init; }
    public byte Werase { get; init; }
    public byte Lnext { get; init; }
    /// <summary>Non-canonical reads wait for at least this many bytes (0: they never wait).</summary>
    public byte Min { get; init; }
    /// <summary>Non-canonical read timer in tenths of a second: kept for stty, not timed (reads with a timeout do that).</summary>
    public byte Time { get; init; }

    /// <summary>What <c>stty sane</c> sets, and what a new terminal has: Linux's defaults.</summary>
    public static readonly TerminalSettings Sane = new()
    {
        Flags = TerminalFlags.Icrnl | TerminalFlags.Opost | TerminalFlags.Onlcr | TerminalFlags.Isig | TerminalFlags.Icanon | TerminalFlags.Iexten
            | TerminalFlags.Echo | TerminalFlags.Echoe | TerminalFlags.Echok | TerminalFlags.Echoctl | TerminalFlags.Echoke,
        Intr = 0x03, // ^C
        Quit = 0x1C, // ^\
        Erase = 0x7F, // ^?
        Kill = 0x15, // ^U
        Eof = 0x04, // ^D
        Eol = Disabled,
        Susp = 0x1A, // ^Z
        Werase = 0x17, // ^W
        Lnext = 0x16, // ^V
        Min = 1,
        Time = 0,
    };

    public bool Has(TerminalFlags flag) => (Flags & flag) == flag;

    public TerminalSettings With(TerminalFlags flag, bool on) => this with { Flags = on ? Flags | flag : Flags & ~flag };

    /// <summary>cfmakeraw's local and input side (<c>stty raw</c>): no editing, echo, signals or CR mapping, reads of 1 byte.</summary>
    public TerminalSettings Raw() => this with
    {
        Flags = Flags & ~(TerminalFlags.Icrnl | TerminalFlags.Inlcr | TerminalFlags.Igncr | TerminalFlags.Isig | TerminalFlags.Icanon
            | TerminalFlags.Iexten | TerminalFlags.Echo | TerminalFlags.Echonl | TerminalFlags.Opost),
        Min = 1,
        Time = 0,
    };

    /// <summary><c>stty -raw</c> (cooked): editing, signals and CR mapping back on.</summary>
    public TerminalSettings Cooked() => this with
    {
        Flags = Flags | TerminalFlags.Icrnl | TerminalFlags.Isig | TerminalFlags.Icanon | TerminalFlags.Iexten | TerminalFlags.Opost,
    };
}
