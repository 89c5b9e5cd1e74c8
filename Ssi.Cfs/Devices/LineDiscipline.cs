// A terminal's line discipline (Linux's n_tty): typed bytes become readable input, echo, and signals for the foreground group.
using System.Collections.Immutable;

namespace Ssi.Cfs.Devices;

/// <summary>What typing some bytes did: the echo for the client's screen, and the signals for the foreground process group.</summary>
public sealed record TypedResult(byte[] Echo, ImmutableArray<int> Signals);

/// <summary>
/// Plain state, owned by one <see cref="TerminalDevice"/> and tested without an actor system. In canonical mode
/// (ICANON) input is collected into a line that ERASE, WERASE and KILL edit; NL (or EOL) makes it readable, EOF
/// makes it readable without a delimiter, and EOF at the start of a line is an end of file for one read. Otherwise
/// bytes are readable as they come. With ISIG, INTR, QUIT and SUSP become SIGINT, SIGQUIT and SIGTSTP and flush the
/// input (unless NOFLSH). The echo is what Linux would put on the screen: control characters as ^X (ECHOCTL), a
/// rubout as backspace-space-backspace (ECHOE), a killed line rubbed out (ECHOKE).
/// </summary>
public sealed class LineDiscipline : ITerminalInput
{
    /// <summary>Linux's limit on a canonical line (N_TTY_BUF_SIZE less the delimiter); more is dropped.</summary>
    public const int MaxLine = 4095;

    private const byte Backspace = 0x08, Newline = (byte)'\n', Return = (byte)'\r', Tab = (byte)'\t';

    /// <summary>The line being edited (canonical mode).</summary>
    private readonly List<byte> _line = [];

    /// <summary>Readable input: whole lines in canonical mode (an empty one flagged <c>EndOfFile</c> is an EOF), chunks otherwise.</summary>
    private readonly LinkedList<(byte[] Data, bool EndOfFile)> _ready = new();
    private int _offset;
    private long _received;
    private long _held;
    private bool _literalNext;

    public LineDiscipline(TerminalSettings? settings = null) => Settings = settings ?? TerminalSettings.Sane;

    public TerminalSettings Settings { get; private set; }

    /// <summary>Typed bytes the terminal holds no longer (read, erased, flushed): the client's flow control counts these.</summary>
    public long Consumed => _received - _held;

    /// <summary>tcsetattr: leaving canonical mode makes the line being edited readable as it is, as Linux does.</summary>
    public void Apply(TerminalSettings settings)
    {
        var wasCanonical = Settings.Has(TerminalFlags.Icanon);
        Settings = settings;
        if (wasCanonical && !settings.Has(TerminalFlags.Icanon) && _line.Count > 0) Deliver(endOfFile: false);
    }

    /// <summary>Input from the keyboard.</summary>
    public TypedResult Type(ReadOnlySpan<byte> input)
    {
        var echo = new List<byte>();
        var signals = ImmutableArray.CreateBuilder<int>();
        foreach (var typed in input)
        {
            _received++;
            var c = typed;
            var s = Settings;
            if (_literalNext)
            {
                _literalNext = false;
                Store(c, echo); // its echo covers the ^ shown for LNEXT
                continue;
            }
            if (c == Return)
            {
                if (s.Has(TerminalFlags.Igncr)) continue;
                if (s.Has(TerminalFlags.Icrnl)) c = Newline;
            }
            else if (c == Newline && s.Has(TerminalFlags.Inlcr)) c = Return;
            if (s.Has(TerminalFlags.Isig) && SignalOf(c, s) is { } signal)
            {
                if (!s.Has(TerminalFlags.Noflsh)) Flush();
                if (s.Has(TerminalFlags.Echo)) EchoChar(c, echo);
                signals.Add(signal);
                continue;
            }
            if (s.Has(TerminalFlags.Iexten) && Is(c, s.Lnext))
            {
                _literalNext = true;
                if (s.Has(TerminalFlags.Echo)) echo.AddRange((byte)'^', Backspace);
                continue;
            }
            if (!s.Has(TerminalFlags.Icanon))
            {
                _ready.AddLast(([c], false));
                _held++;
                if (s.Has(TerminalFlags.Echo)) EchoChar(c, echo);
                continue;
            }
            if (Is(c, s.Erase) || (c == Backspace && s.Erase == 0x7F)) Rubout(1, echo, c);
            else if (Is(c, s.Kill)) KillLine(echo, c);
            else if (s.Has(TerminalFlags.Iexten) && Is(c, s.Werase)) Rubout(WordLength(), echo, c);
            else if (Is(c, s.Eof)) Deliver(endOfFile: true);
            else if (c == Newline || Is(c, s.Eol))
            {
                _line.Add(c);
                _held++;
                if (s.Has(TerminalFlags.Echo) || (c == Newline && s.Has(TerminalFlags.Echonl))) EchoChar(c, echo);
                Deliver(endOfFile: false);
            }
            else Store(c, echo);
        }
        return new TypedResult([.. echo], signals.ToImmutable());
    }

    /// <summary>A read of <paramref name="count"/> bytes can be answered now (a whole line, or at least MIN bytes).</summary>
    public bool Readable(int count, bool byLine)
    {
        if (Settings.Has(TerminalFlags.Icanon)) return _ready.Count > 0;
        if (Settings.Min == 0) return true;
        var wanted = Math.Max(1, Math.Min(Settings.Min, count));
        var have = -_offset;
        foreach (var (data, _) in _ready)
        {
            have += data.Length;
            if (have >= wanted) return true;
        }
        return false;
    }

    /// <summary>
    /// Takes up to <paramref name="count"/> readable bytes: in canonical mode from one line at most (none for an EOF);
    /// otherwise what there is. When the input has ended, a line still being edited is given as it is.
    /// </summary>
    public byte[] Take(int count, bool byLine)
    {
        if (_ready.Count == 0 && _line.Count > 0) Deliver(endOfFile: false);
        var canonical = Settings.Has(TerminalFlags.Icanon);
        var taken = new List<byte>();
        while (taken.Count < count && _ready.First is { } first)
        {
            var (data, endOfFile) = first.Value;
            if (endOfFile && data.Length == 0)
            {
                _ready.RemoveFirst();
                if (canonical)
                {
                    if (taken.Count > 0) _ready.AddFirst(first); // the EOF is for the next read
                    break;
                }
                continue;
            }
            var n = Math.Min(count - taken.Count, data.Length - _offset);
            taken.AddRange(data.AsSpan(_offset, n));
            _offset += n;
            _held -= n;
            if (_offset == data.Length)
            {
                _ready.RemoveFirst();
                _offset = 0;
                if (canonical) break;
            }
        }
        return [.. taken];
    }

    /// <summary>Drops everything typed and not read (tcflush(TCIFLUSH), and what INTR does).</summary>
    public void Flush()
    {
        _held = 0;
        _line.Clear();
        _ready.Clear();
        _offset = 0;
        _literalNext = false;
    }

    private static bool Is(byte c, byte special) => special != TerminalSettings.Disabled && c == special;

    private static int? SignalOf(byte c, TerminalSettings s) =>
        Is(c, s.Intr) ? Ssi.Actors.Signals.Signal.SIGINT
        : Is(c, s.Quit) ? Ssi.Actors.Signals.Signal.SIGQUIT
        : Is(c, s.Susp) ? Ssi.Actors.Signals.Signal.SIGTSTP
        : null;

    private void Store(byte c, List<byte> echo)
    {
        if (!Settings.Has(TerminalFlags.Icanon))
        {
            _ready.AddLast(([c], false));
            _held++;
        }
        else if (_line.Count < MaxLine)
        {
            _line.Add(c);
            _held++;
        }
        else return; // the line is full: the byte is dropped, as Linux drops it
        if (Settings.Has(TerminalFlags.Echo)) EchoChar(c, echo);
    }

    /// <summary>The line, or an EOF when it is empty and <paramref name="endOfFile"/>, becomes readable.</summary>
    private void Deliver(bool endOfFile)
    {
        if (_line.Count == 0 && !endOfFile) return;
        _ready.AddLast(([.. _line], endOfFile && _line.Count == 0));
        _line.Clear();
    }

    private bool IsControl(byte c) => (c < 0x20 && c != Tab && c != Newline) || c == 0x7F;

    private void EchoChar(byte c, List<byte> echo)
    {
        if (IsControl(c) && Settings.Has(TerminalFlags.Echoctl)) echo.AddRange((byte)'^', (byte)(c ^ 0x40));
        else echo.Add(c);
    }

    /// <summary>WERASE's extent, as Linux's (BSD's ALTWERASE): trailing non-word characters, then the word before them.</summary>
    private int WordLength()
    {
        var n = 0;
        var seenWord = false;
        for (var i = _line.Count - 1; i >= 0; i--)
        {
            var c = (char)_line[i];
            var word = char.IsAsciiLetterOrDigit(c) || c == '_' || _line[i] >= 0x80;
            if (word) seenWord = true;
            else if (seenWord) break;
            n++;
        }
        return n;
    }

    /// <summary>Erases <paramref name="bytes"/> bytes from the end of the line, a UTF-8 character whole.</summary>
    private void Rubout(int bytes, List<byte> echo, byte typed)
    {
        if (_line.Count == 0) return;
        var s = Settings;
        if (s.Has(TerminalFlags.Echo) && !s.Has(TerminalFlags.Echoe)) EchoChar(typed, echo); // Linux then shows the erase character itself
        for (var erased = 0; erased < bytes && _line.Count > 0;)
        {
            var last = _line[^1];
            _line.RemoveAt(_line.Count - 1);
            _held--;
            erased++;
            while ((last & 0xC0) == 0x80 && _line.Count > 0) // a UTF-8 continuation byte: erase back to its lead byte
            {
                last = _line[^1];
                _line.RemoveAt(_line.Count - 1);
                _held--;
                erased++;
            }
            if (!s.Has(TerminalFlags.Echo) || !s.Has(TerminalFlags.Echoe)) continue;
            var width = IsControl(last) && s.Has(TerminalFlags.Echoctl) ? 2 : 1;
            for (var i = 0; i < width; i++) echo.AddRange(Backspace, (byte)' ', Backspace);
        }
    }

    private void KillLine(List<byte> echo, byte typed)
    {
        if (_line.Count == 0) return;
        var s = Settings;
        if (s.Has(TerminalFlags.Echo) && s.Has(TerminalFlags.Echoke) && s.Has(TerminalFlags.Echoe))
        {
            Rubout(_line.Count, echo, typed);
            return;
        }
        _held -= _line.Count;
        _line.Clear();
        if (!s.Has(TerminalFlags.Echo)) return;
        EchoChar(typed, echo);
        if (s.Has(TerminalFlags.Echok)) echo.Add(Newline);
    }
}
