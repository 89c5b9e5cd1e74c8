// POSIX regular expressions (BRE and ERE) as GNU grep reads them, rewritten for .NET's engine, and matched with a time limit.
using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// The patterns of one grep run, translated: each alone (<see cref="Each"/>, for the leftmost-longest match that -o
/// prints) and all as one alternation (<see cref="All"/>, to select lines). Plain data: the compiled forms live in
/// <see cref="PosixRegex"/>'s cache, not here. Matching may throw <see cref="RegexMatchTimeoutException"/>.
/// </summary>
public sealed record PatternSet(string[] Each, string All, bool IgnoreCase)
{
    public bool IsMatch(string text) => PosixRegex.Compiled(All, IgnoreCase).IsMatch(text);

    /// <summary>
    /// The match that starts first at or after <paramref name="from"/>, the longest of the patterns' matches there (as
    /// POSIX picks between patterns), or null.
    /// </summary>
    public (int Index, int Length)? Next(string text, int from)
    {
        (int Index, int Length)? best = null;
        foreach (var each in Each)
        {
            var m = PosixRegex.Compiled(each, IgnoreCase).Match(text, from);
            if (m.Success && (best is not { } b || m.Index < b.Index || (m.Index == b.Index && m.Length > b.Length))) best = (m.Index, m.Length);
        }
        return best;
    }
}

/// <summary>POSIX regular expressions (BRE and ERE) rewritten for .NET.</summary>
public static class PosixRegex
{
    public enum Syntax
    {
        Basic,
        Extended,
        Fixed,
        /// <summary>grep -P: .NET's own syntax, which is Perl's in most things.</summary>
        Perl,
    }

    /// <summary>The syntax grep's -E, -F, -G or -P chooses.</summary>
    public static Syntax SyntaxOf(char option) => option switch
    {
        'E' => Syntax.Extended,
        'F' => Syntax.Fixed,
        'P' => Syntax.Perl,
        _ => Syntax.Basic,
    };

    /// <summary>How long one line may take to match; a pattern that backtracks longer is an error, not a hang.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private static readonly Dictionary<string, string> Classes = new()
    {
        ["alpha"] = "a-zA-Z", ["digit"] = "0-9", ["alnum"] = "a-zA-Z0-9", ["upper"] = "A-Z", ["lower"] = "a-z",
        ["space"] = @"\s", ["blank"] = @" \t", ["punct"] = @"!-/:-@\[-`{-~", ["xdigit"] = "0-9A-Fa-f",
        ["cntrl"] = @"\x00-\x1f\x7f", ["print"] = @"\x20-\x7e", ["graph"] = @"\x21-\x7e",
    };

    // Compiled forms, shared by every program of the node as Regex's own cache is; a program keeps only the text.
    private static readonly ConcurrentDictionary<(string, bool), Regex> Cache = new();

    /// <summary>
    /// The patterns (one per line of each -e or -f) as one <see cref="PatternSet"/>, or an error message, and GNU's
    /// warnings about them. No pattern at all matches nothing; an empty one matches every line.
    /// </summary>
    public static (PatternSet? Patterns, string? Error, List<string> Warnings) Build(IReadOnlyList<string> patterns, Syntax syntax, bool wholeLine, bool wholeWord, bool ignoreCase)
    {
        var warnings = new List<string>();
        var each = new string[patterns.Count];
        for (var k = 0; k < patterns.Count; k++)
        {
            var (translated, error) = syntax switch
            {
                Syntax.Fixed => (Regex.Escape(patterns[k]), null),
                Syntax.Perl => (patterns[k], null),
                _ => Translate(patterns[k], syntax == Syntax.Extended, $"p{k}g", warnings),
            };
            if (error is not null) return (null, error, warnings);
            each[k] = wholeLine ? @"\A(?:" + translated + @")\z"
                : wholeWord ? @"(?<!\w)(?:" + translated + @")(?!\w)"
                : translated;
        }
        var all = each.Length == 0 ? "(?!)" : string.Join('|', each.Select(e => "(?:" + e + ")"));
        try
        {
            _ = Compiled(all, ignoreCase);
        }
        catch (ArgumentException e)
        {
            return (null, $"invalid regular expression: {e.Message}", warnings);
        }
        return (new PatternSet(each, all, ignoreCase), null, warnings);
    }

    /// <summary>The compiled form of a translated pattern, made once per node.</summary>
    public static Regex Compiled(string pattern, bool ignoreCase)
    {
        if (Cache.Count > 256) Cache.Clear();
        return Cache.GetOrAdd((pattern, ignoreCase), static key => new Regex(key.Item1, OptionsFor(key.Item2), Timeout));
    }

    // Singleline: with -z a record may hold newlines, and '.' matches them as GNU's does.
    private static RegexOptions OptionsFor(bool ignoreCase) =>
        RegexOptions.CultureInvariant | RegexOptions.Singleline | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);

    /// <summary>
    /// In a BRE, \( \) \{ \} \| \+ \? are the operators and ( ) { } | + ? are literal; in an ERE it is the other way
    /// round, as in .NET. A BRE's ^ is an anchor only where an expression starts and its $ only where one ends (GNU),
    /// literal elsewhere. Groups are named <paramref name="groups"/>N, so that the back references of several
    /// patterns joined into one alternation each keep to their own pattern. Bracket expressions keep '\' literal and
    /// know [:classes:]; \&lt; and \&gt; are the edges of a word. An ERE's repetition with nothing to repeat is
    /// ignored with a warning, as GNU's; a repetition of a repetition ("a*?", "a+*") repeats it greedily, as POSIX
    /// reads it, where .NET would read a lazy quantifier or refuse.
    /// </summary>
    public static (string Pattern, string? Error) Translate(string posix, bool extended, string groups = "g", List<string>? warnings = null)
    {
        var s = new StringBuilder();
        var opened = 0;
        var depth = 0;
        var start = true; // where an expression starts: a repetition has nothing to repeat, a BRE '^' anchors
        var atom = -1; // where the last thing a repetition would repeat starts in s
        var repeated = false; // whether a repetition ends s
        var groupStarts = new Stack<int>();
        void Repeat(string quantifier)
        {
            if (repeated && atom >= 0)
            {
                s.Insert(atom, "(?:");
                s.Append(')');
            }
            s.Append(quantifier);
            repeated = true;
        }
        for (var i = 0; i < posix.Length; i++)
        {
            var c = posix[i];
            var atStart = start;
            start = false;
            var escaped = c == '\\';
            if (escaped)
            {
                if (i + 1 == posix.Length) return ("", "Trailing backslash");
                c = posix[++i];
            }
            // An operator spelled \c in a BRE and c in an ERE; '*' is one unescaped in both.
            var spelledAsOperator = escaped != extended && c is '(' or ')' or '{' or '|' or '+' or '?';
            if (!spelledAsOperator && (escaped || c != '*'))
            {
                atom = s.Length;
                repeated = false;
            }
            if (escaped)
            {
                if (extended || c is not ('(' or ')' or '{' or '}' or '|' or '+' or '?'))
                {
                    if (c is >= '1' and <= '9')
                    {
                        if (c - '0' > opened) return ("", "Invalid back reference");
                        s.Append(@"\k<").Append(groups).Append(c).Append('>');
                    }
                    else if (c == '<') s.Append(@"\b(?=\w)");
                    else if (c == '>') s.Append(@"\b(?<=\w)");
                    else if (c == '`') s.Append(@"\A");
                    else if (c == '\'') s.Append(@"\z");
                    else if (c is 'w' or 'W' or 's' or 'S' or 'b' or 'B') s.Append('\\').Append(c);
                    else s.Append(Regex.Escape(c.ToString()));
                    continue;
                }
            }
            else if (!extended && c is '(' or ')' or '{' or '}' or '|' or '+' or '?')
            {
                s.Append('\\').Append(c);
                continue;
            }
            // c is an operator now, whether the pattern spelled it \c (BRE) or c (ERE).
            switch (c)
            {
                case '[':
                    var end = Bracket(posix, i, s);
                    if (end == -2) return ("", "Invalid character class name");
                    if (end < 0) return ("", "Unmatched [, [^, [:, [., or [=");
                    i = end;
                    break;
                case '(':
                    groupStarts.Push(s.Length);
                    s.Append("(?<").Append(groups).Append(++opened).Append('>');
                    depth++;
                    start = true;
                    break;
                case ')' when depth == 0:
                    if (!extended) return ("", @"Unmatched ) or \)");
                    (atom, repeated) = (s.Length, false);
                    s.Append(@"\)");
                    break;
                case ')':
                    s.Append(')');
                    depth--;
                    (atom, repeated) = (groupStarts.Pop(), false);
                    break;
                case '|':
                    s.Append('|');
                    (atom, repeated) = (-1, false);
                    start = true;
                    break;
                case '^' when extended || atStart:
                    s.Append('^');
                    start = true;
                    break;
                case '$' when extended || EndsExpression(posix, i + 1):
                    s.Append(@"\z");
                    break;
                case '^' or '$':
                    s.Append('\\').Append(c);
                    break;
                // A repetition with nothing to repeat: a BRE takes '*' literally, GNU's ERE ignores it.
                case '*' or '+' or '?' when atStart:
                    if (extended) warnings?.Add($"warning: {c} at start of expression");
                    else s.Append('\\').Append(c);
                    start = extended;
                    break;
                case '{' when atStart && extended:
                    var skipped = Interval(posix, i, extended, new StringBuilder());
                    if (skipped < 0) s.Append(@"\{");
                    else
                    {
                        warnings?.Add("warning: {...} at start of expression");
                        i = skipped;
                        start = true;
                    }
                    break;
                case '*' or '+' or '?':
                    Repeat(c.ToString());
                    break;
                case '{':
                    var interval = new StringBuilder();
                    var close = Interval(posix, i, extended, interval);
                    if (close == -2) return ("", @"Unmatched \{");
                    if (close >= 0)
                    {
                        Repeat(interval.ToString());
                        i = close;
                    }
                    else
                    {
                        (atom, repeated) = (s.Length, false);
                        s.Append(@"\{");
                    }
                    break;
                case '}':
                    s.Append(@"\}");
                    break;
                default:
                    s.Append(c);
                    break;
            }
        }
        if (depth > 0) return ("", @"Unmatched ( or \(");
        return (s.ToString(), null);
    }

    /// <summary>Whether a BRE's '$' before <paramref name="next"/> ends an expression: at the end, or before \) or \|.</summary>
    private static bool EndsExpression(string posix, int next) =>
        next == posix.Length || (next + 1 < posix.Length && posix[next] == '\\' && posix[next + 1] is ')' or '|');

    /// <summary>
    /// Copies the interval "{m}", "{m,}", "{m,n}" or "{,n}" whose '{' is at <paramref name="start"/>; the index of
    /// its '}'. An ERE's '{' that starts no interval is literal (-1); a BRE's unclosed \{ is an error (-2).
    /// </summary>
    private static int Interval(string posix, int start, bool extended, StringBuilder s)
    {
        var closing = extended ? "}" : @"\}";
        var close = posix.IndexOf(closing, start + 1, StringComparison.Ordinal);
        if (close < 0) return extended ? -1 : -2;
        var body = posix[(start + 1)..close];
        var comma = body.IndexOf(',');
        var low = comma < 0 ? body : body[..comma];
        var high = comma < 0 ? "" : body[(comma + 1)..];
        if (!low.All(char.IsAsciiDigit) || !high.All(char.IsAsciiDigit) || (comma < 0 && low.Length == 0)) return extended ? -1 : -2;
        s.Append('{').Append(low.Length == 0 ? "0" : low).Append(comma < 0 ? "" : "," + high).Append('}');
        return close + closing.Length - 1;
    }

    /// <summary>Copies the bracket expression that starts at <paramref name="start"/>; the index of its ']', -1 if it has none, -2 for an unknown class.</summary>
    private static int Bracket(string posix, int start, StringBuilder s)
    {
        var i = start + 1;
        s.Append('[');
        if (i < posix.Length && posix[i] == '^')
        {
            s.Append('^');
            i++;
        }
        if (i < posix.Length && posix[i] == ']')
        {
            s.Append(@"\]");
            i++;
        }
        for (; i < posix.Length; i++)
        {
            var c = posix[i];
            if (c == ']')
            {
                s.Append(']');
                return i;
            }
            if (c == '[' && i + 1 < posix.Length && posix[i + 1] == ':')
            {
                var close = posix.IndexOf(":]", i + 2, StringComparison.Ordinal);
                if (close < 0) return -1;
                if (!Classes.TryGetValue(posix[(i + 2)..close], out var set)) return -2;
                s.Append(set);
                i = close + 1;
            }
            else if (c is '\\' or '[') s.Append('\\').Append(c);
            else s.Append(c);
        }
        return -1;
    }
}
