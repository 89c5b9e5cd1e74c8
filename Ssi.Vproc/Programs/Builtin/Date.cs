// date: the node's clock (or -d STRING, -r FILE) printed with strftime(3)'s conversions, in UTC (see Date).
using System.Globalization;
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// date [-u] [-d STRING|-r FILE] [-R|-I[FMT]|--rfc-3339=FMT] [+FORMAT]. The cluster keeps time in UTC and has no
/// time-zone database: every time is printed in UTC whatever TZ says (glibc's reading of a TZ it cannot find). -d
/// reads "@SECONDS", "now", and ISO 8601 dates and times (with an optional Z or ±hh:mm); setting the clock is refused.
/// </summary>
public sealed class Date : Program
{
    private static readonly OptionSpec Spec = new("d:r:uR", ["date=d", "reference=r", "utc=u", "universal=u", "rfc-email=R", "iso-8601::", "rfc-3339:"], """
        Usage: date [OPTION]... [+FORMAT]
        Display the current time in the given FORMAT.

          -d, --date=STRING          display time described by STRING, not 'now'
          -I[FMT], --iso-8601[=FMT]  output date/time in ISO 8601 format.
                                       FMT='date' for date only (the default),
                                       'hours', 'minutes', 'seconds', or 'ns'
          -R, --rfc-email            output date and time in RFC 5322 format.
              --rfc-3339=FMT         output date/time in RFC 3339 format.
                                       FMT='date', 'seconds', or 'ns'
          -r, --reference=FILE       display the last modification time of FILE
          -u, --utc, --universal     print Coordinated Universal Time (UTC)
              --help     display this help and exit

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        // -I takes an optional argument, only attached ("-Iseconds"), which the shared parser knows only for long options.
        var args = p.Args.Select((a, i) => i == 0 || !a.StartsWith("-I", StringComparison.Ordinal) ? a : a.Length == 2 ? "--iso-8601" : "--iso-8601=" + a[2..]).ToArray();
        var o = Spec.Parse(args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var formats = o.Given.Count(g => g.Name is "R" or "iso-8601" or "rfc-3339") + o.Operands.Count(a => a.StartsWith('+'));
        if (formats > 1)
        {
            yield return Io.Complain(p, "multiple output formats specified");
            yield return new Exit(1);
            yield break;
        }
        string? complaint = o.Has('d') && o.Has('r') ? "the options to specify dates for printing are mutually exclusive" : null;
        if (complaint is null && o.Operands.Count > 1) complaint = $"extra operand {Io.Quote(o.Operands[1])}";
        if (complaint is not null)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, complaint)) yield return call;
            yield break;
        }
        if (o.Operands.Count == 1 && !o.Operands[0].StartsWith('+'))
        {
            yield return Io.Complain(p, "cannot set date: Operation not permitted");
            yield return new Exit(1);
            yield break;
        }
        DateTimeOffset when;
        if (o.Value('r') is { } file)
        {
            yield return new Stat(file);
            if (p.Failed)
            {
                yield return Io.Report(p, file);
                yield return new Exit(1);
                yield break;
            }
            when = p.Result.Stat!.Mtime;
        }
        else
        {
            yield return new GetTime();
            var now = DateTimeOffset.UnixEpoch.AddTicks(p.Result.Value * 10);
            if (o.Value('d') is { } text)
            {
                if (DateText.Parse(text, now) is not { } parsed)
                {
                    yield return Io.Complain(p, $"invalid date {Io.Quote(text)}");
                    yield return new Exit(1);
                    yield break;
                }
                now = parsed;
            }
            when = now;
        }
        var format = o.Operands.Count == 1 ? o.Operands[0][1..] : "%a %b %e %H:%M:%S %Z %Y";
        if (o.Has('R')) format = "%a, %d %b %Y %H:%M:%S %z";
        if (o.Has("rfc-3339"))
        {
            var kind = o.Value("rfc-3339")!;
            format = Choice(kind, ["date", "seconds", "ns"]) switch
            {
                "date" => "%Y-%m-%d",
                "seconds" => "%Y-%m-%d %H:%M:%S%:z",
                "ns" => "%Y-%m-%d %H:%M:%S.%N%:z",
                _ => null!,
            };
            if (format is null)
            {
                foreach (var call in CommandLine.Refuse(p, Spec, $"invalid argument {Io.Quote(kind)} for '--rfc-3339'")) yield return call;
                yield break;
            }
        }
        if (o.Given.LastOrDefault(g => g.Name is "iso-8601") is { } iso)
        {
            var kind = iso.Value ?? "date";
            format = Choice(kind, ["date", "hours", "minutes", "seconds", "ns"]) switch
            {
                "date" => "%Y-%m-%d",
                "hours" => "%Y-%m-%dT%H%:z",
                "minutes" => "%Y-%m-%dT%H:%M%:z",
                "seconds" => "%Y-%m-%dT%H:%M:%S%:z",
                "ns" => "%Y-%m-%dT%H:%M:%S,%N%:z",
                _ => null!,
            };
            if (format is null)
            {
                foreach (var call in CommandLine.Refuse(p, Spec, $"invalid argument {Io.Quote(kind)} for '--iso-8601'")) yield return call;
                yield break;
            }
        }
        yield return Io.Out(Strftime.Format(format, when.ToUniversalTime()) + "\n");
    }

    // An argmatch-style choice: the name or an unambiguous prefix of it.
    private static string? Choice(string given, string[] choices)
    {
        var matches = choices.Where(c => c.StartsWith(given, StringComparison.Ordinal)).ToList();
        return choices.Contains(given) ? given : matches.Count == 1 && given.Length > 0 ? matches[0] : null;
    }
}

/// <summary>The date strings date -d understands: @SECONDS[.FRACTION], now/today/yesterday/tomorrow, ISO 8601.</summary>
public static class DateText
{
    private static readonly string[] IsoForms =
    [
        "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
        "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
    ];

    private static readonly System.Text.RegularExpressions.Regex IsoDate = new(
        @"^(?<when>\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,7})?)?)?)\s*(?<zone>Z|UTC|[+-]\s*\d{1,4}(?:\s*:\s*\d{1,2})?)?\s*$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    public static DateTimeOffset? Parse(string text, DateTimeOffset now)
    {
        var t = text.Trim();
        if (t.StartsWith('@'))
        {
            if (!decimal.TryParse(t[1..], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)) return null;
            try
            {
                return DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
            }
            catch (ArgumentOutOfRangeException)
            {
                return null;
            }
        }
        switch (t.ToLowerInvariant())
        {
            case "" or "now": return now;
            case "today": return now;
            case "yesterday": return now.AddDays(-1);
            case "tomorrow": return now.AddDays(1);
        }
        // A zone after the time: Z, UTC, or an offset as GNU reads it (+8 and +08 hours, +0800 and +008 hhmm, + 8 : 8).
        var m = IsoDate.Match(t);
        if (!m.Success || !DateTimeOffset.TryParseExact(m.Groups["when"].Value, IsoForms, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var parsed)) return null;
        var zone = m.Groups["zone"].Value.Replace(" ", "");
        if (zone is "" or "Z" or "UTC") return parsed;
        var sign = zone[0] == '-' ? -1 : 1;
        var body = zone[1..];
        int hours, minutes;
        if (body.Contains(':'))
        {
            var parts = body.Split(':');
            (hours, minutes) = (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        else if (body.Length <= 2) (hours, minutes) = (int.Parse(body, CultureInfo.InvariantCulture), 0);
        else (hours, minutes) = (int.Parse(body[..^2], CultureInfo.InvariantCulture), int.Parse(body[^2..], CultureInfo.InvariantCulture));
        if (hours > 24 || minutes > 59) return null;
        return parsed - sign * new TimeSpan(hours, minutes, 0);
    }
}

/// <summary>strftime(3) in the C locale for a UTC time, with GNU date's flags (- _ 0 ^ #), widths, %N and %:z.</summary>
public static class Strftime
{
    private static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] Months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    public static string Format(string format, DateTimeOffset t)
    {
        var s = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 == format.Length)
            {
                s.Append(format[i]);
                continue;
            }
            var start = i++;
            var flag = '\0';
            var upper = false;
            var swapCase = false;
            while (i < format.Length && format[i] is '-' or '_' or '0' or '^' or '#')
            {
                if (format[i] == '^') upper = true;
                else if (format[i] == '#') swapCase = true;
                else flag = format[i];
                i++;
            }
            var widthStart = i;
            while (i < format.Length && char.IsAsciiDigit(format[i])) i++;
            int? width = i > widthStart ? int.Parse(format[widthStart..i], CultureInfo.InvariantCulture) : null;
            var colons = 0;
            while (i < format.Length && format[i] == ':') (i, colons) = (i + 1, colons + 1);
            if (i == format.Length)
            {
                s.Append(format[start..]);
                break;
            }
            var (text, digits, pad) = Conversion(format[i], colons, t, width);
            if (text is null)
            {
                s.Append(format[start..(i + 1)]);
                continue;
            }
            if (upper) text = text.ToUpperInvariant();
            else if (swapCase) text = text.Any(char.IsLower) ? text.ToUpperInvariant() : text.ToLowerInvariant();
            // A number is padded to its own width with its own pad ('-' none, '_' spaces, '0' zeros); any text to WIDTH.
            var minimum = flag == '-' ? 0 : width ?? digits;
            var padding = flag == '_' ? ' ' : flag == '0' ? '0' : digits > 0 ? pad : ' ';
            if (text.Length < minimum)
                text = text.StartsWith('-') && padding == '0' ? "-" + text[1..].PadLeft(minimum - 1, '0') : text.PadLeft(minimum, padding);
            s.Append(text);
        }
        return s.ToString();
    }

    // One conversion: its text unpadded, and for a number its usual width and pad (0 for text).
    private static (string? Text, int Digits, char Pad) Conversion(char c, int colons, DateTimeOffset t, int? width)
    {
        string N(long v) => v.ToString(CultureInfo.InvariantCulture);
        var hour12 = t.Hour % 12 == 0 ? 12 : t.Hour % 12;
        var nanos = (t.Ticks % TimeSpan.TicksPerSecond * 100).ToString("D9", CultureInfo.InvariantCulture);
        if (colons > 0 && c != 'z') return (null, 0, ' ');
        return c switch
        {
            'a' => (Days[(int)t.DayOfWeek][..3], 0, ' '),
            'A' => (Days[(int)t.DayOfWeek], 0, ' '),
            'b' or 'h' => (Months[t.Month - 1][..3], 0, ' '),
            'B' => (Months[t.Month - 1], 0, ' '),
            'c' => (Format("%a %b %e %H:%M:%S %Y", t), 0, ' '),
            'C' => (N(t.Year / 100), 2, '0'),
            'd' => (N(t.Day), 2, '0'),
            'D' or 'x' => (Format("%m/%d/%y", t), 0, ' '),
            'e' => (N(t.Day), 2, ' '),
            'F' => (Format("%Y-%m-%d", t), 0, ' '),
            'g' => (N(ISOWeek.GetYear(t.DateTime) % 100), 2, '0'),
            'G' => (N(ISOWeek.GetYear(t.DateTime)), 4, '0'),
            'H' => (N(t.Hour), 2, '0'),
            'I' => (N(hour12), 2, '0'),
            'j' => (N(t.DayOfYear), 3, '0'),
            'k' => (N(t.Hour), 2, ' '),
            'l' => (N(hour12), 2, ' '),
            'm' => (N(t.Month), 2, '0'),
            'M' => (N(t.Minute), 2, '0'),
            'n' => ("\n", 0, ' '),
            // %N's width is how many digits of the nanoseconds to show.
            'N' => (width is { } w && w < 9 ? nanos[..w] : nanos, 0, ' '),
            'p' => (t.Hour < 12 ? "AM" : "PM", 0, ' '),
            'P' => (t.Hour < 12 ? "am" : "pm", 0, ' '),
            'q' => (N((t.Month + 2) / 3), 1, '0'),
            'r' => (Format("%I:%M:%S %p", t), 0, ' '),
            'R' => (Format("%H:%M", t), 0, ' '),
            's' => (N(t.ToUnixTimeSeconds()), 1, '0'),
            'S' => (N(t.Second), 2, '0'),
            't' => ("\t", 0, ' '),
            'T' or 'X' => (Format("%H:%M:%S", t), 0, ' '),
            'u' => (N(t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek), 1, '0'),
            'U' => (N((t.DayOfYear + 6 - (int)t.DayOfWeek) / 7), 2, '0'),
            'V' => (N(ISOWeek.GetWeekOfYear(t.DateTime)), 2, '0'),
            'w' => (N((int)t.DayOfWeek), 1, '0'),
            'W' => (N((t.DayOfYear + 6 - ((int)t.DayOfWeek + 6) % 7) / 7), 2, '0'),
            'y' => (N(t.Year % 100), 2, '0'),
            'Y' => (N(t.Year), 4, '0'),
            'z' => (colons switch { 0 => "+0000", 1 => "+00:00", 2 => "+00:00:00", _ => "+00" }, 0, ' '),
            'Z' => ("UTC", 0, ' '),
            '%' => ("%", 0, ' '),
            _ => (null, 0, ' '),
        };
    }
}
