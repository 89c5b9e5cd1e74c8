// od: dumps its input in octal, hexadecimal, decimal, floating point or characters, laid out as GNU od lays it out.
using System.Globalization;
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// od [OPTION]... [FILE]...: the FILEs (or standard input) as one stream, a line per -w bytes (16), each format of
/// -t (octal 2-byte words by default) on its own line, a repeated line shown once as '*' unless -v, and the offset
/// in the radix of -A first. Exit 1 if a file could not be read. Lines are printed as the input comes.
/// </summary>
public sealed class Od : Program
{
    private const string Usage = """
        Usage: od [OPTION]... [FILE]...
        Write an unambiguous representation, octal bytes by default,
        of FILE to standard output.  With more than one FILE argument,
        concatenate them in the listed order to form the input.

        With no FILE, or when FILE is -, read standard input.

          -A, --address-radix=RADIX   output format for file offsets; RADIX is one
                                        of [doxn], for Decimal, Octal, Hex or None
          -j, --skip-bytes=BYTES      skip BYTES input bytes first
          -N, --read-bytes=BYTES      limit dump to BYTES input bytes
          -t, --format=TYPE           select output format or formats
          -v, --output-duplicates     do not use * to mark line suppression
          -w[BYTES], --width[=BYTES]  output BYTES bytes per output line;
                                        32 is implied when BYTES is not specified
              --traditional           (accepted; offsets as operands are not)
              --help                  display this help and exit

        Traditional format specifications may be intermixed; they accumulate:
          -a   same as -t a,  select named characters, ignoring high-order bit
          -b   same as -t o1, select octal bytes
          -c   same as -t c,  select printable characters or backslash escapes
          -d   same as -t u2, select unsigned decimal 2-byte units
          -f   same as -t fF, select floats
          -i   same as -t dI, select decimal ints
          -l   same as -t dL, select decimal longs
          -o   same as -t o2, select octal 2-byte units
          -s   same as -t d2, select decimal 2-byte units
          -x   same as -t x2, select hexadecimal 2-byte units

        TYPE is made up of one or more of these specifications:
          a          named character, ignoring high-order bit
          c          printable character or backslash escape
          d[SIZE]    signed decimal, SIZE bytes per integer
          f[SIZE]    floating point, SIZE bytes per float (4 or 8)
          o[SIZE]    octal, SIZE bytes per integer
          u[SIZE]    unsigned decimal, SIZE bytes per integer
          x[SIZE]    hexadecimal, SIZE bytes per integer

        SIZE is a number: 1, 2, 4 or 8, or C, S, I or L for the sizes of char, short, int and long.

        BYTES is hex with 0x or 0X prefix, and may have a multiplier suffix:
          b    512
          KB   1000
          K    1024
          MB   1000*1000
          M    1024*1024

        """;

    private static readonly OptionSpec Spec = new("A:j:N:t:vw::abcdfilosxBDeFHILOXh",
        ["address-radix=A", "skip-bytes=j", "read-bytes=N", "format=t", "output-duplicates=v", "width::", "traditional"], Usage);

    private static readonly Dictionary<string, string> Shorthands = new()
    {
        ["a"] = "a", ["b"] = "o1", ["c"] = "c", ["d"] = "u2", ["f"] = "fF", ["i"] = "dI", ["l"] = "dL", ["o"] = "o2", ["s"] = "d2", ["x"] = "x2",
        ["B"] = "o2", ["D"] = "u4", ["e"] = "fD", ["F"] = "fD", ["H"] = "x4", ["X"] = "x4", ["I"] = "dL", ["L"] = "dL", ["O"] = "o4", ["h"] = "x2",
    };

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var types = new List<OdType>();
        string? error = null;
        for (var i = 0; i < o.Given.Count && error is null; i++)
        {
            var g = o.Given[i];
            var text = g.Name == "t" ? g.Value! : Shorthands.GetValueOrDefault(g.Name);
            if (text is null) continue;
            var (parsed, complaint) = OdType.Parse(text);
            if (parsed is null) error = complaint;
            else types.AddRange(parsed);
        }
        if (types.Count == 0) types.Add(new OdType('o', 2, 6));
        var radix = o.Value('A') ?? "o";
        if (error is null && radix is not ("d" or "o" or "x" or "n")) error = $"invalid output address radix '{radix}'; it must be one character from [doxn]";
        var skip = error is null ? Bytes(o.Value('j'), "skip-bytes", ref error) : 0;
        var limit = error is null && o.Value('N') is not null ? Bytes(o.Value('N'), "read-bytes", ref error) : long.MaxValue;
        var width = 16;
        var widthText = o.Given.FindLast(g => g.Name is "w" or "width");
        if (widthText is not null) width = widthText.Value is null ? 32 : (int)Math.Min(Bytes(widthText.Value, "width", ref error), 1 << 16);
        var largest = types.Max(t => t.Size);
        if (error is null && (width <= 0 || width % largest != 0)) error = $"invalid width {width}";
        if (error is not null)
        {
            yield return Io.Complain(p, error);
            yield return new Exit(1);
            yield break;
        }
        var widthPerLine = types.Max(t => (t.Width + 1) * (width / t.Size));
        var layout = new OdLayout(types, width, widthPerLine, radix[0], o.Has('v'), skip);
        var inputs = new Inputs(o.Operands);
        var pending = new List<byte>();
        long skipped = 0, taken = 0;
        while (taken < limit)
        {
            foreach (var call in inputs.Next(p)) yield return call;
            if (inputs.Done) break;
            while (taken < limit)
            {
                yield return new Read(inputs.Fd, Io.Chunk);
                if (p.Failed)
                {
                    yield return Io.Report(p, inputs.Name);
                    inputs.Fail();
                    break;
                }
                var data = p.Result.Data;
                if (data.Length == 0) break;
                var from = (int)Math.Min(data.Length, Math.Max(skip - skipped, 0));
                skipped += from;
                var count = (int)Math.Min(data.Length - from, limit - taken);
                taken += count;
                pending.AddRange(data.AsSpan(from, count));
                var text = layout.Lines(pending, final: false);
                if (text.Length > 0) yield return Io.Out(text);
            }
        }
        if (skipped < skip)
        {
            yield return Io.Complain(p, "cannot skip past end of combined input");
            yield return new Exit(1);
            yield break;
        }
        yield return Io.Out(layout.Lines(pending, final: true) + layout.Address(skip + taken, end: true));
        yield return new Exit(inputs.Status);
    }

    /// <summary>A byte count as GNU od reads one: decimal, 0x hex or 0 octal, with a b, K, KB, M, MB, G or GB suffix.</summary>
    private static long Bytes(string? text, string option, ref string? error)
    {
        if (text is null) return 0;
        var multipliers = new (string Suffix, long Factor)[] { ("KB", 1000), ("MB", 1000_000), ("GB", 1000_000_000), ("b", 512), ("K", 1024), ("k", 1024), ("M", 1 << 20), ("G", 1 << 30) };
        var number = text;
        long factor = 1;
        foreach (var (suffix, f) in multipliers)
        {
            if (!number.EndsWith(suffix, StringComparison.Ordinal) || number.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && suffix == "b") continue;
            (number, factor) = (number[..^suffix.Length], f);
            break;
        }
        var ok = number.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(number[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            : number.Length > 1 && number[0] == '0'
                ? TryOctal(number, out value)
                : long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!ok)
        {
            error ??= $"invalid --{option} argument {Io.Quote(text)}";
            return 0;
        }
        return value * factor;
    }

    private static bool TryOctal(string text, out long value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '7') return false;
            value = value * 8 + (c - '0');
        }
        return true;
    }
}

/// <summary>The lines of a dump: addresses, one line per format, and '*' for repeated lines. Plain data, kept across reads.</summary>
public sealed class OdLayout(List<OdType> types, int width, int widthPerLine, char radix, bool showDuplicates, long start)
{
    private long _offset = start;
    private byte[]? _previous;
    private bool _starred;

    /// <summary>The text for the whole lines of <paramref name="pending"/> (and, when final, the short last one), which it removes.</summary>
    public string Lines(List<byte> pending, bool final)
    {
        var s = new StringBuilder();
        while (pending.Count >= width || (final && pending.Count > 0))
        {
            var block = pending.GetRange(0, Math.Min(width, pending.Count)).ToArray();
            pending.RemoveRange(0, block.Length);
            if (!showDuplicates && block.Length == width && _previous is not null && block.AsSpan().SequenceEqual(_previous))
            {
                if (!_starred) s.Append("*\n");
                _starred = true;
            }
            else
            {
                _starred = false;
                for (var i = 0; i < types.Count; i++)
                {
                    s.Append(i == 0 ? Address(_offset, end: false) : new string(' ', AddressWidth));
                    s.Append(types[i].Line(block, width, widthPerLine - types[i].Width * (width / types[i].Size))).Append('\n');
                }
            }
            _previous = block;
            _offset += block.Length;
        }
        return s.ToString();
    }

    private int AddressWidth => radix switch { 'n' => 0, 'x' => 6, _ => 7 };

    /// <summary>An offset as -A shows it; the one that ends the dump has its own line (none with -A n).</summary>
    public string Address(long offset, bool end)
    {
        var text = radix switch
        {
            'n' => "",
            'x' => offset.ToString("x6", CultureInfo.InvariantCulture),
            'd' => offset.ToString("D7", CultureInfo.InvariantCulture),
            _ => Convert.ToString(offset, 8).PadLeft(7, '0'),
        };
        return end ? (radix == 'n' ? "" : text + "\n") : text;
    }
}
