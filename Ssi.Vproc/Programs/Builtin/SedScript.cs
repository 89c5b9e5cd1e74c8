// sed's script language: the text of -e and -f parsed into plain commands, with GNU sed's error messages.
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// Parses a whole script into <see cref="SedCommand"/>s (translating regexes with <see cref="PosixRegex"/>), or
/// returns GNU's message ("-e expression #1, char 3: unterminated `s' command"). The pieces of -e and -f are joined
/// with newlines, as GNU joins them, so "a\" in one -e continues into the next.
/// </summary>
public sealed class SedScript
{
    private readonly string _text;
    private readonly List<SedSource> _sources;
    private readonly bool _extended;
    private int _at;

    private SedScript(List<SedSource> sources, bool extended)
    {
        _sources = sources;
        _text = string.Join('\n', sources.Select(s => s.Text));
        _extended = extended;
    }

    public List<SedCommand> Commands { get; } = [];

    /// <summary>"#n" on the first line of the script: as -n.</summary>
    public bool Quiet { get; private set; }

    /// <summary>The script, or GNU's message and exit status (1; 4 for a missing label, which GNU finds late).</summary>
    public static (SedScript? Script, string? Error, int Status) Parse(List<SedSource> sources, bool extended)
    {
        var script = new SedScript(sources, extended);
        var error = script.ParseAll();
        return error is null ? (script, null, 0) : (null, error, script._labelMissing ? 4 : 1);
    }

    private bool _labelMissing;

    private sealed class SedError(string message) : Exception(message);

    private string? ParseAll()
    {
        try
        {
            if (_sources.Count > 0 && (_sources[0].Text == "#n" || _sources[0].Text.StartsWith("#n\n", StringComparison.Ordinal))) Quiet = true;
            var blocks = new Stack<int>();
            while (true)
            {
                while (_at < _text.Length && (char.IsWhiteSpace(_text[_at]) || _text[_at] == ';')) _at++;
                if (_at >= _text.Length) break;
                if (_text[_at] == '#')
                {
                    SkipLine();
                    continue;
                }
                ParseCommand(blocks);
            }
            if (blocks.Count > 0)
            {
                _at = -1;
                throw new SedError("unmatched `{'");
            }
            return ResolveLabels();
        }
        catch (SedError e)
        {
            return Where() + e.Message;
        }
    }

    // "-e expression #N, char C: " with C counted within that expression, as GNU counts; a file gives its line.
    private string Where()
    {
        if (_at < 0) return $"{_sources[^1].Origin}, char 0: ";
        var start = 0;
        for (var i = 0; i < _sources.Count; i++)
        {
            var end = start + _sources[i].Text.Length;
            if (_at <= end || i == _sources.Count - 1)
            {
                var source = _sources[i];
                if (!source.IsFile) return $"{source.Origin}, char {Math.Min(_at, end) - start}: ";
                var line = 1 + source.Text.AsSpan(0, Math.Clamp(_at - start, 0, source.Text.Length)).Count('\n');
                return $"{source.Origin} line {line}: ";
            }
            start = end + 1;
        }
        return "";
    }

    private char Peek => _at < _text.Length ? _text[_at] : '\0';

    private bool AtEnd => _at >= _text.Length;

    private char Next() => _at < _text.Length ? _text[_at++] : '\0';

    private void SkipBlanks()
    {
        while (_at < _text.Length && _text[_at] is ' ' or '\t') _at++;
    }

    private void SkipLine()
    {
        while (_at < _text.Length && _text[_at] != '\n') _at++;
    }

    private void ParseCommand(Stack<int> blocks)
    {
        var first = ParseAddress(second: false);
        SedAddress? second = null;
        if (first is not null && Peek == ',')
        {
            _at++;
            SkipBlanks();
            second = ParseAddress(second: true) ?? throw new SedError("unexpected `,'");
        }
        if (first is { Kind: SedAddressKind.Zero } && second is not { Kind: SedAddressKind.Regex }) throw new SedError("invalid usage of line address 0");
        SkipBlanks();
        var negate = false;
        while (Peek == '!')
        {
            if (negate) throw new SedError("multiple `!'s");
            negate = true;
            _at++;
            SkipBlanks();
        }
        if (AtEnd || Peek is '\n' or ';')
        {
            if (AtEnd) _at = _text.Length;
            throw new SedError("missing command");
        }
        var name = Next();
        var command = new SedCommand(name, first, second, negate);
        switch (name)
        {
            case '{':
                blocks.Push(Commands.Count);
                Commands.Add(command);
                return;
            case '}':
                if (blocks.Count == 0) throw new SedError("unexpected `}'");
                if (first is not null) throw new SedError("} doesn't want any addresses");
                Commands[blocks.Pop()].Jump = Commands.Count;
                Commands.Add(command);
                break;
            case ':':
                if (first is not null) throw new SedError(": doesn't want any addresses");
                var label = Label(inJump: false);
                if (label.Length == 0) throw new SedError("\":\" lacks a label");
                Commands.Add(command with { Text = label });
                break;
            case 'a' or 'i' or 'c':
                Commands.Add(command with { Text = ReadText() });
                return;
            case 'b' or 't' or 'T':
                Commands.Add(command with { Text = Label() });
                break;
            case 'r' or 'w':
                Commands.Add(command with { Text = FileName() });
                return;
            case 'q' or 'Q' or 'l':
                if (name is 'q' or 'Q' && second is not null) throw new SedError("command only uses one address");
                SkipBlanks();
                var digits = new StringBuilder();
                while (char.IsAsciiDigit(Peek)) digits.Append(Next());
                Commands.Add(command with { Number = digits.Length == 0 ? -1 : (int)Math.Min(long.Parse(digits.ToString(), System.Globalization.CultureInfo.InvariantCulture), int.MaxValue) });
                break;
            case '=' or 'd' or 'D' or 'g' or 'G' or 'h' or 'H' or 'n' or 'N' or 'p' or 'P' or 'x' or 'z':
                Commands.Add(command);
                break;
            case 's':
                Commands.Add(command with { Substitution = ParseSubstitution() });
                return;
            case 'y':
                var (from, to) = ParseTransliteration();
                Commands.Add(command with { From = from, To = to });
                break;
            default:
                throw new SedError($"unknown command: `{name}'");
        }
        EndOfCommand();
    }

    // After a command: blanks, then the end of the line, ';', '}' or a comment.
    private void EndOfCommand()
    {
        SkipBlanks();
        if (AtEnd || Peek is '\n' or ';' or '#' or '}') return;
        _at++;
        throw new SedError("extra characters after command");
    }

    private SedAddress? ParseAddress(bool second)
    {
        var c = Peek;
        if (char.IsAsciiDigit(c))
        {
            var n = Number();
            if (Peek == '~' && !second)
            {
                _at++;
                var step = char.IsAsciiDigit(Peek) ? Number() : 0;
                return new SedAddress(SedAddressKind.Step, n, step);
            }
            return n == 0 && !second ? new SedAddress(SedAddressKind.Zero) : new SedAddress(SedAddressKind.Line, n);
        }
        if (second && c is '+' or '~')
        {
            _at++;
            if (!char.IsAsciiDigit(Peek)) throw new SedError("expected newer version of sed");
            return new SedAddress(c == '+' ? SedAddressKind.Plus : SedAddressKind.Multiple, Number());
        }
        if (c == '$')
        {
            _at++;
            return new SedAddress(SedAddressKind.Last);
        }
        if (c is '/' or '\\')
        {
            _at++;
            var delimiter = c == '/' ? '/' : Next();
            if (c == '\\' && delimiter is '\n' or '\\' or '\0') throw new SedError("unexpected `,'");
            var raw = Delimited(delimiter, regex: true) ?? throw new SedError("unterminated address regex");
            var ignoreCase = false;
            while (Peek is 'I' or 'M')
            {
                if (Next() == 'M') throw new SedError("unknown command: `M'");
                ignoreCase = true;
            }
            return new SedAddress(SedAddressKind.Regex, Regex: Translate(raw), IgnoreCase: ignoreCase);
        }
        return null;
    }

    private long Number()
    {
        long n = 0;
        while (char.IsAsciiDigit(Peek)) n = Math.Min(n * 10 + (Next() - '0'), long.MaxValue / 20);
        return n;
    }

    // A label runs to a blank, ';' or the end of the line (GNU); after b, t and T a '}' ends it too.
    private string Label(bool inJump = true)
    {
        SkipBlanks();
        var start = _at;
        while (!AtEnd && Peek is not ('\n' or ';' or ' ' or '\t') && !(inJump && Peek == '}')) _at++;
        return _text[start.._at];
    }

    // r and w: the file name is the rest of the line.
    private string FileName()
    {
        SkipBlanks();
        var start = _at;
        SkipLine();
        var name = _text[start.._at];
        if (name.Length == 0) throw new SedError("missing filename in r/R/w/W commands");
        return name;
    }

    // a, i, c: "a\" newline text, or GNU's one-line "a text"; a line ending in '\' goes on, "\t" is a tab.
    private string ReadText()
    {
        SkipBlanks();
        if (AtEnd) throw new SedError("expected \\ after `a', `c' or `i'");
        if (Peek == '\\')
        {
            _at++;
            if (Peek == '\n') _at++;
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
    private string? Delimited(char delimiter, bool regex)
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
                var close = _text.IndexOf(kind + "]", _at, StringComparison.Ordinal);
                var newline = _text.IndexOf('\n', _at);
                if (close >= 0 && (newline < 0 || close < newline))
                {
                    s.Append(_text, _at, close + 2 - _at);
                    _at = close + 2;
                }
                continue;
            }
            if (c == '\\' && Peek == 'n')
            {
                _at++;
                s.Append('\n');
                continue;
            }
            s.Append(c);
        }
    }

    private string? Translate(string raw)
    {
        if (raw.Length == 0) return null;
        var (pattern, error) = PosixRegex.Translate(raw, _extended);
        if (error is not null) throw new SedError(error);
        try
        {
            _ = PosixRegex.Compiled(pattern, false);
        }
        catch (ArgumentException e)
        {
            throw new SedError($"invalid regular expression: {e.Message}");
        }
        return pattern;
    }

    private SedSubstitution ParseSubstitution()
    {
        var delimiter = Next();
        if (delimiter is '\n' or '\\' or '\0') throw new SedError("unterminated `s' command");
        var raw = Delimited(delimiter, regex: true);
        var replacement = raw is null ? null : Delimited(delimiter, regex: false);
        if (raw is null || replacement is null)
        {
            _at = Math.Min(_at, _text.Length);
            throw new SedError("unterminated `s' command");
        }
        bool global = false, print = false, ignoreCase = false;
        long occurrence = 0;
        string? writeTo = null;
        while (!AtEnd)
        {
            var c = Peek;
            if (c is 'g') global = true;
            else if (c is 'p') print = true;
            else if (c is 'i' or 'I') ignoreCase = true;
            else if (char.IsAsciiDigit(c))
            {
                var n = Number();
                if (n == 0) throw new SedError("number option to `s' command may not be zero");
                if (occurrence != 0) throw new SedError("multiple number options to `s' command");
                occurrence = n;
                continue;
            }
            else if (c == 'w')
            {
                _at++;
                writeTo = FileName();
                break;
            }
            else if (c is ';' or '\n' or '}' or '#' or ' ' or '\t') break;
            else
            {
                _at++;
                throw new SedError("unknown option to `s'");
            }
            _at++;
        }
        var groups = Groups(raw);
        var (pieces, referenceError) = SedText.Replacement(replacement, groups);
        if (referenceError is not null) throw new SedError(referenceError);
        return new SedSubstitution(Translate(raw), ignoreCase, pieces, global, Math.Max(occurrence, 1), print, writeTo);
    }

    // How many groups the regex opens, for "invalid reference \N on `s' command's RHS".
    private int Groups(string raw)
    {
        if (raw.Length == 0) return 9;
        var (pattern, _) = PosixRegex.Translate(raw, _extended);
        return pattern.Split("(?<g").Length - 1;
    }

    private (string From, string To) ParseTransliteration()
    {
        var delimiter = Next();
        if (delimiter is '\n' or '\\' or '\0') throw new SedError("unterminated `y' command");
        var from = Delimited(delimiter, regex: false);
        var to = from is null ? null : Delimited(delimiter, regex: false);
        if (from is null || to is null) throw new SedError("unterminated `y' command");
        (from, to) = (SedText.Unescape(from), SedText.Unescape(to));
        if (from.Length != to.Length) throw new SedError("strings for `y' command are different lengths");
        return (from, to);
    }

    // GNU reports a missing label without a position.
    private string? ResolveLabels()
    {
        for (var i = 0; i < Commands.Count; i++)
        {
            var command = Commands[i];
            if (command.Name is not ('b' or 't' or 'T') || command.Text.Length == 0) continue;
            var target = Commands.FindIndex(c => c.Name == ':' && c.Text == command.Text);
            if (target < 0)
            {
                _labelMissing = true;
                return $"can't find label for jump to `{command.Text}'";
            }
            command.Jump = target;
        }
        return null;
    }
}
