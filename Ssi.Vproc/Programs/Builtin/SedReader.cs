// The characters of a sed script as sed reads them: blanks, numbers, labels, file names, a/i/c text, delimited regexes.
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>A sed syntax error at the reader's position; <see cref="SedScript"/> turns it into GNU's message.</summary>
public sealed class SedSyntaxError(string message) : Exception(message);

/// <summary>A position in the joined text of a script, and the ways sed reads on from it.</summary>
public sealed class SedReader(string text)
{
    public string Text { get; } = text;

    /// <summary>Where reading goes on; -1 after an error GNU reports at "char 0".</summary>
    public int At { get; set; }

    public char Peek => At < Text.Length ? Text[At] : '\0';

    public bool AtEnd => At >= Text.Length;

    public char Next() => At < Text.Length ? Text[At++] : '\0';

    public void SkipBlanks()
    {
        while (At < Text.Length && Text[At] is ' ' or '\t') At++;
    }

    public void SkipLine()
    {
        while (At < Text.Length && Text[At] != '\n') At++;
    }

    public long Number()
    {
        long n = 0;
        while (char.IsAsciiDigit(Peek)) n = Math.Min(n * 10 + (Next() - '0'), long.MaxValue / 20);
        return n;
    }

    // A label runs to a blank, ';' or the end of the line (GNU); after b, t and T a '}' ends it too.
    public string Label(bool inJump = true)
    {
        SkipBlanks();
        var start = At;
        while (!AtEnd && Peek is not ('\n' or ';' or ' ' or '\t') && !(inJump && Peek == '}')) At++;
        return Text[start..At];
    }

    // r and w: the file name is the rest of the line.
    public string FileName()
    {
        SkipBlanks();
        var start = At;
        SkipLine();
        var name = Text[start..At];
        if (name.Length == 0) throw new SedSyntaxError("missing filename in r/R/w/W commands");
        return name;
    }

    // a, i, c: "a\" newline text, or GNU's one-line "a text"; a line ending in '\' goes on, "\t" is a tab.
    public string ReadText()
    {
        SkipBlanks();
        if (AtEnd) throw new SedSyntaxError("expected \\ after `a', `c' or `i'");
        if (Peek == '\\')
        {
            At++;
            if (Peek == '\n') At++;
        }
        var s = new StringBuilder();
        while (!AtEnd && Peek != '\n')
        {
            var c = Next();
            if (c != '\\')
            {
                s.Append(c);
                continue;
            }
            if (AtEnd) break;
            var e = Next();
            s.Append(e switch { 't' => '\t', 'n' => '\n', 'a' => '\a', 'f' => '\f', 'v' => '\v', 'r' => '\r', _ => e });
        }
        return s.ToString();
    }

    /// <summary>
    /// The text up to an unescaped <paramref name="delimiter"/> (consumed), or null if the line ends first. "\d" for
    /// the delimiter d is d itself; in a regex, \n is a newline and \t a tab, other escapes stay for the translation,
    /// and the delimiter does not end a bracket expression. Elsewhere escapes stay as written, but a backslash-newline
    /// is a newline.
    /// </summary>
    public string? Delimited(char delimiter, bool regex)
    {
        var s = new StringBuilder();
        while (!AtEnd)
        {
            var c = Next();
            if (c == delimiter) return s.ToString();
            if (c == '\n' && regex) return null;
            if (c == '\\')
            {
                if (AtEnd) return null;
                var e = Next();
                // An escaped delimiter is itself, except that "\&" stays literal in a replacement.
                if (e == delimiter) s.Append(!regex && e == '&' ? "\\&" : delimiter);
                else if (e == 'n' && regex) s.Append('\n');
                else if (e == 't' && regex) s.Append('\t');
                else if (e == '\n') s.Append(regex ? "\n" : "\\\n");
                else s.Append('\\').Append(e);
                continue;
            }
            if (c == '[' && regex)
            {
                s.Append(c);
                BracketBody(s);
                continue;
            }
            s.Append(c);
        }
        return null;
    }

    // The rest of a bracket expression after its '[': "]" first is literal, [:class:] may hold the delimiter.
    private void BracketBody(StringBuilder s)
    {
        if (Peek == '^') s.Append(Next());
        if (Peek == ']') s.Append(Next());
        while (!AtEnd && Peek != '\n')
        {
            var c = Next();
            if (c == ']')
            {
                s.Append(c);
                return;
            }
            if (c == '[' && Peek is ':' or '.' or '=')
            {
                var kind = Next();
                s.Append(c).Append(kind);
                var close = Text.IndexOf(kind + "]", At, StringComparison.Ordinal);
                var newline = Text.IndexOf('\n', At);
                if (close >= 0 && (newline < 0 || close < newline))
                {
                    s.Append(Text, At, close + 2 - At);
                    At = close + 2;
                }
                continue;
            }
            if (c == '\\' && Peek == 'n')
            {
                At++;
                s.Append('\n');
                continue;
            }
            s.Append(c);
        }
    }
}
