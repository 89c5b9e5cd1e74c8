// stty's words: settings named as GNU stty names them, applied to a terminal's termios, and the listings of -a and -g.
using System.Globalization;
using System.Text;
using Ssi.Cfs.Devices;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>Pure: parses stty's arguments onto <see cref="TerminalSettings"/> and prints them as GNU stty does.</summary>
public static class SttySettings
{
    /// <summary>The flags stty knows by name, in the order -a lists them, with the Linux bit each has in its c_?flag word.</summary>
    private static readonly (string Name, TerminalFlags Flag, char Word, uint Bit)[] Flags =
    [
        ("inlcr", TerminalFlags.Inlcr, 'i', 0x40), ("igncr", TerminalFlags.Igncr, 'i', 0x80), ("icrnl", TerminalFlags.Icrnl, 'i', 0x100),
        ("opost", TerminalFlags.Opost, 'o', 0x1), ("onlcr", TerminalFlags.Onlcr, 'o', 0x4),
        ("isig", TerminalFlags.Isig, 'l', 0x1), ("icanon", TerminalFlags.Icanon, 'l', 0x2), ("iexten", TerminalFlags.Iexten, 'l', 0x8000),
        ("echo", TerminalFlags.Echo, 'l', 0x8), ("echoe", TerminalFlags.Echoe, 'l', 0x10), ("echok", TerminalFlags.Echok, 'l', 0x20),
        ("echonl", TerminalFlags.Echonl, 'l', 0x40), ("noflsh", TerminalFlags.Noflsh, 'l', 0x80), ("tostop", TerminalFlags.Tostop, 'l', 0x100),
        ("echoctl", TerminalFlags.Echoctl, 'l', 0x200), ("echoke", TerminalFlags.Echoke, 'l', 0x800),
    ];

    private static readonly Dictionary<string, string> Aliases = new() { ["ctlecho"] = "echoctl", ["crtkill"] = "echoke" };

    /// <summary>The special characters, in the order -a lists them, with their index in Linux's c_cc.</summary>
    private static readonly (string Name, int Index, Func<TerminalSettings, byte> Get, Func<TerminalSettings, byte, TerminalSettings> Set)[] Chars =
    [
        ("intr", 0, s => s.Intr, (s, c) => s with { Intr = c }), ("quit", 1, s => s.Quit, (s, c) => s with { Quit = c }),
        ("erase", 2, s => s.Erase, (s, c) => s with { Erase = c }), ("kill", 3, s => s.Kill, (s, c) => s with { Kill = c }),
        ("eof", 4, s => s.Eof, (s, c) => s with { Eof = c }), ("eol", 11, s => s.Eol, (s, c) => s with { Eol = c }),
        ("susp", 10, s => s.Susp, (s, c) => s with { Susp = c }), ("werase", 14, s => s.Werase, (s, c) => s with { Werase = c }),
        ("lnext", 15, s => s.Lnext, (s, c) => s with { Lnext = c }),
    ];

    /// <summary>
    /// Applies <paramref name="args"/> (settings, as after stty's own options) to <paramref name="settings"/>; the
    /// error is GNU's wording for the first bad argument.
    /// </summary>
    public static (TerminalSettings Settings, string? Error) Apply(TerminalSettings settings, IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var off = arg.StartsWith('-');
            var name = off ? arg[1..] : arg;
            name = Aliases.GetValueOrDefault(name, name);
            if (Array.FindIndex(Flags, f => f.Name == name) is var flag and >= 0)
            {
                settings = settings.With(Flags[flag].Flag, !off);
                continue;
            }
            if (!off && (Array.FindIndex(Chars, c => c.Name == name) is var special and >= 0))
            {
                if (i + 1 >= args.Count) return (settings, $"missing argument to {Quote(arg)}");
                if (ParseChar(args[++i]) is not { } value) return (settings, $"invalid integer argument: {Quote(args[i])}");
                settings = Chars[special].Set(settings, value);
                continue;
            }
            if (!off && name is "min" or "time")
            {
                if (i + 1 >= args.Count) return (settings, $"missing argument to {Quote(arg)}");
                if (!byte.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return (settings, $"invalid integer argument: {Quote(args[i])}");
                settings = name == "min" ? settings with { Min = n } : settings with { Time = n };
                continue;
            }
            TerminalSettings? combined = (name, off) switch
            {
                ("raw", false) or ("cooked", true) => settings.Raw(),
                ("raw", true) or ("cooked", false) => settings.Cooked(),
                ("sane", false) => TerminalSettings.Sane with { Intr = settings.Intr, Quit = settings.Quit, Erase = settings.Erase, Kill = settings.Kill, Eof = settings.Eof, Susp = settings.Susp, Werase = settings.Werase, Lnext = settings.Lnext, Eol = settings.Eol },
                ("cbreak", false) => settings.With(TerminalFlags.Icanon, false),
                ("cbreak", true) => settings.With(TerminalFlags.Icanon, true),
                ("crt", false) => settings.With(TerminalFlags.Echoe | TerminalFlags.Echoctl | TerminalFlags.Echoke, true),
                ("ek", false) => settings with { Erase = TerminalSettings.Sane.Erase, Kill = TerminalSettings.Sane.Kill },
                ("nl", false) => settings.With(TerminalFlags.Icrnl, false),
                ("nl", true) => settings.With(TerminalFlags.Icrnl, true).With(TerminalFlags.Inlcr | TerminalFlags.Igncr, false),
                _ => null,
            };
            if (combined is not null)
            {
                settings = combined;
                continue;
            }
            if (!off && FromSaved(arg) is { } saved)
            {
                settings = saved;
                continue;
            }
            return (settings, $"invalid argument {Quote(arg)}");
        }
        return (settings, null);
    }

    /// <summary>A character as stty takes it: ^X, ^? , ^- or undef (disabled), a number (0x.., 0.. octal, decimal), or the character itself.</summary>
    public static byte? ParseChar(string text)
    {
        if (text is "^-" or "undef") return TerminalSettings.Disabled;
        if (text.Length == 2 && text[0] == '^') return text[1] == '?' ? (byte)0x7F : (byte)(char.ToUpperInvariant(text[1]) & 0x1F);
        if (text.Length == 1) return text[0] < 0x80 ? (byte)text[0] : null;
        try
        {
            var value = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? Convert.ToInt32(text[2..], 16)
                : text.StartsWith('0') ? Convert.ToInt32(text, 8)
                : int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
            return value is >= 0 and <= 255 ? (byte)value : null;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A special character as -a shows it: ^C, ^?, M-x, &lt;undef&gt;.</summary>
    public static string ShowChar(byte c) => c switch
    {
        TerminalSettings.Disabled => "<undef>",
        0x7F => "^?",
        < 0x20 => "^" + (char)(c + 0x40),
        >= 0x80 => "M-" + ShowChar((byte)(c & 0x7F)),
        _ => ((char)c).ToString(),
    };

    /// <summary>stty -a, in Linux's layout (the flags this terminal has; the control line is a fixed 8-bit line).</summary>
    public static string All(TerminalSettings s)
    {
        var text = new StringBuilder("speed 38400 baud; line = 0;\n");
        text.Append(string.Join(' ', Chars.Select(c => $"{c.Name} = {ShowChar(c.Get(s))};"))).Append($" min = {s.Min}; time = {s.Time};\n");
        text.Append("-parenb -parodd -cmspar cs8 -hupcl -cstopb cread -clocal -crtscts\n");
        foreach (var word in "iol")
            text.Append(string.Join(' ', Flags.Where(f => f.Word == word).Select(f => (s.Has(f.Flag) ? "" : "-") + f.Name))).Append('\n');
        return text.ToString();
    }

    /// <summary>stty with no argument: the speed, then what differs from sane, as GNU stty prints it.</summary>
    public static string Differences(TerminalSettings s)
    {
        var sane = TerminalSettings.Sane;
        var text = new StringBuilder("speed 38400 baud; line = 0;\n");
        var chars = Chars.Where(c => c.Get(s) != c.Get(sane)).Select(c => $"{c.Name} = {ShowChar(c.Get(s))};").ToList();
        if (s.Min != sane.Min || s.Time != sane.Time) chars.Add($"min = {s.Min}; time = {s.Time};");
        if (chars.Count > 0) text.Append(string.Join(' ', chars)).Append('\n');
        var flags = Flags.Where(f => s.Has(f.Flag) != sane.Has(f.Flag)).Select(f => (s.Has(f.Flag) ? "" : "-") + f.Name).ToList();
        if (flags.Count > 0) text.Append(string.Join(' ', flags)).Append('\n');
        return text.ToString();
    }

    /// <summary>stty -g: GNU's iflag:oflag:cflag:lflag:cc0:...:cc31 in hex, which stty takes back as an argument.</summary>
    public static string Saved(TerminalSettings s)
    {
        uint Word(char word) => Flags.Where(f => f.Word == word && s.Has(f.Flag)).Aggregate(0u, (w, f) => w | f.Bit);
        var cc = new byte[32];
        foreach (var c in Chars) cc[c.Index] = c.Get(s);
        cc[6] = s.Min;
        cc[5] = s.Time;
        return string.Join(':', new[] { Word('i'), Word('o'), 0xBFu, Word('l') }.Select(w => w.ToString("x", CultureInfo.InvariantCulture))
            .Concat(cc.Select(c => c.ToString("x", CultureInfo.InvariantCulture)))) + "\n";
    }

    public static TerminalSettings? FromSaved(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 36) return null;
        var values = new uint[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!uint.TryParse(parts[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out values[i])) return null;
        var s = TerminalSettings.Sane with { Flags = TerminalFlags.None };
        foreach (var f in Flags)
            if ((values["iol".IndexOf(f.Word) switch { 0 => 0, 1 => 1, _ => 3 }] & f.Bit) != 0) s = s.With(f.Flag, true);
        foreach (var c in Chars) s = c.Set(s, (byte)values[4 + c.Index]);
        return s with { Min = (byte)values[4 + 6], Time = (byte)values[4 + 5] };
    }

    private static string Quote(string text) => "'" + text + "'";
}
