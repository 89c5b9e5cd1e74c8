// File names are bytes, as on Linux; inside the system they are strings: this is the one bijection between the two.
using System.Text;

namespace Ssi.Cfs.Namespace;

/// <summary>
/// Bytes to string and back without loss (MirBSD's OPTU-8): valid UTF-8 decodes as usual, and each byte that is not
/// part of a valid sequence becomes U+EF00+byte, a Private Use code point in U+EF80..U+EFFF (such bytes are always
/// 0x80 or above). A valid sequence that itself encodes U+EF80..U+EFFF is escaped byte by byte too, so every string
/// that <see cref="Decode"/> returns encodes back to exactly the bytes it came from. PUA characters are ordinary
/// UTF-8 to Hyperion, SQLite and PostgreSQL, so the stores keep such names without any change.
/// </summary>
public static class FileNameBytes
{
    private const int Escape = 0xEF00;
    private const int FirstEscaped = Escape + 0x80, LastEscaped = Escape + 0xFF;

    /// <summary>A System.Text.Encoding over this codec, for text writers (the CLI's stdout and stderr).</summary>
    public static Encoding Encoding { get; } = new FileNameEncoding();

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out var used) == System.Buffers.OperationStatus.Done && !IsEscaped(rune.Value))
            {
                text.Append(rune.ToString());
                bytes = bytes[used..];
                continue;
            }
            text.Append((char)(Escape + bytes[0]));
            bytes = bytes[1..];
        }
        return text.ToString();
    }

    public static byte[] Encode(ReadOnlySpan<char> text)
    {
        var bytes = new byte[ByteCount(text)];
        Encode(text, bytes);
        return bytes;
    }

    /// <summary>The length of <see cref="Encode(ReadOnlySpan{char})"/>: what Unix's name and path limits count.</summary>
    public static int ByteCount(ReadOnlySpan<char> text)
    {
        var count = 0;
        while (NextRune(ref text) is { } rune) count += IsEscaped(rune.Value) ? 1 : rune.Utf8SequenceLength;
        return count;
    }

    /// <summary>Writes the bytes of <paramref name="text"/> into <paramref name="into"/>, which must be long enough; returns their number.</summary>
    public static int Encode(ReadOnlySpan<char> text, Span<byte> into)
    {
        var at = 0;
        while (NextRune(ref text) is { } rune)
            if (IsEscaped(rune.Value)) into[at++] = (byte)(rune.Value - Escape);
            else at += rune.EncodeToUtf8(into[at..]);
        return at;
    }

    private static bool IsEscaped(int codePoint) => codePoint is >= FirstEscaped and <= LastEscaped;

    /// <summary>The next code point of <paramref name="text"/>, consumed; a lone surrogate (never made by Decode) is U+FFFD, as UTF-8 has it.</summary>
    private static Rune? NextRune(ref ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return null;
        Rune.DecodeFromUtf16(text, out var rune, out var used);
        text = text[used..];
        return rune;
    }
}
