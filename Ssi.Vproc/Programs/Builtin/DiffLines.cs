// diff's decisions without I/O: the longest common subsequence of two files' lines, and the normal and unified formats.
using System.Globalization;
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>A line of a file: its text without '\n', whether it had one, and the key it is compared by (-i, -b, -w).</summary>
public sealed record DiffLine(string Text, bool Newline, string Key);

/// <summary>A run of changed lines: [OldStart, OldEnd) of the old file replaced by [NewStart, NewEnd) of the new one.</summary>
public sealed record DiffChange(int OldStart, int OldEnd, int NewStart, int NewEnd);

public static class DiffLines
{
    /// <summary>Past this many cells, the table gives way to anchoring on lines that occur once in each file.</summary>
    private const long TableLimit = 4_000_000;

    /// <summary>The lines of a file, compared as -i (ignore case), -b (ignore changes in blanks) and -w (ignore blanks) ask.</summary>
    public static List<DiffLine> Split(byte[] data, bool ignoreCase, bool ignoreSpaceChange, bool ignoreAllSpace, bool stripCr)
    {
        var lines = new List<DiffLine>();
        var start = 0;
        while (start < data.Length)
        {
            var end = Array.IndexOf(data, (byte)'\n', start);
            var newline = end >= 0;
            if (!newline) end = data.Length;
            var text = Io.Text(data.AsSpan(start, end - start));
            if (stripCr && text.EndsWith('\r')) text = text[..^1];
            var key = text;
            if (ignoreAllSpace) key = string.Concat(key.Where(c => !char.IsWhiteSpace(c)));
            else if (ignoreSpaceChange) key = System.Text.RegularExpressions.Regex.Replace(key, @"\s+", " ").TrimEnd();
            if (ignoreCase) key = key.ToLowerInvariant();
            // A missing last newline is a difference, unless blanks do not count (GNU).
            if (!newline && !ignoreSpaceChange && !ignoreAllSpace) key += "\n";
            lines.Add(new DiffLine(text, newline, key));
            start = end + 1;
        }
        return lines;
    }

    /// <summary>
    /// The changes that turn <paramref name="a"/> into <paramref name="b"/>: a longest common subsequence, deletions
    /// before insertions. A last line that differs only in its missing newline counts as changed (see <see cref="Split"/>).
    /// </summary>
    public static List<DiffChange> Changes(List<DiffLine> a, List<DiffLine> b)
    {
        var matches = new List<(int A, int B)>();
        Match(a, b, 0, a.Count, 0, b.Count, matches);
        var changes = new List<DiffChange>();
        int i = 0, j = 0;
        foreach (var (ma, mb) in matches.Append((a.Count, b.Count)))
        {
            if (ma > i || mb > j) changes.Add(new DiffChange(i, ma, j, mb));
            (i, j) = (ma + 1, mb + 1);
        }
        return changes;
    }

    private static bool Same(DiffLine x, DiffLine y) => x.Key == y.Key;

    private static void Match(List<DiffLine> a, List<DiffLine> b, int a0, int a1, int b0, int b1, List<(int, int)> matches)
    {
        var prefix = new List<(int, int)>();
        while (a0 < a1 && b0 < b1 && Same(a[a0], b[b0])) prefix.Add((a0++, b0++));
        var suffix = new List<(int, int)>();
        while (a0 < a1 && b0 < b1 && Same(a[a1 - 1], b[b1 - 1])) suffix.Insert(0, (--a1, --b1));
        matches.AddRange(prefix);
        if (a0 < a1 && b0 < b1)
        {
            if ((long)(a1 - a0 + 1) * (b1 - b0 + 1) <= TableLimit) Table(a, b, a0, a1, b0, b1, matches);
            else Anchored(a, b, a0, a1, b0, b1, matches);
        }
        matches.AddRange(suffix);
    }

    // The classic table of LCS lengths of suffixes, walked from the start.
    private static void Table(List<DiffLine> a, List<DiffLine> b, int a0, int a1, int b0, int b1, List<(int, int)> matches)
    {
        int n = a1 - a0, m = b1 - b0;
        var lengths = new int[(n + 1) * (m + 1)];
        int At(int i, int j) => i * (m + 1) + j;
        for (var i = n - 1; i >= 0; i--)
            for (var j = m - 1; j >= 0; j--)
                lengths[At(i, j)] = Same(a[a0 + i], b[b0 + j]) ? lengths[At(i + 1, j + 1)] + 1 : Math.Max(lengths[At(i + 1, j)], lengths[At(i, j + 1)]);
        for (int i = 0, j = 0; i < n && j < m;)
        {
            if (Same(a[a0 + i], b[b0 + j]) && lengths[At(i, j)] == lengths[At(i + 1, j + 1)] + 1) matches.Add((a0 + i++, b0 + j++));
            else if (lengths[At(i + 1, j)] >= lengths[At(i, j + 1)]) i++;
            else j++;
        }
    }

    // Large inputs: lines that occur once in each side anchor the match (the longest increasing run of them), and the gaps between are matched in turn.
    private static void Anchored(List<DiffLine> a, List<DiffLine> b, int a0, int a1, int b0, int b1, List<(int, int)> matches)
    {
        var counts = new Dictionary<string, (int InA, int InB, int AtB)>();
        for (var j = b0; j < b1; j++)
        {
            var key = b[j].Key;
            var c = counts.GetValueOrDefault(key);
            counts[key] = (c.InA, c.InB + 1, j);
        }
        var pairs = new List<(int A, int B)>();
        for (var i = a0; i < a1; i++)
        {
            var key = a[i].Key;
            if (!counts.TryGetValue(key, out var c)) continue;
            counts[key] = (c.InA + 1, c.InB, c.AtB);
        }
        for (var i = a0; i < a1; i++)
            if (counts.TryGetValue(a[i].Key, out var c) && c.InA == 1 && c.InB == 1) pairs.Add((i, c.AtB));
        var anchors = LongestIncreasing(pairs);
        if (anchors.Count == 0) return; // nothing in common that can be found cheaply: all of it changed
        int ia = a0, ib = b0;
        foreach (var (pa, pb) in anchors)
        {
            Match(a, b, ia, pa, ib, pb, matches);
            matches.Add((pa, pb));
            (ia, ib) = (pa + 1, pb + 1);
        }
        Match(a, b, ia, a1, ib, b1, matches);
    }

    private static List<(int A, int B)> LongestIncreasing(List<(int A, int B)> pairs)
    {
        var tails = new List<int>();
        var previous = new int[pairs.Count];
        for (var k = 0; k < pairs.Count; k++)
        {
            int lo = 0, hi = tails.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (pairs[tails[mid]].B < pairs[k].B) lo = mid + 1;
                else hi = mid;
            }
            previous[k] = lo > 0 ? tails[lo - 1] : -1;
            if (lo == tails.Count) tails.Add(k);
            else tails[lo] = k;
        }
        var result = new List<(int, int)>();
        for (var k = tails.Count > 0 ? tails[^1] : -1; k >= 0; k = previous[k]) result.Add(pairs[k]);
        result.Reverse();
        return result;
    }

    /// <summary>-B: changes whose lines are all blank are not changes.</summary>
    public static List<DiffChange> WithoutBlankOnly(List<DiffChange> changes, List<DiffLine> a, List<DiffLine> b) =>
        changes.FindAll(c => !(Blank(a, c.OldStart, c.OldEnd) && Blank(b, c.NewStart, c.NewEnd)));

    private static bool Blank(List<DiffLine> lines, int start, int end)
    {
        for (var i = start; i < end; i++)
            if (lines[i].Text.Trim().Length > 0) return false;
        return true;
    }

    /// <summary>The normal format: "2,3c2", then "&lt; " old lines, "---", "&gt; " new lines.</summary>
    public static string Normal(List<DiffChange> changes, List<DiffLine> a, List<DiffLine> b)
    {
        var s = new StringBuilder();
        foreach (var c in changes)
        {
            var kind = c.OldStart == c.OldEnd ? 'a' : c.NewStart == c.NewEnd ? 'd' : 'c';
            s.Append(Range(c.OldStart, c.OldEnd)).Append(kind).Append(Range(c.NewStart, c.NewEnd)).Append('\n');
            for (var i = c.OldStart; i < c.OldEnd; i++) Line(s, "< ", a[i]);
            if (kind == 'c') s.Append("---\n");
            for (var j = c.NewStart; j < c.NewEnd; j++) Line(s, "> ", b[j]);
        }
        return s.ToString();
    }

    // "3" or "3,5" for lines [start, end) counted from 1; an empty range names the line before it.
    private static string Range(int start, int end) =>
        end - start > 1 ? $"{start + 1},{end}" : end - start == 1 ? (start + 1).ToString(CultureInfo.InvariantCulture) : start.ToString(CultureInfo.InvariantCulture);

    private static void Line(StringBuilder s, string prefix, DiffLine line)
    {
        s.Append(prefix).Append(line.Text).Append('\n');
        if (!line.Newline) s.Append("\\ No newline at end of file\n");
    }

    /// <summary>The unified format's hunks (after the two header lines): changes closer than 2×context share one.</summary>
    /// <param name="function">-F/-p: a translated regex; each hunk header then ends with the last line before the hunk that matches it.</param>
    public static string Unified(List<DiffChange> changes, List<DiffLine> a, List<DiffLine> b, int context, string? function = null)
    {
        var s = new StringBuilder();
        for (var k = 0; k < changes.Count;)
        {
            var last = k;
            while (last + 1 < changes.Count && changes[last + 1].OldStart - changes[last].OldEnd <= 2 * context) last++;
            var oldStart = Math.Max(changes[k].OldStart - context, 0);
            var oldEnd = Math.Min(changes[last].OldEnd + context, a.Count);
            var newStart = changes[k].NewStart - (changes[k].OldStart - oldStart);
            var newEnd = changes[last].NewEnd + (oldEnd - changes[last].OldEnd);
            s.Append("@@ -").Append(HunkRange(oldStart, oldEnd)).Append(" +").Append(HunkRange(newStart, newEnd)).Append(" @@");
            if (function is not null && FunctionLine(a, oldStart, function) is { } line) s.Append(' ').Append(line);
            s.Append('\n');
            var i = oldStart;
            for (var c = k; c <= last; c++)
            {
                for (; i < changes[c].OldStart; i++) Line(s, " ", a[i]);
                for (var d = changes[c].OldStart; d < changes[c].OldEnd; d++) Line(s, "-", a[d]);
                for (var n = changes[c].NewStart; n < changes[c].NewEnd; n++) Line(s, "+", b[n]);
                i = changes[c].OldEnd;
            }
            for (; i < oldEnd; i++) Line(s, " ", a[i]);
            k = last + 1;
        }
        return s.ToString();
    }

    // GNU's: the last matching line before the hunk, without leading blanks, at most 40 characters, without trailing blanks.
    private static string? FunctionLine(List<DiffLine> a, int before, string function)
    {
        var regex = PosixRegex.Compiled(function, false);
        for (var i = before - 1; i >= 0; i--)
        {
            if (!regex.IsMatch(a[i].Text)) continue;
            var text = a[i].Text.TrimStart();
            return (text.Length > 40 ? text[..40] : text).TrimEnd();
        }
        return null;
    }

    // "l,s" of a hunk, "l" when s is 1; an empty side names the line before it.
    private static string HunkRange(int start, int end)
    {
        var count = end - start;
        var first = count == 0 ? start : start + 1;
        return count == 1 ? first.ToString(CultureInfo.InvariantCulture) : $"{first},{count}";
    }
}
