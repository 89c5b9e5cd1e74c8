// ls: directory listings, one name a line, in columns on a terminal, or long with modes, owners, sizes and times.
using System.Globalization;
using System.Text;
using Ssi.Actors.Identity;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// ls [-1aAdl] [PATH]...: names in byte order. Exit 2 when an operand cannot be reached, 1 for a lesser trouble (an
/// entry that vanished while listed), as GNU ls.
/// </summary>
public sealed class Ls : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Options.Parse(p.Args.Skip(1), "1aAdl");
        if (o.Error is not null)
        {
            yield return Io.Complain(p, o.Error);
            yield return Io.Err("Usage: ls [-1aAdl] [FILE]...\n");
            yield return new Exit(2);
            yield break;
        }
        var longFormat = o.Has('l');
        var operands = o.Operands.Count > 0 ? o.Operands.ToArray() : ["."];
        yield return new Fstat(Io.Stdout);
        var width = p.Environment.TryGetValue("COLUMNS", out var columns) && int.TryParse(columns, CultureInfo.InvariantCulture, out var w) && w > 0 ? w : 80;
        if (longFormat || o.Has('1') || p.Failed || p.Result.Stat!.Type != InodeType.CharDevice) width = 0;

        var status = 0;
        var files = new List<string>();
        var fileStats = new List<InodeAttributes>();
        var dirs = new List<string>();
        for (var i = 0; i < operands.Length; i++)
        {
            yield return new Stat(operands[i], FollowLast: !longFormat);
            if (p.Failed)
            {
                yield return Io.Report(p, $"cannot access {Io.Quote(operands[i])}");
                status = 2;
            }
            else if (p.Result.Stat!.IsDirectory && !o.Has('d')) dirs.Add(operands[i]);
            else
            {
                files.Add(operands[i]);
                fileStats.Add(p.Result.Stat);
            }
        }
        Order(files, fileStats);
        dirs.Sort(StringComparer.Ordinal);
        var first = true;
        if (files.Count > 0)
        {
            yield return Io.Out(Format(files, fileStats, longFormat, width, total: false));
            first = false;
        }
        for (var d = 0; d < dirs.Count; d++)
        {
            var dir = dirs[d];
            yield return new ReadDirectory(dir);
            if (p.Failed)
            {
                yield return Io.Report(p, $"cannot open directory {Io.Quote(dir)}");
                status = 2;
                continue;
            }
            var names = Shown(p.Result.Entries.Select(e => e.Name).ToList(), o.Has('a'), o.Has('A'));
            var stats = new List<InodeAttributes>();
            for (var i = 0; longFormat && i < names.Count; i++)
            {
                yield return new Stat(PathText.Join(dir, names[i]), FollowLast: false);
                if (!p.Failed)
                {
                    stats.Add(p.Result.Stat!);
                    continue;
                }
                yield return Io.Report(p, $"cannot access {Io.Quote(PathText.Join(dir, names[i]))}");
                status = Math.Max(status, 1);
                names.RemoveAt(i--);
            }
            var header = (first ? "" : "\n") + (operands.Length > 1 ? dir + ":\n" : "");
            first = false;
            yield return Io.Out(header + Format(names, stats, longFormat, width, total: true));
        }
        yield return new Exit(status);
    }

    /// <summary>The names to show, sorted: dot files only with -a (with "." and "..") or -A (without).</summary>
    private static List<string> Shown(List<string> names, bool all, bool almostAll)
    {
        var shown = names.Where(n => n is not ("." or "..") && (all || almostAll || !n.StartsWith('.'))).ToList();
        if (all) shown.AddRange([".", ".."]);
        shown.Sort(StringComparer.Ordinal);
        return shown;
    }

    private static void Order(List<string> names, List<InodeAttributes> stats)
    {
        var pairs = names.Zip(stats).OrderBy(x => x.First, StringComparer.Ordinal).ToList();
        names.Clear();
        stats.Clear();
        names.AddRange(pairs.Select(x => x.First));
        stats.AddRange(pairs.Select(x => x.Second));
    }

    private static string Format(List<string> names, List<InodeAttributes> stats, bool longFormat, int width, bool total)
    {
        if (longFormat) return Long(names, stats, total, DateTimeOffset.UtcNow);
        if (width > 0) return Columns(names, width);
        return string.Concat(names.Select(n => n + "\n"));
    }

    /// <summary>
    /// ls -l: mode, links, owner, group (as numbers: there is no user database), size, mtime (UTC) and name. A device
    /// shows "MAJOR, MINOR" where the size goes, each part aligned with the other devices', as GNU ls does. The
    /// time shows the year instead of the clock when it is over six months old or in the future. "total" counts
    /// 1 KiB blocks of a 4 KiB-block file system, since stat has no block count.
    /// </summary>
    public static string Long(List<string> names, List<InodeAttributes> stats, bool total, DateTimeOffset now)
    {
        var s = new StringBuilder();
        if (total) s.Append(CultureInfo.InvariantCulture, $"total {stats.Sum(a => (a.Size + 4095) / 4096 * 4)}\n");
        var links = stats.Select(a => a.Nlink.ToString(CultureInfo.InvariantCulture)).ToList();
        var owners = stats.Select(a => a.Uid.ToString(CultureInfo.InvariantCulture)).ToList();
        var groups = stats.Select(a => a.Gid.ToString(CultureInfo.InvariantCulture)).ToList();
        int Widest(List<string> column) => column.Count == 0 ? 0 : column.Max(x => x.Length);
        static string Text(long n) => n.ToString(CultureInfo.InvariantCulture);
        var majors = stats.Where(a => a.IsDevice).Select(a => Text(a.Device.Major)).ToList();
        var minors = stats.Where(a => a.IsDevice).Select(a => Text(a.Device.Minor)).ToList();
        var sizes = stats.Select(a => a.IsDevice
            ? Text(a.Device.Major).PadLeft(Widest(majors)) + ", " + Text(a.Device.Minor).PadLeft(Widest(minors))
            : Text(a.Size)).ToList();
        for (var i = 0; i < names.Count; i++)
        {
            var a = stats[i];
            var t = a.Mtime.ToUniversalTime();
            var recent = t <= now && t > now.AddDays(-182.62);
            var when = recent
                ? string.Create(CultureInfo.InvariantCulture, $"{t:MMM} {t.Day,2} {t:HH:mm}")
                : string.Create(CultureInfo.InvariantCulture, $"{t:MMM} {t.Day,2} {t.Year,5}");
            s.Append(ModeBits.Describe(a.Type, a.Mode)).Append(' ')
                .Append(links[i].PadLeft(Widest(links))).Append(' ')
                .Append(owners[i].PadLeft(Widest(owners))).Append(' ')
                .Append(groups[i].PadLeft(Widest(groups))).Append(' ')
                .Append(sizes[i].PadLeft(Widest(sizes))).Append(' ')
                .Append(when).Append(' ').Append(names[i]).Append('\n');
        }
        return s.ToString();
    }

    /// <summary>As many columns as fit in <paramref name="width"/>, filled top to bottom, two spaces apart.</summary>
    public static string Columns(List<string> names, int width)
    {
        if (names.Count == 0) return "";
        for (var cols = names.Count; cols >= 1; cols--)
        {
            var rows = (names.Count + cols - 1) / cols;
            if (cols > 1 && (cols - 1) * rows >= names.Count) continue; // the last column would be empty
            var widths = new int[cols];
            for (var i = 0; i < names.Count; i++) widths[i / rows] = Math.Max(widths[i / rows], names[i].Length);
            if (cols > 1 && widths.Sum() + 2 * (cols - 1) > width) continue;
            var s = new StringBuilder();
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < cols && c * rows + r < names.Count; c++)
                {
                    var name = names[c * rows + r];
                    var last = c == cols - 1 || (c + 1) * rows + r >= names.Count;
                    s.Append(last ? name : name.PadRight(widths[c] + 2));
                }
                s.Append('\n');
            }
            return s.ToString();
        }
        return "";
    }
}
