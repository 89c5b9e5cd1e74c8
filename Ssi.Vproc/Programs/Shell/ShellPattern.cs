// Shell pattern matching (XCU 2.13) for case, ${x%pattern} and pathname expansion.
using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Ssi.Vproc.Programs.Shell;

/// <summary>
/// A pattern arrives in escaped form: a character after a backslash is literal (the expander puts one before every
/// quoted character), and unescaped <c>*</c>, <c>?</c> and <c>[...]</c> are wildcards. Bracket expressions take
/// <c>!</c> or <c>^</c>, ranges and the classes <c>[:alpha:]</c> and kin.
/// </summary>
public static class ShellPattern
{
    private static readonly ConcurrentDictionary<(string, bool), Regex> Cache = new();

    public static bool HasWildcards(string pattern)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\') i++;
            else if (pattern[i] is '*' or '?') return true;
            else if (pattern[i] == '[' && BracketEnd(pattern, i) > 0) return true;
        }
        return false;
    }

    /// <summary>The pattern's characters with escapes removed: what a pattern without wildcards stands for.</summary>
    public static string Unescape(string pattern)
    {
        var s = new StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length) i++;
            s.Append(pattern[i]);
        }
        return s.ToString();
    }

    public static bool Matches(string pattern, string text) => Compile(pattern, anchored: true).IsMatch(text);

    /// <summary>${x#p} (shortest prefix), ${x##p} (longest), ${x%p} (shortest suffix), ${x%%p} (longest).</summary>
    public static string Strip(string value, string pattern, bool suffix, bool longest)
    {
        var regex = Compile(pattern, anchored: true);
        if (!suffix)
        {
            if (longest)
            {
                for (var n = value.Length; n >= 0; n--)
                    if (regex.IsMatch(value[..n])) return value[n..];
            }
            else
            {
                for (var n = 0; n <= value.Length; n++)
                    if (regex.IsMatch(value[..n])) return value[n..];
            }
        }
        else if (longest)
        {
            for (var n = 0; n <= value.Length; n++)
                if (regex.IsMatch(value[n..])) return value[..n];
        }
        else
        {
            for (var n = value.Length; n >= 0; n--)
                if (regex.IsMatch(value[n..])) return value[..n];
        }
        return value;
    }

    private static Regex Compile(string pattern, bool anchored) =>
        Cache.GetOrAdd((pattern, anchored), key =>
        {
            if (Cache.Count > 2048) Cache.Clear();
            return new Regex(ToRegex(key.Item1, key.Item2), RegexOptions.CultureInvariant | RegexOptions.Singleline);
        });

    private static string ToRegex(string pattern, bool anchored)
    {
        var s = new StringBuilder(anchored ? @"\A" : "");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            int close;
            if (c == '\\' && i + 1 < pattern.Length) s.Append(Regex.Escape(pattern[++i].ToString()));
            else if (c == '*') s.Append(".*");
            else if (c == '?') s.Append('.');
            else if (c == '[' && (close = BracketEnd(pattern, i)) > 0)
            {
                s.Append(Bracket(pattern[(i + 1)..close]));
                i = close;
            }
            else s.Append(Regex.Escape(c.ToString()));
        }
        return s.Append(anchored ? @"\z" : "").ToString();
    }

    private static string Bracket(string body)
    {
        var s = new StringBuilder("[");
        var i = 0;
        if (body.Length > 0 && body[0] is '!' or '^')
        {
            s.Append('^');
            i = 1;
        }
        for (; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '[' && i + 1 < body.Length && body[i + 1] == ':' && body.IndexOf(":]", i + 2, StringComparison.Ordinal) is var end and > 0)
            {
                s.Append(body[(i + 2)..end] switch
                {
                    "alpha" => "a-zA-Z",
                    "digit" => "0-9",
                    "alnum" => "a-zA-Z0-9",
                    "upper" => "A-Z",
                    "lower" => "a-z",
                    "space" => @"\s",
                    "blank" => @" \t",
                    "punct" => @"!-/:-@\[-`{-~",
                    "xdigit" => "0-9A-Fa-f",
                    "cntrl" => @"\x00-\x1f\x7f",
                    "print" => @"\x20-\x7e",
                    "graph" => @"\x21-\x7e",
                    _ => "",
                });
                i = end + 1;
            }
            else if (c == '\\' && i + 1 < body.Length)
            {
                var e = body[++i];
                s.Append(char.IsAsciiLetterOrDigit(e) ? e.ToString() : "\\" + e);
            }
            else if (c == '-' && i > 0 && i + 1 < body.Length) s.Append('-');
            else if (c is '\\' or ']' or '[' or '^' or '-') s.Append('\\').Append(c);
            else s.Append(c);
        }
        return s.Append(']').ToString();
    }

    /// <summary>The index of the ']' closing the bracket at <paramref name="open"/> (a ']' first in it is literal), or -1.</summary>
    private static int BracketEnd(string pattern, int open)
    {
        var i = open + 1;
        if (i < pattern.Length && pattern[i] is '!' or '^') i++;
        if (i < pattern.Length && pattern[i] == ']') i++;
        for (; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\') i++;
            else if (pattern[i] == '[' && i + 1 < pattern.Length && pattern[i + 1] == ':')
            {
                var end = pattern.IndexOf(":]", i + 2, StringComparison.Ordinal);
                if (end > 0) i = end + 1;
            }
            else if (pattern[i] == ']') return i;
        }
        return -1;
    }
}
