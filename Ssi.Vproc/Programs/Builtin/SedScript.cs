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
    private readonly SedReader _r;
    private readonly List<SedSource> _sources;
    private readonly bool _extended;

    private SedScript(List<SedSource> sources, bool extended)
    {
        _sources = sources;
        _r = new SedReader(string.Join('\n', sources.Select(s => s.Text)));
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

    private string? ParseAll()
    {
        try
        {
            if (_sources.Count > 0 && (_sources[0].Text == "#n" || _sources[0].Text.StartsWith("#n\n", StringComparison.Ordinal))) Quiet = true;
            var blocks = new Stack<int>();
            while (true)
            {
                while (_r.At < _r.Text.Length && (char.IsWhiteSpace(_r.Text[_r.At]) || _r.Text[_r.At] == ';')) _r.At++;
                if (_r.At >= _r.Text.Length) break;
                if (_r.Text[_r.At] == '#')
                {
                    _r.SkipLine();
                    continue;
                }
                ParseCommand(blocks);
            }
            if (blocks.Count > 0)
            {
                _r.At = -1;
                throw new SedSyntaxError("unmatched `{'");
            }
            return ResolveLabels();
        }
        catch (SedSyntaxError e)
        {
            return Where() + e.Message;
        }
    }

    // "-e expression #N, char C: " with C counted within that expression, as GNU counts; a file gives its line.
    private string Where()
    {
        if (_r.At < 0) return $"{_sources[^1].Origin}, char 0: ";
        var start = 0;
        for (var i = 0; i < _sources.Count; i++)
        {
            var end = start + _sources[i].Text.Length;
            if (_r.At <= end || i == _sources.Count - 1)
            {
                var source = _sources[i];
                if (!source.IsFile) return $"{source.Origin}, char {Math.Min(_r.At, end) - start}: ";
                var line = 1 + source.Text.AsSpan(0, Math.Clamp(_r.At - start, 0, source.Text.Length)).Count('\n');
                return $"{source.Origin} line {line}: ";
            }
            start = end + 1;
        }
        return "";
    }

    private void ParseCommand(Stack<int> blocks)
    {
        var first = ParseAddress(second: false);
        SedAddress? second = null;
        if (first is not null && _r.Peek == ',')
        {
            _r.At++;
            _r.SkipBlanks();
            second = ParseAddress(second: true) ?? throw new SedSyntaxError("unexpected `,'");
        }
        if (first is { Kind: SedAddressKind.Zero } && second is not { Kind: SedAddressKind.Regex }) throw new SedSyntaxError("invalid usage of line address 0");
        _r.SkipBlanks();
        var negate = false;
        while (_r.Peek == '!')
        {
            if (negate) throw new SedSyntaxError("multiple `!'s");
            negate = true;
            _r.At++;
            _r.SkipBlanks();
        }
        if (_r.AtEnd || _r.Peek is '\n' or ';')
        {
            if (_r.AtEnd) _r.At = _r.Text.Length;
            throw new SedSyntaxError("missing command");
        }
        var name = _r.Next();
        var command = new SedCommand(name, first, second, negate);
        switch (name)
        {
            case '{':
                blocks.Push(Commands.Count);
                Commands.Add(command);
                return;
            case '}':
                if (blocks.Count == 0) throw new SedSyntaxError("unexpected `}'");
                if (first is not null) throw new SedSyntaxError("} doesn't want any addresses");
                Commands[blocks.Pop()].Jump = Commands.Count;
                Commands.Add(command);
                break;
            case ':':
                if (first is not null) throw new SedSyntaxError(": doesn't want any addresses");
                var label = _r.Label(inJump: false);
                if (label.Length == 0) throw new SedSyntaxError("\":\" lacks a label");
                Commands.Add(command with { Text = label });
                break;
            case 'a' or 'i' or 'c':
                Commands.Add(command with { Text = _r.ReadText() });
                return;
            case 'b' or 't' or 'T':
                Commands.Add(command with { Text = _r.Label() });
                break;
            case 'r' or 'w':
                Commands.Add(command with { Text = _r.FileName() });
                return;
            case 'q' or 'Q' or 'l':
                if (name is 'q' or 'Q' && second is not null) throw new SedSyntaxError("command only uses one address");
                _r.SkipBlanks();
                var digits = new StringBuilder();
                while (char.IsAsciiDigit(_r.Peek)) digits.Append(_r.Next());
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
                throw new SedSyntaxError($"unknown command: `{name}'");
        }
        EndOfCommand();
    }

    // After a command: blanks, then the end of the line, ';', '}' or a comment.
    private void EndOfCommand()
    {
        _r.SkipBlanks();
        if (_r.AtEnd || _r.Peek is '\n' or ';' or '#' or '}') return;
        _r.At++;
        throw new SedSyntaxError("extra characters after command");
    }

    private SedAddress? ParseAddress(bool second)
    {
        var c = _r.Peek;
        if (char.IsAsciiDigit(c))
        {
            var n = _r.Number();
            if (_r.Peek == '~' && !second)
            {
                _r.At++;
                var step = char.IsAsciiDigit(_r.Peek) ? _r.Number() : 0;
                return new SedAddress(SedAddressKind.Step, n, step);
            }
            return n == 0 && !second ? new SedAddress(SedAddressKind.Zero) : new SedAddress(SedAddressKind.Line, n);
        }
        if (second && c is '+' or '~')
        {
            _r.At++;
            if (!char.IsAsciiDigit(_r.Peek)) throw new SedSyntaxError("expected newer version of sed");
            return new SedAddress(c == '+' ? SedAddressKind.Plus : SedAddressKind.Multiple, _r.Number());
        }
        if (c == '$')
        {
            _r.At++;
            return new SedAddress(SedAddressKind.Last);
        }
        if (c is '/' or '\\')
        {
            _r.At++;
            var delimiter = c == '/' ? '/' : _r.Next();
            if (c == '\\' && delimiter is '\n' or '\\' or '\0') throw new SedSyntaxError("unexpected `,'");
            var raw = _r.Delimited(delimiter, regex: true) ?? throw new SedSyntaxError("unterminated address regex");
            var ignoreCase = false;
            while (_r.Peek is 'I' or 'M')
            {
                if (_r.Next() == 'M') throw new SedSyntaxError("unknown command: `M'");
                ignoreCase = true;
            }
            return new SedAddress(SedAddressKind.Regex, Regex: Translate(raw), IgnoreCase: ignoreCase);
        }
        return null;
    }

    private string? Translate(string raw)
    {
        if (raw.Length == 0) return null;
        var (pattern, error) = PosixRegex.Translate(raw, _extended);
        if (error is not null) throw new SedSyntaxError(error);
        try
        {
            _ = PosixRegex.Compiled(pattern, false);
        }
        catch (ArgumentException e)
        {
            throw new SedSyntaxError($"invalid regular expression: {e.Message}");
        }
        return pattern;
    }

    private SedSubstitution ParseSubstitution()
    {
        var delimiter = _r.Next();
        if (delimiter is '\n' or '\\' or '\0') throw new SedSyntaxError("unterminated `s' command");
        var raw = _r.Delimited(delimiter, regex: true);
        var replacement = raw is null ? null : _r.Delimited(delimiter, regex: false);
        if (raw is null || replacement is null)
        {
            _r.At = Math.Min(_r.At, _r.Text.Length);
            throw new SedSyntaxError("unterminated `s' command");
        }
        bool global = false, print = false, ignoreCase = false;
        long occurrence = 0;
        string? writeTo = null;
        while (!_r.AtEnd)
        {
            var c = _r.Peek;
            if (c is 'g') global = true;
            else if (c is 'p') print = true;
            else if (c is 'i' or 'I') ignoreCase = true;
            else if (char.IsAsciiDigit(c))
            {
                var n = _r.Number();
                if (n == 0) throw new SedSyntaxError("number option to `s' command may not be zero");
                if (occurrence != 0) throw new SedSyntaxError("multiple number options to `s' command");
                occurrence = n;
                continue;
            }
            else if (c == 'w')
            {
                _r.At++;
                writeTo = _r.FileName();
                break;
            }
            else if (c is ';' or '\n' or '}' or '#' or ' ' or '\t') break;
            else
            {
                _r.At++;
                throw new SedSyntaxError("unknown option to `s'");
            }
            _r.At++;
        }
        var groups = Groups(raw);
        var (pieces, referenceError) = SedText.Replacement(replacement, groups);
        if (referenceError is not null) throw new SedSyntaxError(referenceError);
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
        var delimiter = _r.Next();
        if (delimiter is '\n' or '\\' or '\0') throw new SedSyntaxError("unterminated `y' command");
        var from = _r.Delimited(delimiter, regex: false);
        var to = from is null ? null : _r.Delimited(delimiter, regex: false);
        if (from is null || to is null) throw new SedSyntaxError("unterminated `y' command");
        (from, to) = (SedText.Unescape(from), SedText.Unescape(to));
        if (from.Length != to.Length) throw new SedSyntaxError("strings for `y' command are different lengths");
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
