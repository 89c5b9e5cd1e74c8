// ls without system calls: what its options mean, the order of the entries, and the text of each format, as GNU ls prints them.
using System.Globalization;
using System.Text;
using Ssi.Actors.Identity;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

public enum ListingLayout
{
    OnePerLine,
    Columns,
    Across,
    Commas,
    Long,
}

public enum ListingSort
{
    Name,
    Size,
    Time,
    Extension,
    None,
}

public enum ListingQuoting
{
    Literal,
    HideControl,
    Escape,
    C,
}

/// <summary>One name to list: what stat said of it (null if ls did not need to ask), and a symlink's target for -l.</summary>
public sealed record ListedEntry(string Name, InodeType Type, InodeNumber Ino, InodeAttributes? Stat = null, string? LinkTarget = null);

/// <summary>What ls's options ask for, decided once from the command line (plain data, kept across system calls).</summary>
public sealed record ListingSettings
{
    public ListingLayout Layout { get; init; }
    public ListingSort Sort { get; init; }
    public ListingQuoting Quoting { get; init; }
    public bool Reverse { get; init; }
    public bool DirectoriesFirst { get; init; }
    public bool All { get; init; }
    public bool AlmostAll { get; init; }
    public bool DirectoriesThemselves { get; init; }
    public bool Recursive { get; init; }
    public bool Inode { get; init; }
    /// <summary>'/' after directories (-p), or the whole -F set, or -F without '*' (--file-type).</summary>
    public char Indicators { get; init; } = 'n';
    public bool FollowAll { get; init; }
    public bool FollowOperands { get; init; }
    public bool ShowOwner { get; init; } = true;
    public bool ShowGroup { get; init; } = true;
    public bool HumanSizes { get; init; }
    public int Width { get; init; } = 80;
    public int TabSize { get; init; } = 8;

    /// <summary>Whether each entry of a directory must be stat'ed (its type from the directory is not enough).</summary>
    public bool NeedsStat => Layout == ListingLayout.Long || Indicators is 'F' or 'f' || Sort is ListingSort.Size or ListingSort.Time || FollowAll || DirectoriesFirst;
}

/// <summary>The pure half of ls: ordering and rendering.</summary>
public static class ListingFormat
{
    public static List<ListedEntry> Order(IEnumerable<ListedEntry> entries, ListingSettings s)
    {
        var list = entries.ToList();
        if (s.Sort != ListingSort.None)
        {
            Comparison<ListedEntry> byName = (a, b) => string.CompareOrdinal(a.Name, b.Name);
            Comparison<ListedEntry> compare = s.Sort switch
            {
                ListingSort.Size => (a, b) => Size(b).CompareTo(Size(a)) is var c and not 0 ? c : byName(a, b),
                ListingSort.Time => (a, b) => Mtime(b).CompareTo(Mtime(a)) is var c and not 0 ? c : byName(a, b),
                ListingSort.Extension => (a, b) => string.CompareOrdinal(Extension(a.Name), Extension(b.Name)) is var c and not 0 ? c : byName(a, b),
                _ => byName,
            };
            var sorted = list.Order(Comparer<ListedEntry>.Create(compare)).ToList();
            if (s.Reverse) sorted.Reverse();
            list = sorted;
        }
        // Directories lead whatever the order, as GNU's --group-directories-first.
        return s.DirectoriesFirst ? [.. list.Where(IsDirectory), .. list.Where(e => !IsDirectory(e))] : list;
    }

    private static long Size(ListedEntry e) => e.Stat?.Size ?? 0;

    private static DateTimeOffset Mtime(ListedEntry e) => e.Stat?.Mtime ?? DateTimeOffset.MinValue;

    private static string Extension(string name) => name.LastIndexOf('.') is var dot and > 0 ? name[(dot + 1)..] : "";

    private static bool IsDirectory(ListedEntry e) => (e.Stat?.Type ?? e.Type) == InodeType.Directory;

    /// <summary>The entries in the layout asked for; "total" heads a long listing of a directory.</summary>
    public static string Render(List<ListedEntry> entries, ListingSettings s, bool total, DateTimeOffset now) => s.Layout switch
    {
        ListingLayout.Long => Long(entries, s, total, now),
        ListingLayout.Columns => Grid(entries, s, byColumns: true),
        ListingLayout.Across => Grid(entries, s, byColumns: false),
        ListingLayout.Commas => Commas(entries, s),
        _ => string.Concat(entries.Select(e => NameWithFrills(e, s, InodeWidth(entries, s)) + "\n")),
    };

    /// <summary>A name as the quoting style shows it: literal, control bytes as '?', or backslash escapes.</summary>
    public static string Quote(string name, ListingQuoting quoting)
    {
        if (quoting == ListingQuoting.Literal) return name;
        var s = new StringBuilder();
        if (quoting == ListingQuoting.C) s.Append('"');
        foreach (var b in Io.Bytes(name))
        {
            var c = (char)b;
            var printable = b is >= 0x20 and < 0x7F;
            if (quoting == ListingQuoting.HideControl)
            {
                s.Append(printable ? c : '?');
                continue;
            }
            var escape = c switch
            {
                '\a' => "\\a", '\b' => "\\b", '\f' => "\\f", '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", '\v' => "\\v",
                '\\' => "\\\\",
                ' ' when quoting == ListingQuoting.Escape => "\\ ",
                '"' when quoting == ListingQuoting.C => "\\\"",
                _ => printable ? null : "\\" + Convert.ToString(b, 8).PadLeft(3, '0'),
            };
            if (escape is null) s.Append(c);
            else s.Append(escape);
        }
        if (quoting == ListingQuoting.C) s.Append('"');
        return s.ToString();
    }

    private static char? Indicator(ListedEntry e, ListingSettings s)
    {
        var type = e.Stat?.Type ?? e.Type;
        return (s.Indicators, type) switch
        {
            ('n', _) => null,
            (_, InodeType.Directory) => '/',
            ('p', _) => null,
            (_, InodeType.Symlink) => '@',
            (_, InodeType.Fifo) => '|',
            ('F', InodeType.Regular) when (e.Stat?.Mode ?? 0) is var mode && (mode & 0x49) != 0 => '*',
            _ => null,
        };
    }

    private static int InodeWidth(List<ListedEntry> entries, ListingSettings s) =>
        s.Inode && entries.Count > 0 ? entries.Max(e => Number(e.Ino.Value).Length) : 0;

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string NameWithFrills(ListedEntry e, ListingSettings s, int inodeWidth) =>
        (s.Inode ? Number(e.Ino.Value).PadLeft(inodeWidth) + " " : "") + Quote(e.Name, s.Quoting) + Indicator(e, s);

    /// <summary>Columns as ls measures them: bytes, as in the C locale.</summary>
    private static int Width(string text) => Io.Bytes(text).Length;

    /// <summary>
    /// -C (down the columns) and -x (across): GNU's calculate_columns. Every column starts 3 wide and grows to its
    /// widest name plus 2 (the last without the 2); the most columns whose line stays shorter than the width win.
    /// </summary>
    private static string Grid(List<ListedEntry> entries, ListingSettings s, bool byColumns)
    {
        var n = entries.Count;
        if (n == 0) return "";
        var inodeWidth = InodeWidth(entries, s);
        var names = entries.Select(e => NameWithFrills(e, s, inodeWidth)).ToList();
        var maxIdx = Math.Max(1, s.Width / 3 + (s.Width % 3 != 0 ? 1 : 0));
        var maxCols = s.Width == 0 ? n : Math.Min(maxIdx, n);
        int[]? chosen = null;
        for (var cols = maxCols; cols >= 1 && chosen is null; cols--)
        {
            var widths = Enumerable.Repeat(3, cols).ToArray();
            var lineLength = 3 * cols;
            var valid = true;
            for (var f = 0; f < n && valid; f++)
            {
                var idx = byColumns ? f / ((n + cols - 1) / cols) : f % cols;
                var real = Width(names[f]) + (idx == cols - 1 ? 0 : 2);
                if (widths[idx] >= real) continue;
                lineLength += real - widths[idx];
                widths[idx] = real;
                valid = s.Width == 0 || lineLength < s.Width;
            }
            if (valid || cols == 1) chosen = widths;
        }
        var columns = chosen!.Length;
        var text = new StringBuilder();
        if (byColumns)
        {
            var rows = n / columns + (n % columns != 0 ? 1 : 0);
            for (var row = 0; row < rows; row++)
            {
                var (col, pos) = (0, 0);
                for (var f = row; f < n; f += rows)
                {
                    text.Append(names[f]);
                    var width = chosen[col++];
                    if (f + rows >= n) break;
                    Indent(text, pos + Width(names[f]), pos + width, s.TabSize);
                    pos += width;
                }
                text.Append('\n');
            }
            return text.ToString();
        }
        var at = 0;
        for (var f = 0; f < n; f++)
        {
            var col = f % columns;
            if (f > 0 && col == 0)
            {
                text.Append('\n');
                at = 0;
            }
            else if (f > 0)
            {
                Indent(text, at + Width(names[f - 1]), at + chosen[col - 1], s.TabSize);
                at += chosen[col - 1];
            }
            text.Append(names[f]);
        }
        return text.Append('\n').ToString();
    }

    /// <summary>Spaces from column <paramref name="from"/> to <paramref name="to"/>, tabs where a whole tab stop fits.</summary>
    private static void Indent(StringBuilder text, int from, int to, int tabSize)
    {
        while (from < to)
        {
            if (tabSize != 0 && to / tabSize > (from + 1) / tabSize)
            {
                text.Append('\t');
                from += tabSize - from % tabSize;
            }
            else
            {
                text.Append(' ');
                from++;
            }
        }
    }

    /// <summary>-m: "a, b, c", a new line before a name that would reach the width.</summary>
    private static string Commas(List<ListedEntry> entries, ListingSettings s)
    {
        if (entries.Count == 0) return "";
        var text = new StringBuilder();
        var pos = 0;
        for (var f = 0; f < entries.Count; f++)
        {
            var name = NameWithFrills(entries[f], s, 0);
            var length = s.Width == 0 ? 0 : Width(name);
            if (f > 0)
            {
                var fits = s.Width == 0 || pos + length + 2 < s.Width;
                text.Append(',').Append(fits ? ' ' : '\n');
                pos = fits ? pos + 2 : 0;
            }
            text.Append(name);
            pos += length;
        }
        return text.Append('\n').ToString();
    }

    /// <summary>
    /// ls -l: mode, links, owner, group (as numbers: there is no user database), size, mtime (UTC) and name. A device
    /// shows "MAJOR, MINOR" where the size goes, each part aligned with the other devices', as GNU ls does. The
    /// time shows the year instead of the clock when it is over six months old or in the future. "total" counts
    /// 1 KiB blocks of a 4 KiB-block file system, since stat has no block count.
    /// </summary>
    private static string Long(List<ListedEntry> entries, ListingSettings s, bool total, DateTimeOffset now)
    {
        var stats = entries.Select(e => e.Stat!).ToList();
        var text = new StringBuilder();
        if (total) text.Append(CultureInfo.InvariantCulture, $"total {stats.Sum(a => (a.Size + 4095) / 4096 * 4)}\n");
        static int Widest(List<string> column) => column.Count == 0 ? 0 : column.Max(x => x.Length);
        var inodes = entries.Select(e => Number(e.Ino.Value)).ToList();
        var links = stats.Select(a => Number(a.Nlink)).ToList();
        var owners = stats.Select(a => Number(a.Uid)).ToList();
        var groups = stats.Select(a => Number(a.Gid)).ToList();
        var majors = stats.Where(a => a.IsDevice).Select(a => Number(a.Device.Major)).ToList();
        var minors = stats.Where(a => a.IsDevice).Select(a => Number(a.Device.Minor)).ToList();
        var sizes = stats.Select(a => a.IsDevice
            ? Number(a.Device.Major).PadLeft(Widest(majors)) + ", " + Number(a.Device.Minor).PadLeft(Widest(minors))
            : s.HumanSizes ? Human(a.Size) : Number(a.Size)).ToList();
        for (var i = 0; i < entries.Count; i++)
        {
            var a = stats[i];
            var t = a.Mtime.ToUniversalTime();
            var recent = t <= now && t > now.AddDays(-182.62);
            var when = recent
                ? string.Create(CultureInfo.InvariantCulture, $"{t:MMM} {t.Day,2} {t:HH:mm}")
                : string.Create(CultureInfo.InvariantCulture, $"{t:MMM} {t.Day,2} {t.Year,5}");
            if (s.Inode) text.Append(inodes[i].PadLeft(Widest(inodes))).Append(' ');
            text.Append(ModeBits.Describe(a.Type, a.Mode)).Append(' ').Append(links[i].PadLeft(Widest(links))).Append(' ');
            if (s.ShowOwner) text.Append(owners[i].PadLeft(Widest(owners))).Append(' ');
            if (s.ShowGroup) text.Append(groups[i].PadLeft(Widest(groups))).Append(' ');
            text.Append(sizes[i].PadLeft(Widest(sizes))).Append(' ').Append(when).Append(' ')
                .Append(Quote(entries[i].Name, s.Quoting));
            if (entries[i].LinkTarget is { } target) text.Append(" -> ").Append(Quote(target, s.Quoting));
            else if (Indicator(entries[i], s) is { } c) text.Append(c);
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>-h: sizes in powers of 1024 rounded up, one decimal below 10 ("4.0K", "12K"), as GNU ls -h.</summary>
    public static string Human(long size)
    {
        if (size < 1024) return Number(size);
        double value = size;
        var unit = 0;
        while (value >= 1024 && unit < 6)
        {
            value /= 1024;
            unit++;
        }
        var suffix = "KMGTPE"[unit - 1];
        if (value < 10)
        {
            var tenths = Math.Ceiling(value * 10) / 10;
            if (tenths < 10) return tenths.ToString("0.0", CultureInfo.InvariantCulture) + suffix;
            value = tenths;
        }
        return Math.Ceiling(value).ToString("0", CultureInfo.InvariantCulture) + suffix;
    }
}
