// sed's text helpers: replacements (with GNU's case changes), y's escapes, and l's unambiguous form.
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Ssi.Vproc.Programs.Builtin;

public static class SedText
{
    /// <summary>The pieces of an s replacement, or the complaint about a reference to a group the regex does not have.</summary>
    public static (SedPiece[] Pieces, string? Error) Replacement(string text, int groups)
    {
        var pieces = new List<SedPiece>();
        var literal = new StringBuilder();
        void Flush()
        {
            if (literal.Length == 0) return;
            pieces.Add(new SedPiece(literal.ToString()));
            literal.Clear();
        }
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '&')
            {
                Flush();
                pieces.Add(new SedPiece(null, 0));
                continue;
            }
            if (c != '\\' || i + 1 == text.Length)
            {
                literal.Append(c);
                continue;
            }
            var e = text[++i];
            if (e is >= '0' and <= '9')
            {
                if (e - '0' > groups) return ([], $"invalid reference \\{e} on `s' command's RHS");
                Flush();
                pieces.Add(new SedPiece(null, e - '0'));
            }
            else if (e is 'U' or 'L' or 'u' or 'l' or 'E')
            {
                Flush();
                pieces.Add(new SedPiece(null, -1, e));
            }
            else literal.Append(e switch { 'n' => '\n', 't' => '\t', 'a' => '\a', 'f' => '\f', 'v' => '\v', 'r' => '\r', _ => e });
        }
        Flush();
        return ([.. pieces], null);
    }

    /// <summary>The text of y: \n, \t and \\ unescaped.</summary>
    public static string Unescape(string text)
    {
        var s = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 == text.Length)
            {
                s.Append(text[i]);
                continue;
            }
            var e = text[++i];
            s.Append(e switch { 'n' => '\n', 't' => '\t', '\n' => '\n', _ => e });
        }
        return s.ToString();
    }

    /// <summary>Appends a match's replacement, with \U \L \u \l \E changing case as GNU does.</summary>
    public static void Replace(StringBuilder result, Match m, SedPiece[] pieces)
    {
        var mode = 'E';
        var once = '\0';
        foreach (var piece in pieces)
        {
            if (piece.Case != '\0')
            {
                if (piece.Case is 'u' or 'l') once = piece.Case;
                else (mode, once) = (piece.Case, '\0');
                continue;
            }
            var text = piece.Text ?? (piece.Group == 0 ? m.Value : m.Groups["g" + piece.Group.ToString(CultureInfo.InvariantCulture)].Value);
            if (mode == 'U') text = text.ToUpperInvariant();
            else if (mode == 'L') text = text.ToLowerInvariant();
            if (once != '\0' && text.Length > 0)
            {
                text = (once == 'u' ? char.ToUpperInvariant(text[0]) : char.ToLowerInvariant(text[0])) + text[1..];
                once = '\0';
            }
            result.Append(text);
        }
    }

    /// <summary>l: the pattern space unambiguously, C escapes and \ooo octal, wrapped with '\' before <paramref name="width"/> columns, '$' at the end.</summary>
    public static string Escaped(string pattern, int width)
    {
        var s = new StringBuilder();
        var column = 0;
        foreach (var b in Io.Bytes(pattern))
        {
            var piece = b switch
            {
                (byte)'\\' => "\\\\",
                7 => "\\a",
                8 => "\\b",
                12 => "\\f",
                10 => "\\n",
                13 => "\\r",
                9 => "\\t",
                11 => "\\v",
                >= 32 and < 127 => ((char)b).ToString(),
                _ => "\\" + Convert.ToString(b, 8).PadLeft(3, '0'),
            };
            if (width > 1 && column + piece.Length > width - 1)
            {
                s.Append("\\\n");
                column = 0;
            }
            s.Append(piece);
            column += piece.Length;
        }
        return s.Append('$').ToString();
    }
}
