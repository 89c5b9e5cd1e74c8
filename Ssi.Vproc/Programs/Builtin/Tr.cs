// tr: bytes translated, deleted or squeezed, with SET syntax of POSIX (ranges, [:class:], [=c=], [c*n]) in the C locale.
namespace Ssi.Vproc.Programs.Builtin;

/// <summary>tr [-cdst] SET1 [SET2]: works on bytes, as GNU tr does.</summary>
public sealed class Tr : Program
{
    private static readonly OptionSpec Spec = new("cCdst", ["complement=c", "delete=d", "squeeze-repeats=s", "truncate-set1=t"], """
        Usage: tr [OPTION]... STRING1 [STRING2]
        Translate, squeeze, and/or delete characters from standard input,
        writing to standard output.  STRING1 and STRING2 specify arrays of
        characters ARRAY1 and ARRAY2 that control the action.

          -c, -C, --complement    use the complement of ARRAY1
          -d, --delete            delete characters in ARRAY1, do not translate
          -s, --squeeze-repeats   replace each sequence of a repeated character
                                    that is listed in the last specified ARRAY,
                                    with a single occurrence of that character
          -t, --truncate-set1     first truncate ARRAY1 to length of ARRAY2
              --help     display this help and exit

        ARRAYs are specified as strings of characters.  Most represent themselves.
        Interpreted sequences are:

          \NNN            character with octal value NNN (1 to 3 octal digits)
          \\              backslash
          \a              audible BEL
          \b              backspace
          \f              form feed
          \n              new line
          \r              return
          \t              horizontal tab
          \v              vertical tab
          CHAR1-CHAR2     all characters from CHAR1 to CHAR2 in ascending order
          [CHAR*]         in ARRAY2, copies of CHAR until length of ARRAY1
          [CHAR*REPEAT]   REPEAT copies of CHAR, REPEAT octal if starting with 0
          [:alnum:]       all letters and digits
          [:alpha:]       all letters
          [:blank:]       all horizontal whitespace
          [:cntrl:]       all control characters
          [:digit:]       all digits
          [:graph:]       all printable characters, not including space
          [:lower:]       all lower case letters
          [:print:]       all printable characters, including space
          [:punct:]       all punctuation characters
          [:space:]       all horizontal or vertical whitespace
          [:upper:]       all upper case letters
          [:xdigit:]      all hexadecimal digits
          [=CHAR=]        all characters which are equivalent to CHAR

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var delete = o.Has('d');
        var squeeze = o.Has('s');
        var needed = delete && squeeze ? 2 : delete || squeeze ? 1 : 2;
        var sets = o.Operands;
        string? complaint = null;
        if (sets.Count == 0) complaint = "missing operand";
        else if (sets.Count < needed)
            complaint = $"missing operand after {Io.Quote(sets[^1])}\n" + (delete ? "Two strings must be given when both deleting and squeezing repeats." : "Two strings must be given when translating.");
        else if (sets.Count > 2 || (delete && !squeeze && sets.Count > 1))
            complaint = $"extra operand {Io.Quote(sets[needed == 1 && sets.Count > 1 ? 1 : 2])}" + (delete && !squeeze ? "\nOnly one string may be given when deleting without squeezing repeats." : "");
        if (complaint is not null)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, complaint)) yield return call;
            yield break;
        }
        var (translation, error) = TrTable.Build(sets, o.Has('c') || o.Has('C'), delete, squeeze, o.Has('t'));
        if (error is not null)
        {
            yield return Io.Complain(p, error);
            yield return new Exit(1);
            yield break;
        }
        var last = -1;
        while (true)
        {
            yield return new Read(Io.Stdin, Io.Chunk);
            if (p.Failed)
            {
                yield return Io.Report(p, "read error");
                yield return new Exit(1);
                yield break;
            }
            if (p.Result.Data.Length == 0) break;
            var output = translation!.Apply(p.Result.Data, ref last);
            if (output.Length == 0) continue;
            yield return new Write(Io.Stdout, output);
            if (p.Failed)
            {
                yield return Io.Report(p, "write error");
                yield return new Exit(1);
                yield break;
            }
        }
    }
}

/// <summary>What tr does to each byte: its replacement (or -1 to delete) and whether repeats of the result are squeezed.</summary>
public sealed class TrTable
{
    public int[] Map { get; } = Enumerable.Range(0, 256).ToArray();
    public bool[] Squeeze { get; } = new bool[256];

    /// <summary>The bytes out for <paramref name="data"/>; <paramref name="last"/> carries the last byte written across reads.</summary>
    public byte[] Apply(byte[] data, ref int last)
    {
        var output = new List<byte>(data.Length);
        foreach (var b in data)
        {
            var c = Map[b];
            if (c < 0) continue;
            if (Squeeze[c] && c == last) continue;
            output.Add((byte)c);
            last = c;
        }
        return [.. output];
    }

    public static (TrTable? Table, string? Error) Build(List<string> sets, bool complement, bool delete, bool squeeze, bool truncate)
    {
        var (set1, _, error1) = Expand(sets[0], second: false);
        if (error1 is not null) return (null, error1);
        if (complement) set1 = [.. Enumerable.Range(0, 256).Where(b => !set1!.Contains(b))];
        var table = new TrTable();
        List<int>? set2 = null;
        if (sets.Count > 1)
        {
            var (expanded, _, error2) = Expand(sets[1], second: true, length: set1!.Count);
            if (error2 is not null) return (null, error2);
            set2 = expanded;
        }
        if (delete)
        {
            foreach (var b in set1!) table.Map[b] = -1;
            if (squeeze) foreach (var b in set2!) table.Squeeze[b] = true;
            return (table, null);
        }
        if (set2 is null)
        {
            foreach (var b in set1!) table.Squeeze[b] = true;
            return (table, null);
        }
        if (set2.Count == 0 && set1!.Count > 0) return (null, "when not truncating set1, string2 must be non-empty");
        if (truncate && set1!.Count > set2.Count) set1 = set1.Take(set2.Count).ToList();
        for (var i = 0; i < set1!.Count; i++) table.Map[set1[i]] = i < set2.Count ? set2[i] : set2[^1];
        if (squeeze) foreach (var b in set2) table.Squeeze[b] = true;
        return (table, null);
    }

    private static readonly string[] Classes = ["alnum", "alpha", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "xdigit"];

    private static bool InClass(string name, int b)
    {
        var c = (char)b;
        return name switch
        {
            "alnum" => char.IsAsciiLetterOrDigit(c),
            "alpha" => char.IsAsciiLetter(c),
            "blank" => c is ' ' or '\t',
            "cntrl" => b < 32 || b == 127,
            "digit" => char.IsAsciiDigit(c),
            "graph" => b is > 32 and < 127,
            "lower" => char.IsAsciiLetterLower(c),
            "print" => b is >= 32 and < 127,
            "punct" => b is > 32 and < 127 && !char.IsAsciiLetterOrDigit(c),
            "space" => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r',
            "upper" => char.IsAsciiLetterUpper(c),
            _ => char.IsAsciiHexDigit(c),
        };
    }

    // A SET as its array of bytes; in SET2, [c*] fills it up to `length`.
    private static (List<int>? Set, bool Filled, string? Error) Expand(string text, bool second, int length = 0)
    {
        var bytes = Io.Bytes(text);
        var items = new List<int>();
        int? fillAt = null;
        var fillByte = 0;
        for (var i = 0; i < bytes.Length;)
        {
            if (bytes[i] == '[' && i + 1 < bytes.Length)
            {
                var close = Array.IndexOf(bytes, (byte)']', i + 2);
                var inner = close > 0 ? Io.Text(bytes.AsSpan(i + 1, close - i - 1)) : "";
                if (inner.Length > 2 && inner[0] == ':' && inner[^1] == ':' && Classes.Contains(inner[1..^1]))
                {
                    var name = inner[1..^1];
                    if (second && name is not ("upper" or "lower"))
                        return (null, false, "when translating, the only character classes that may appear in\nstring2 are 'upper' and 'lower'");
                    items.AddRange(Enumerable.Range(0, 256).Where(b => InClass(name, b)));
                    i = close + 1;
                    continue;
                }
                if (inner.Length > 2 && inner[0] == ':' && inner[^1] == ':')
                    return (null, false, $"invalid character class {Io.Quote(inner[1..^1])}");
                if (inner.Length == 3 && inner[0] == '=' && inner[^1] == '=')
                {
                    items.Add(inner[1]);
                    i = close + 1;
                    continue;
                }
                // [c*n] and [c*]: the character may be an escape.
                var (c, next) = Char(bytes, i + 1);
                if (next < bytes.Length && bytes[next] == '*' && close > next)
                {
                    var count = Io.Text(bytes.AsSpan(next + 1, close - next - 1));
                    if (!second) return (null, false, "the [c*] repeat construct may not appear in string1");
                    if (count.Length == 0 || count.All(ch => ch == '0'))
                    {
                        if (fillAt is not null) return (null, false, "only one [c*] repeat construct may appear in string2");
                        fillAt = items.Count;
                        fillByte = c;
                    }
                    else if (count.All(char.IsAsciiDigit))
                    {
                        var n = count[0] == '0' ? Convert.ToInt64(count, 8) : long.Parse(count, System.Globalization.CultureInfo.InvariantCulture);
                        items.AddRange(Enumerable.Repeat(c, (int)Math.Min(n, 1 << 20)));
                    }
                    else return (null, false, $"invalid repeat count {Io.Quote(count)} in [c*n] construct");
                    i = close + 1;
                    continue;
                }
            }
            var (first, after) = Char(bytes, i);
            if (after + 1 < bytes.Length && bytes[after] == '-')
            {
                var (lastByte, end) = Char(bytes, after + 1);
                if (lastByte < first)
                    return (null, false, $"range-endpoints of {Io.Quote(Io.Text(bytes.AsSpan(i, end - i)))} are in reverse collating sequence order");
                items.AddRange(Enumerable.Range(first, lastByte - first + 1));
                i = end;
                continue;
            }
            items.Add(first);
            i = after;
        }
        if (fillAt is { } at) items.InsertRange(at, Enumerable.Repeat(fillByte, Math.Max(0, length - items.Count)));
        return (items, fillAt is not null, null);
    }

    // One character of a SET at i, with its escape read; the index after it.
    private static (int Byte, int Next) Char(byte[] bytes, int i)
    {
        if (bytes[i] != '\\' || i + 1 == bytes.Length) return (bytes[i], i + 1);
        var c = (char)bytes[i + 1];
        if (c is >= '0' and <= '7')
        {
            var value = 0;
            var j = i + 1;
            for (var digits = 0; digits < 3 && j < bytes.Length && bytes[j] is >= (byte)'0' and <= (byte)'7' && value * 8 + (bytes[j] - '0') < 256; digits++)
                value = value * 8 + (bytes[j++] - '0');
            return (value, j);
        }
        var escaped = c switch { 'a' => 7, 'b' => 8, 'f' => 12, 'n' => 10, 'r' => 13, 't' => 9, 'v' => 11, _ => bytes[i + 1] };
        return (escaped, i + 2);
    }
}
