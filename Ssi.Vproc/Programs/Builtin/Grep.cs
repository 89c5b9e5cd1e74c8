// grep: lines that match POSIX basic or extended regular expressions (translated to .NET's) or fixed strings.
using System.Text;
using System.Text.RegularExpressions;
using Ssi.Actors.Identity;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// grep [-EFacHhilLnqsvwx] [-e PATTERN]... [PATTERN] [FILE|-]...: exit 0 if a line was selected, 1 if none, 2 on an
/// error (unless -q found one). Only the pattern text and options are kept across reads, never a Regex object:
/// the static Regex methods cache the compiled form, and the program's state stays plain data. Iterator bodies
/// here loop over lists by index: a List enumerator is not plain data to the snapshot filter.
/// </summary>
public sealed class Grep : Program
{
    private static readonly OptionSpec Spec = new("EFGacHhilLnqsvwxe:",
        ["extended-regexp=E", "fixed-strings=F", "basic-regexp=G", "text=a", "count=c", "with-filename=H", "no-filename=h",
         "ignore-case=i", "files-with-matches=l", "files-without-match=L", "line-number=n", "quiet=q", "silent=q",
         "no-messages=s", "invert-match=v", "word-regexp=w", "line-regexp=x", "regexp=e"],
        """
        Usage: grep [OPTION]... PATTERNS [FILE]...
        Search for PATTERNS in each FILE.

          -E, --extended-regexp     PATTERNS are extended regular expressions
          -F, --fixed-strings       PATTERNS are strings
          -G, --basic-regexp        PATTERNS are basic regular expressions
          -e, --regexp=PATTERNS     use PATTERNS for matching
          -i, --ignore-case         ignore case distinctions in patterns and data
          -w, --word-regexp         match only whole words
          -x, --line-regexp         match only whole lines
          -s, --no-messages         suppress error messages
          -v, --invert-match        select non-matching lines
          -n, --line-number         print line number with output lines
          -H, --with-filename       print file name with output lines
          -h, --no-filename         suppress the file name prefix on output
          -q, --quiet, --silent     suppress all normal output
          -a, --text                (files are always read as text here)
          -L, --files-without-match  print only names of FILEs with no selected lines
          -l, --files-with-matches  print only names of FILEs with selected lines
          -c, --count               print only a count of selected lines per FILE
              --help                display this help text and exit

        When FILE is '-', read standard input.  With no FILE, read '-'.
        Exit status is 0 if any line is selected, 1 otherwise;
        if any error occurs and -q is not given, the exit status is 2.

        """, FailStatus: 2) { Synopsis = "Usage: grep [OPTION]... PATTERNS [FILE]...\n" };

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var operands = o.Operands;
        var patterns = o.All('e');
        if (patterns.Count == 0 && operands.Count > 0)
        {
            patterns.Add(operands[0]);
            operands = operands.Skip(1).ToList();
        }
        if (patterns.Count == 0)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, complaint: null)) yield return call;
            yield break;
        }
        var mode = o.Has('F') ? PosixRegex.Syntax.Fixed : o.Has('E') ? PosixRegex.Syntax.Extended : PosixRegex.Syntax.Basic;
        var ignoreCase = o.Has('i');
        var built = PosixRegex.Build(patterns, mode, o.Has('x'), o.Has('w'), ignoreCase);
        if (built.Error is not null)
        {
            yield return Io.Complain(p, built.Error);
            yield return new Exit(2);
            yield break;
        }
        var pattern = built.Pattern;
        var invert = o.Has('v');
        var quiet = o.Has('q');
        var countOnly = o.Has('c');
        var listMatching = o.Has('l');
        var listOthers = o.Has('L');
        var numbers = o.Has('n');
        var files = operands.Count > 0 ? operands.ToArray() : ["-"];
        var names = o.Has('H') || (files.Length > 1 && !o.Has('h'));
        var selectedAny = false;
        var error = false;

        foreach (var file in files)
        {
            var shown = file == "-" ? "(standard input)" : file;
            var fd = Io.Stdin;
            if (file != "-")
            {
                yield return new Open(file);
                if (p.Failed)
                {
                    if (!o.Has('s')) yield return Io.Report(p, file);
                    error = true;
                    continue;
                }
                fd = p.Result.Fd;
            }
            var lines = new LineSplitter();
            var prefix = names ? shown + ":" : "";
            long number = 0, selected = 0;
            var done = false;
            while (!done)
            {
                yield return new Read(fd, Io.Chunk);
                if (p.Failed)
                {
                    if (!o.Has('s')) yield return Io.Report(p, file);
                    error = true;
                    break;
                }
                var batch = p.Result.Data.Length == 0 ? [] : lines.Feed(p.Result.Data);
                if (p.Result.Data.Length == 0)
                {
                    if (lines.Rest() is { } last) batch.Add(last);
                    done = true;
                }
                var output = new List<byte>();
                for (var i = 0; i < batch.Count; i++)
                {
                    number++;
                    var match = PosixRegex.Matches(batch[i], pattern, ignoreCase);
                    if (match is null)
                    {
                        yield return Io.Complain(p, "the pattern took too long to match");
                        yield return new Exit(2);
                        yield break;
                    }
                    if (match == invert) continue;
                    selected++;
                    selectedAny = true;
                    if (quiet) yield return new Exit(0);
                    if (listMatching || listOthers)
                    {
                        done = true;
                        break;
                    }
                    if (countOnly) continue;
                    output.AddRange(Io.Bytes(prefix + (numbers ? number + ":" : "")));
                    output.AddRange(batch[i]);
                    output.Add((byte)'\n');
                }
                if (output.Count == 0) continue;
                yield return new Write(Io.Stdout, [.. output]);
                if (p.Failed)
                {
                    yield return Io.Report(p, "write error");
                    yield return new Exit(2);
                    yield break;
                }
            }
            if (fd != Io.Stdin) yield return new Close(fd);
            if (countOnly && !listMatching && !listOthers) yield return Io.Out($"{prefix}{selected}\n");
            if ((listMatching && selected > 0) || (listOthers && selected == 0)) yield return Io.Out(shown + "\n");
        }
        yield return new Exit(error && !(quiet && selectedAny) ? 2 : selectedAny ? 0 : 1);
    }
}

/// <summary>POSIX regular expressions (BRE and ERE) rewritten for .NET, and matching with a time limit.</summary>
public static class PosixRegex
{
    public enum Syntax
    {
        Basic,
        Extended,
        Fixed,
    }

    /// <summary>How long one line may take to match; a pattern that backtracks longer is an error, not a hang.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private static readonly Dictionary<string, string> Classes = new()
    {
        ["alpha"] = "a-zA-Z", ["digit"] = "0-9", ["alnum"] = "a-zA-Z0-9", ["upper"] = "A-Z", ["lower"] = "a-z",
        ["space"] = @"\s", ["blank"] = @" \t", ["punct"] = @"!-/:-@\[-`{-~", ["xdigit"] = "0-9A-Fa-f",
        ["cntrl"] = @"\x00-\x1f\x7f", ["print"] = @"\x20-\x7e", ["graph"] = @"\x21-\x7e",
    };

    /// <summary>One .NET pattern for several POSIX ones (each line of each is an alternative), or an error message.</summary>
    public static (string Pattern, string? Error) Build(List<string> patterns, Syntax syntax, bool wholeLine, bool wholeWord, bool ignoreCase)
    {
        var alternatives = new List<string>();
        foreach (var pattern in patterns)
            foreach (var one in pattern.Split('\n'))
            {
                var translated = syntax == Syntax.Fixed ? (Regex.Escape(one), null) : Translate(one, syntax == Syntax.Extended);
                if (translated.Error is not null) return ("", translated.Error);
                alternatives.Add("(?:" + translated.Pattern + ")");
            }
        var all = string.Join('|', alternatives);
        if (wholeLine) all = "^(?:" + all + ")$";
        else if (wholeWord) all = @"(?<!\w)(?:" + all + @")(?!\w)";
        try
        {
            _ = new Regex(all, OptionsFor(ignoreCase), Timeout);
        }
        catch (ArgumentException e)
        {
            return ("", $"invalid regular expression: {e.Message}");
        }
        return (all, null);
    }

    /// <summary>Whether <paramref name="line"/> (UTF-8) matches, or null if matching timed out.</summary>
    public static bool? Matches(byte[] line, string pattern, bool ignoreCase)
    {
        try
        {
            return Regex.IsMatch(Encoding.UTF8.GetString(line), pattern, OptionsFor(ignoreCase), Timeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }

    private static RegexOptions OptionsFor(bool ignoreCase) =>
        RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);

    /// <summary>
    /// In a BRE, \( \) \{ \} \| \+ \? are the operators and ( ) { } | + ? are literal; in an ERE it is the other way
    /// round, as in .NET. Bracket expressions keep '\' literal and know [:classes:]; \&lt; and \&gt; are word edges.
    /// </summary>
    public static (string Pattern, string? Error) Translate(string posix, bool extended)
    {
        var s = new StringBuilder();
        for (var i = 0; i < posix.Length; i++)
        {
            var c = posix[i];
            if (c == '[')
            {
                var end = Bracket(posix, i, s);
                if (end < 0) return ("", "Unmatched [, [^, [:, [., or [=");
                i = end;
            }
            else if (c == '\\')
            {
                if (i + 1 == posix.Length) return ("", "Trailing backslash");
                var next = posix[++i];
                if (next is '<' or '>') s.Append(@"\b");
                else if (!extended && next is '(' or ')' or '{' or '}' or '|' or '+' or '?') s.Append(next);
                else if (char.IsAsciiDigit(next) || next is 'w' or 'W' or 's' or 'S' or 'b' or 'B') s.Append('\\').Append(next);
                else s.Append(Regex.Escape(next.ToString()));
            }
            else if (!extended && c is '(' or ')' or '{' or '}' or '|' or '+' or '?') s.Append('\\').Append(c);
            // A '*' that starts an expression has nothing to repeat: it is literal.
            else if (c == '*' && (s.Length == 0 || s[^1] is '(' or '|' || (s.Length == 1 && s[0] == '^'))) s.Append(@"\*");
            else s.Append(c);
        }
        return (s.ToString(), null);
    }

    /// <summary>Copies the bracket expression that starts at <paramref name="start"/>; the index of its ']', or -1.</summary>
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
                if (close < 0 || !Classes.TryGetValue(posix[(i + 2)..close], out var set)) return -1;
                s.Append(set);
                i = close + 1;
            }
            else if (c is '\\' or '[') s.Append('\\').Append(c);
            else s.Append(c);
        }
        return -1;
    }
}
