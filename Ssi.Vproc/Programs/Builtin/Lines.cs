// Lines of bytes for the text programs: splitting a stream as it comes, and finding line boundaries in a buffer.
namespace Ssi.Vproc.Programs.Builtin;

/// <summary>Splits chunks read one after another into lines (without their '\n', or another delimiter); plain data, kept across reads.</summary>
public sealed class LineSplitter(byte delimiter = (byte)'\n')
{
    private List<byte> _pending = [];

    /// <summary>The complete lines that <paramref name="chunk"/> ends; a partial last line waits for the next chunk.</summary>
    public List<byte[]> Feed(byte[] chunk)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = Array.IndexOf(chunk, delimiter); i >= 0; i = Array.IndexOf(chunk, delimiter, start))
        {
            if (_pending.Count > 0)
            {
                _pending.AddRange(chunk.AsSpan(start, i - start));
                lines.Add([.. _pending]);
                _pending = [];
            }
            else lines.Add(chunk[start..i]);
            start = i + 1;
        }
        _pending.AddRange(chunk.AsSpan(start));
        return lines;
    }

    /// <summary>At end of input: the last line if it had no '\n', else null.</summary>
    public byte[]? Rest()
    {
        if (_pending.Count == 0) return null;
        byte[] rest = [.. _pending];
        _pending = [];
        return rest;
    }
}

public static class LineBuffers
{
    /// <summary>The lines of a whole input without their delimiters; a last line without one counts.</summary>
    public static List<byte[]> Split(byte[] data, byte delimiter = (byte)'\n')
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var end = Array.IndexOf(data, delimiter); end >= 0; end = Array.IndexOf(data, delimiter, start))
        {
            lines.Add(data[start..end]);
            start = end + 1;
        }
        if (start < data.Length) lines.Add(data[start..]);
        return lines;
    }

    /// <summary>Where the last <paramref name="count"/> lines of <paramref name="data"/> start (an unterminated last line counts).</summary>
    public static int StartOfLast(byte[] data, long count, byte delimiter = (byte)'\n')
    {
        if (count <= 0) return data.Length;
        var i = data.Length;
        if (i > 0 && data[i - 1] == delimiter) i--;
        for (; i > 0; i--)
            if (data[i - 1] == delimiter && --count == 0) return i;
        return 0;
    }

    /// <summary>Where the line numbered <paramref name="line"/> (from 1) starts, or the length if there are fewer.</summary>
    public static int StartOfLine(byte[] data, long line, byte delimiter = (byte)'\n')
    {
        var at = 0;
        for (var n = 1L; n < line; n++)
        {
            var newline = Array.IndexOf(data, delimiter, at);
            if (newline < 0) return data.Length;
            at = newline + 1;
        }
        return at;
    }

    /// <summary>How many bytes of <paramref name="chunk"/> hold the next <paramref name="lines"/> lines, and how many lines are left after.</summary>
    public static (int Length, long Left) TakeLines(byte[] chunk, long lines, byte delimiter = (byte)'\n')
    {
        var at = 0;
        while (lines > 0)
        {
            var newline = Array.IndexOf(chunk, delimiter, at);
            if (newline < 0) return (chunk.Length, lines);
            at = newline + 1;
            lines--;
        }
        return (at, 0);
    }
}
