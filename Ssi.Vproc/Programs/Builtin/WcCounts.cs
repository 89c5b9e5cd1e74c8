// The counting of wc, byte by byte as GNU's wc.c does it: in the C locale, or decoding UTF-8 across chunk boundaries.
using System.Globalization;
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>One input's counts (or the total's); plain data, fed one chunk at a time.</summary>
public sealed class WcCounts(bool utf8)
{
    public long Lines, Words, Chars, Bytes, MaxLineLength;

    private long _linePosition;
    private bool _inWord;
    // The start of a UTF-8 sequence that the chunk cut off.
    private byte[] _pending = [];

    public long Of(char column) => column switch
    {
        'l' => Lines,
        'w' => Words,
        'm' => Chars,
        'c' => Bytes,
        _ => MaxLineLength,
    };

    public void Include(WcCounts other)
    {
        Lines += other.Lines;
        Words += other.Words;
        Chars += other.Chars;
        Bytes += other.Bytes;
        MaxLineLength = Math.Max(MaxLineLength, other.MaxLineLength);
    }

    public void Add(byte[] chunk)
    {
        Bytes += chunk.Length;
        if (!utf8)
        {
            Chars += chunk.Length;
            foreach (var b in chunk) Count(b, b is >= 32 and < 127 ? 1 : -1);
            return;
        }
        var data = _pending.Length == 0 ? chunk : [.. _pending, .. chunk];
        var span = data.AsSpan();
        while (span.Length > 0)
        {
            // ASCII, most of most text, needs no decoding.
            if (span[0] < 0x80)
            {
                Chars++;
                Count(span[0], span[0] is >= 32 and < 127 ? 1 : -1);
                span = span[1..];
                continue;
            }
            var status = Rune.DecodeFromUtf8(span, out var rune, out var used);
            if (status == System.Buffers.OperationStatus.NeedMoreData)
                break;
            // As GNU: a byte that starts no valid character is counted as a byte only.
            if (status == System.Buffers.OperationStatus.Done)
            {
                Chars++;
                Count(rune.Value, Unicode.Width(rune));
            }
            span = span[used..];
        }
        _pending = span.ToArray();
    }

    /// <summary>At the end of the input: the last line's width and word count.</summary>
    public void End()
    {
        MaxLineLength = Math.Max(MaxLineLength, _linePosition);
        if (_inWord) Words++;
        _inWord = false;
        _linePosition = 0;
        _pending = [];
    }

    // width: the columns a printable character takes (0 for combining marks), -1 for one that is not printable.
    private void Count(int c, int width)
    {
        switch (c)
        {
            case '\n':
            case '\r':
            case '\f':
                if (c == '\n') Lines++;
                MaxLineLength = Math.Max(MaxLineLength, _linePosition);
                _linePosition = 0;
                EndWord();
                break;
            case '\t':
                _linePosition += 8 - _linePosition % 8;
                EndWord();
                break;
            case '\v':
                EndWord();
                break;
            default:
                if (width < 0) break;
                _linePosition += width;
                if (Unicode.IsSpace(c)) EndWord();
                else _inWord = true;
                break;
        }
    }

    private void EndWord()
    {
        if (_inWord) Words++;
        _inWord = false;
    }
}

/// <summary>What glibc's iswprint, wcwidth and iswspace say of a character, close enough for wc.</summary>
public static class Unicode
{
    /// <summary>Columns on a terminal: -1 for a control, 0 for a combining or format character, 2 for wide East Asian ones.</summary>
    public static int Width(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.Control or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned) return -1;
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format) return 0;
        return IsWide(rune.Value) ? 2 : 1;
    }

    // Unicode White_Space as glibc's iswspace has it, and the no-break spaces GNU wc also separates words with.
    public static bool IsSpace(int c) => c is ' ' or (>= 0x09 and <= 0x0D) or 0x1680 or (>= 0x2000 and <= 0x200A)
        or 0x2028 or 0x2029 or 0x205F or 0x3000 or 0x00A0 or 0x202F or 0x2060;

    private static bool IsWide(int c) => c is (>= 0x1100 and <= 0x115F) or (>= 0x2E80 and <= 0x303E) or (>= 0x3041 and <= 0x33FF)
        or (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF) or (>= 0xA000 and <= 0xA4CF) or (>= 0xAC00 and <= 0xD7A3)
        or (>= 0xF900 and <= 0xFAFF) or (>= 0xFE30 and <= 0xFE4F) or (>= 0xFF00 and <= 0xFF60) or (>= 0xFFE0 and <= 0xFFE6)
        or (>= 0x1F300 and <= 0x1F64F) or (>= 0x1F900 and <= 0x1F9FF) or (>= 0x20000 and <= 0x3FFFD);
}
