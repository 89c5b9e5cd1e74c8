// awk's records and fields: cutting input by RS as it arrives, splitting a record by FS, rebuilding it with OFS.
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>An input being read (the main input, or a getline file): the bytes read but not yet taken as records.</summary>
public sealed class AwkReader(Ssi.Actors.Identity.Fd fd)
{
    public Ssi.Actors.Identity.Fd Fd { get; } = fd;
    public bool Eof { get; set; }
    private byte[] _buffer = new byte[1024];
    private int _start, _end;

    public void Append(byte[] data)
    {
        if (_end + data.Length > _buffer.Length)
        {
            var live = _end - _start;
            var bigger = live + data.Length > _buffer.Length / 2 ? new byte[Math.Max(_buffer.Length * 2, live + data.Length)] : _buffer;
            Array.Copy(_buffer, _start, bigger, 0, live);
            _buffer = bigger;
            _start = 0;
            _end = live;
        }
        data.CopyTo(_buffer, _end);
        _end += data.Length;
    }

    /// <summary>
    /// The next record if the bytes so far hold a whole one (or the input ended), else null. RS: one character
    /// separates; "" is paragraph mode (blank lines separate, leading newlines are skipped); longer is a regex.
    /// </summary>
    public string? Take(string rs)
    {
        var data = _buffer.AsSpan(_start, _end - _start);
        if (rs.Length == 0) return Paragraph(data);
        if (rs.Length == 1 || (rs.Length == 2 && char.IsSurrogatePair(rs[0], rs[1])))
        {
            var separator = Io.Bytes(rs);
            var at = data.IndexOf(separator);
            if (at >= 0) return Cut(at, at + separator.Length);
            return Eof && data.Length > 0 ? Cut(data.Length, data.Length) : null;
        }
        var text = Io.Text(data);
        var match = AwkRegex.Get(rs).Match(text);
        while (match.Success && match.Length == 0) match = match.NextMatch();
        // A match that touches the end might grow with more input.
        if (match.Success && (Eof || match.Index + match.Length < text.Length))
        {
            var record = text[..match.Index];
            _start += Io.Bytes(text[..(match.Index + match.Length)]).Length;
            return record;
        }
        return Eof && data.Length > 0 ? Cut(data.Length, data.Length) : null;
    }

    private string? Paragraph(ReadOnlySpan<byte> data)
    {
        var lead = 0;
        while (lead < data.Length && data[lead] == '\n') lead++;
        if (lead == data.Length)
        {
            if (Eof) _start = _end;
            return null;
        }
        var blank = data[lead..].IndexOf("\n\n"u8);
        if (blank >= 0)
        {
            var end = lead + blank;
            var after = end;
            while (after < data.Length && data[after] == '\n') after++;
            if (after == data.Length && !Eof) return null;
            _start += lead;
            return Cut(end - lead, after - lead);
        }
        if (!Eof) return null;
        var last = data.Length;
        while (data[last - 1] == '\n') last--;
        _start += lead;
        return Cut(last - lead, data.Length - lead);
    }

    private string Cut(int recordEnd, int consumed)
    {
        var record = Io.Text(_buffer.AsSpan(_start, recordEnd));
        _start += consumed;
        return record;
    }
}

/// <summary>Field splitting, for records and for split().</summary>
public static class AwkSplit
{
    /// <summary>
    /// The fields of <paramref name="text"/> by <paramref name="fs"/>: " " splits at runs of blanks and newlines and
    /// ignores them at the ends; "" splits into characters; one other character splits at each (a tab, "|" or "."
    /// literally); longer (or <paramref name="regex"/>) is a regex whose empty matches do not split. In paragraph mode a newline always splits.
    /// </summary>
    public static List<string> Fields(string text, string fs, bool paragraph = false, bool regex = false)
    {
        var fields = new List<string>();
        if (text.Length == 0) return fields;
        if (fs == " " && !regex)
        {
            var i = 0;
            while (true)
            {
                while (i < text.Length && text[i] is ' ' or '\t' or '\n') i++;
                if (i == text.Length) return fields;
                var start = i;
                while (i < text.Length && text[i] is not (' ' or '\t' or '\n')) i++;
                fields.Add(text[start..i]);
            }
        }
        if (fs.Length == 0)
        {
            var e = System.Globalization.StringInfo.GetTextElementEnumerator(text);
            while (e.MoveNext()) fields.Add((string)e.Current);
            return fields;
        }
        if (fs.Length == 1 && fs != "\\" && !regex)
        {
            if (fs[0] == '\n' || !paragraph)
            {
                fields.AddRange(text.Split(fs[0]));
                return fields;
            }
            fields.AddRange(text.Split([fs[0], '\n']));
            return fields;
        }
        var separator = AwkRegex.Get(fs);
        var from = 0;
        var m = separator.Match(text);
        while (m.Success)
        {
            if (m.Length > 0)
            {
                fields.Add(text[from..m.Index]);
                from = m.Index + m.Length;
            }
            m = m.NextMatch();
        }
        fields.Add(text[from..]);
        return fields;
    }
}

/// <summary>awk's regexes: EREs with awk's escapes, translated by PosixRegex once and cached by their text.</summary>
public static class AwkRegex
{
    public static System.Text.RegularExpressions.Regex Get(string ere)
    {
        var (pattern, error) = PosixRegex.Translate(Escapes(ere), true);
        if (error is not null) throw new AwkRuntimeException($"regular expression compile failed ({error})\n{ere}");
        try
        {
            return PosixRegex.Compiled(pattern, false);
        }
        catch (ArgumentException)
        {
            throw new AwkRuntimeException($"regular expression compile failed (bad pattern)\n{ere}");
        }
    }

    // awk's own escapes (\n, \t, \/, \", octal) become the characters; the regex's (\. \\ \( ...) stay for PosixRegex.
    private static string Escapes(string ere)
    {
        if (!ere.Contains('\\')) return ere;
        var s = new StringBuilder();
        for (var i = 0; i < ere.Length; i++)
        {
            if (ere[i] != '\\' || i + 1 == ere.Length) { s.Append(ere[i]); continue; }
            var c = ere[i + 1];
            var plain = c switch { 'n' => '\n', 't' => '\t', 'r' => '\r', 'f' => '\f', 'v' => '\v', 'a' => '\a', 'b' => '\b', '/' => '/', '"' => '"', _ => '\0' };
            if (plain != '\0') { s.Append(plain); i++; continue; }
            if (c is >= '0' and <= '7')
            {
                var v = 0;
                var j = i + 1;
                while (j < ere.Length && j < i + 4 && ere[j] is >= '0' and <= '7') v = v * 8 + (ere[j++] - '0');
                var ch = (char)v;
                if ("\\^$.[]|()*+?{}".Contains(ch)) s.Append('\\');
                s.Append(ch);
                i = j - 1;
                continue;
            }
            s.Append('\\').Append(c);
            i++;
        }
        return s.ToString();
    }
}

/// <summary>A run-time error: the message after "awk: "; the program ends with status 2.</summary>
public sealed class AwkRuntimeException(string message) : Exception(message);
