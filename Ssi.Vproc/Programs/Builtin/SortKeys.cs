// sort's ordering: -k keys with their options, and the comparisons of GNU sort.c (begfield, limfield, keycompare) in the C locale.
using System.Globalization;
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

public enum SortKind
{
    Text,
    Numeric,
    GeneralNumeric,
    HumanNumeric,
    Month,
}

/// <summary>
/// One -k key (or the global options, as a key over the whole line). Fields and characters count from 0 here;
/// <see cref="EndField"/> null means the end of the line, <see cref="EndChar"/> 0 the end of the end field.
/// </summary>
public sealed class SortKey
{
    public int StartField, StartChar, EndChar;
    public int? EndField;
    public bool SkipStartBlanks, SkipEndBlanks, Dictionary, IgnoreNonprinting, Fold, Reverse;
    public SortKind Kind;

    /// <summary>Whether the key asks for nothing but plain byte order (then it takes the global options, as in GNU).</summary>
    public bool IsPlain => !SkipStartBlanks && !SkipEndBlanks && !Dictionary && !IgnoreNonprinting && !Fold && Kind == SortKind.Text;

    public void Inherit(SortKey global)
    {
        (SkipStartBlanks, SkipEndBlanks, Dictionary, IgnoreNonprinting) = (global.SkipStartBlanks, global.SkipEndBlanks, global.Dictionary, global.IgnoreNonprinting);
        (Fold, Kind, Reverse) = (global.Fold, global.Kind, global.Reverse);
    }

    /// <summary>Applies ordering letters (bdfghiMnr); false at the first one that is not.</summary>
    public bool SetOption(char letter, bool atEnd = false)
    {
        switch (letter)
        {
            case 'b' when atEnd: SkipEndBlanks = true; break;
            case 'b': SkipStartBlanks = true; break;
            case 'd': Dictionary = true; break;
            case 'f': Fold = true; break;
            case 'g': Kind = SortKind.GeneralNumeric; break;
            case 'h': Kind = SortKind.HumanNumeric; break;
            case 'i': IgnoreNonprinting = true; break;
            case 'M': Kind = SortKind.Month; break;
            case 'n': Kind = SortKind.Numeric; break;
            case 'r': Reverse = true; break;
            default: return false;
        }
        return true;
    }

    /// <summary>Parses "F[.C][OPTS][,F[.C][OPTS]]"; on bad input, GNU's complaint.</summary>
    public static (SortKey? Key, string? Complaint) Parse(string spec)
    {
        var key = new SortKey();
        var at = 0;
        string Bad(string why) => $"{why}: invalid field specification {Io.Quote(spec)}";
        if (!Number(spec, ref at, out var field)) return (null, $"invalid number at field start: invalid count at start of {Io.Quote(spec[at..])}");
        if (field == 0) return (null, Bad("field number is zero"));
        key.StartField = field - 1;
        if (at < spec.Length && spec[at] == '.')
        {
            at++;
            if (!Number(spec, ref at, out var character)) return (null, $"invalid number after '.': invalid count at start of {Io.Quote(spec[at..])}");
            if (character == 0) return (null, Bad("character offset is zero"));
            key.StartChar = character - 1;
        }
        while (at < spec.Length && key.SetOption(spec[at])) at++;
        if (at < spec.Length && spec[at] == ',')
        {
            at++;
            if (!Number(spec, ref at, out var end)) return (null, $"invalid number after ',': invalid count at start of {Io.Quote(spec[at..])}");
            if (end == 0) return (null, Bad("field number is zero"));
            key.EndField = end - 1;
            if (at < spec.Length && spec[at] == '.')
            {
                at++;
                if (!Number(spec, ref at, out var character)) return (null, $"invalid number after '.': invalid count at start of {Io.Quote(spec[at..])}");
                key.EndChar = character;
            }
            while (at < spec.Length && key.SetOption(spec[at], atEnd: true)) at++;
        }
        return at < spec.Length ? (null, Bad("stray character in field spec")) : (key, null);
    }

    private static bool Number(string text, ref int at, out int value)
    {
        var start = at;
        while (at < text.Length && char.IsAsciiDigit(text[at])) at++;
        value = 0;
        if (at == start) return false;
        if (!int.TryParse(text.AsSpan(start, at - start), NumberStyles.None, CultureInfo.InvariantCulture, out value)) value = int.MaxValue;
        return true;
    }
}

/// <summary>GNU sort's order over lines (without their delimiter): the keys in turn, then the whole line unless -s or -u.</summary>
public sealed class SortOrder
{
    public required List<SortKey> Keys { get; init; }
    /// <summary>The -t separator, or null for fields that start at blanks.</summary>
    public byte? Separator { get; init; }
    public bool Reverse { get; init; }
    /// <summary>-s or -u: lines whose keys are equal are equal.</summary>
    public bool KeysOnly { get; init; }

    public int Compare(byte[] a, byte[] b)
    {
        foreach (var key in Keys)
        {
            var diff = CompareKey(key, Field(a, key), Field(b, key));
            if (diff != 0) return key.Reverse ? -diff : diff;
        }
        if (Keys.Count > 0 && KeysOnly) return 0;
        var whole = a.AsSpan().SequenceCompareTo(b);
        return Reverse ? -whole : whole;
    }

    private static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t';

    /// <summary>The bytes of <paramref name="key"/> in <paramref name="line"/> (begfield to limfield).</summary>
    public ReadOnlySpan<byte> Field(byte[] line, SortKey key)
    {
        var begin = Skip(line, 0, key.StartField, true);
        if (key.SkipStartBlanks)
            while (begin < line.Length && IsBlank(line[begin])) begin++;
        begin = (int)Math.Min(line.Length, (long)begin + key.StartChar);
        var limit = line.Length;
        if (key.EndField is { } endField)
        {
            limit = Skip(line, 0, key.EndChar == 0 ? endField + 1 : endField, key.EndChar != 0);
            if (key.EndChar != 0)
            {
                if (key.SkipEndBlanks)
                    while (limit < line.Length && IsBlank(line[limit])) limit++;
                limit = (int)Math.Min(line.Length, (long)limit + key.EndChar);
            }
        }
        return limit <= begin ? [] : line.AsSpan(begin, limit - begin);
    }

    // Skips `fields` fields from `at`; with -t, past each separator except (for an end of field) the last one.
    private int Skip(byte[] line, int at, int fields, bool pastLastSeparator)
    {
        for (var left = fields; at < line.Length && left > 0; left--)
        {
            if (Separator is { } separator)
            {
                while (at < line.Length && line[at] != separator) at++;
                if (at < line.Length && (left > 1 || pastLastSeparator)) at++;
            }
            else
            {
                while (at < line.Length && IsBlank(line[at])) at++;
                while (at < line.Length && !IsBlank(line[at])) at++;
            }
        }
        return at;
    }

    private static int CompareKey(SortKey key, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => key.Kind switch
    {
        SortKind.Numeric => SortNumbers.CompareNumeric(a, b),
        SortKind.GeneralNumeric => SortNumbers.CompareGeneral(a, b),
        SortKind.HumanNumeric => SortNumbers.CompareHuman(a, b),
        SortKind.Month => SortNumbers.Month(a).CompareTo(SortNumbers.Month(b)),
        _ when key.Dictionary || key.IgnoreNonprinting || key.Fold => CompareText(key, a, b),
        _ => a.SequenceCompareTo(b),
    };

    // -d, -i and -f: skip the ignored bytes, compare the rest folded to upper case.
    private static int CompareText(SortKey key, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int i = 0, j = 0;
        while (true)
        {
            while (i < a.Length && Ignored(key, a[i])) i++;
            while (j < b.Length && Ignored(key, b[j])) j++;
            if (i == a.Length || j == b.Length) return (i < a.Length ? 1 : 0) - (j < b.Length ? 1 : 0);
            var x = key.Fold ? Upper(a[i]) : a[i];
            var y = key.Fold ? Upper(b[j]) : b[j];
            if (x != y) return x - y;
            i++;
            j++;
        }
    }

    private static bool Ignored(SortKey key, byte c) =>
        (key.Dictionary && !(char.IsAsciiLetterOrDigit((char)c) || IsBlank(c)))
        || (key.IgnoreNonprinting && c is < 32 or >= 127);

    private static byte Upper(byte c) => c is >= (byte)'a' and <= (byte)'z' ? (byte)(c - 32) : c;
}
