// Shell wildcards as fnmatch(3) without flags reads them (*, ?, [...], [!...]), for tools that choose files by name.
using System.Text;
using System.Text.RegularExpressions;

namespace Ssi.Vproc.Programs.Builtin;

public static class Glob
{
    /// <summary>Whether all of <paramref name="name"/> matches <paramref name="glob"/>; '*' and '?' match '/' too.</summary>
    public static bool Matches(string glob, string name) =>
        Regex.IsMatch(name, ToRegex(glob), RegexOptions.CultureInvariant | RegexOptions.Singleline);

    public static string ToRegex(string glob)
    {
        var s = new StringBuilder(@"\A");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            var close = c == '[' ? BracketEnd(glob, i) : -1;
            if (c == '*') s.Append(".*");
            else if (c == '?') s.Append('.');
            else if (c == '\\' && i + 1 < glob.Length) s.Append(Regex.Escape(glob[++i].ToString()));
            else if (close > 0)
            {
                var body = glob[(i + 1)..close];
                s.Append('[');
                if (body[0] is '!' or '^')
                {
                    s.Append('^');
                    body = body[1..];
                }
                s.Append(body.Replace(@"\", @"\\").Replace("[", @"\[").Replace("]", @"\]")).Append(']');
                i = close;
            }
            else s.Append(Regex.Escape(c.ToString()));
        }
        return s.Append(@"\z").ToString();
    }

    /// <summary>The index of the ']' that closes the bracket at <paramref name="open"/> (a ']' first in it is literal), or -1.</summary>
    private static int BracketEnd(string glob, int open)
    {
        var i = open + 1;
        if (i < glob.Length && glob[i] is '!' or '^') i++;
        if (i < glob.Length && glob[i] == ']') i++;
        var close = glob.IndexOf(']', i);
        return close;
    }
}
