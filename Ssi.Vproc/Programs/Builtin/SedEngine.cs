// sed's execution without I/O: lines in, output chunks out, resumable where it waits for more input.
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>Output of a sed run: bytes for standard output (Target null) or a w file, or a file to copy (r).</summary>
public sealed record SedOutput(string? Target, byte[] Bytes, string? CopyFile = null);

/// <summary>
/// Runs a parsed script over lines fed to it. <see cref="Run"/> goes as far as the buffered input allows and says
/// why it stopped; the program then feeds more lines (<see cref="Feed"/>), ends the input (<see cref="EndInput"/>),
/// or writes <see cref="Output"/>. A line is taken only when the next one is buffered or the input has ended, so
/// that '$' is known. A command that waits for a line (n, N) has already been matched against its address, so it
/// resumes without matching again. Plain data throughout: only pattern texts, never Regex objects.
/// </summary>
public sealed class SedEngine(List<SedCommand> commands, bool quiet, byte delimiter, int lineLength)
{
    public enum Stop
    {
        NeedInput,
        /// <summary>The input ended and every line went through the script, or q/Q quit.</summary>
        Finished,
    }

    private readonly List<(string Text, bool Newline)> _pending = [];
    private readonly bool[] _inRange = [.. commands.Select(c => c.First?.Kind == SedAddressKind.Zero)];
    private readonly long[] _rangeEnd = new long[commands.Count];
    // A range whose first address is a line number starts at most once.
    private readonly bool[] _closed = new bool[commands.Count];
    private readonly List<(string? Text, string? File)> _appends = [];
    private readonly Dictionary<string, bool> _missingNewline = [];
    private string _pattern = "", _hold = "";
    private bool _lineHadNewline = true;
    private bool _inCycle, _isLast, _substituted, _ended;
    private int _pc;
    private bool _resumeMatched;
    private (string Pattern, bool IgnoreCase)? _lastRegex;

    public List<SedOutput> Output { get; } = [];

    public long LineNumber { get; private set; }

    public bool Quit { get; private set; }

    public int ExitCode { get; private set; }

    /// <summary>A runtime error ("no previous regular expression"), which ends the run with status 1.</summary>
    public string? Error { get; private set; }

    public void Feed(List<(string Text, bool Newline)> lines) => _pending.AddRange(lines);

    public void EndInput() => _ended = true;

    /// <summary>For -s and -i: a new file starts; line numbers and ranges start again.</summary>
    public void StartFile()
    {
        _ended = false;
        LineNumber = 0;
        for (var i = 0; i < _inRange.Length; i++) (_inRange[i], _closed[i]) = (commands[i].First?.Kind == SedAddressKind.Zero, false);
    }

    /// <summary>What ends a line in the pattern space: '\n', or NUL with -z.</summary>
    private char Newline => (char)delimiter;

    private bool CanTake => _pending.Count >= 2 || (_pending.Count == 1 && _ended);

    private bool Exhausted => _pending.Count == 0 && _ended;

    private string Take()
    {
        var (text, newline) = _pending[0];
        _pending.RemoveAt(0);
        _lineHadNewline = newline;
        LineNumber++;
        _isLast = _pending.Count == 0 && _ended;
        return text;
    }

    public Stop Run()
    {
        while (!Quit && Error is null)
        {
            if (!_inCycle)
            {
                if (!CanTake) return Exhausted ? Stop.Finished : Stop.NeedInput;
                _pattern = Take();
                _inCycle = true;
                _pc = 0;
                _substituted = false;
            }
            if (Cycle() == Stop.NeedInput) return Stop.NeedInput;
        }
        return Stop.Finished;
    }

    // Runs the script from _pc; NeedInput when n or N must wait for a line.
    private Stop Cycle()
    {
        while (_pc < commands.Count)
        {
            var command = commands[_pc];
            if (!_resumeMatched && !Matches(_pc, command))
            {
                _pc = command.Name == '{' ? command.Jump + 1 : _pc + 1;
                continue;
            }
            _resumeMatched = false;
            var next = _pc + 1;
            switch (command.Name)
            {
                case '{' or '}' or ':':
                    break;
                case '=':
                    Emit(null, LineNumber.ToString(CultureInfo.InvariantCulture), newline: true, textLine: true);
                    break;
                case 'a':
                    _appends.Add((command.Text, null));
                    break;
                case 'i':
                    Emit(null, command.Text, newline: true, textLine: true);
                    break;
                case 'c':
                    // A range prints its text once, at its end.
                    if (command.Second is null || command.Negate || !_inRange[_pc]) Emit(null, command.Text, newline: true, textLine: true);
                    EndCycle(print: false);
                    return Stop.Finished;
                case 'r':
                    _appends.Add((null, command.Text));
                    break;
                case 'w':
                    Emit(command.Text, _pattern, newline: true);
                    break;
                case 'd':
                    EndCycle(print: false);
                    return Stop.Finished;
                case 'D':
                    var newline = _pattern.IndexOf(Newline);
                    if (newline < 0)
                    {
                        EndCycle(print: false);
                        return Stop.Finished;
                    }
                    _pattern = _pattern[(newline + 1)..];
                    FlushAppends();
                    _pc = 0;
                    _substituted = false;
                    continue;
                case 'p':
                    Emit(null, _pattern, _lineHadNewline);
                    break;
                case 'P':
                    var end = _pattern.IndexOf(Newline);
                    Emit(null, end < 0 ? _pattern : _pattern[..end], newline: true);
                    break;
                case 'l':
                    Emit(null, SedText.Escaped(_pattern, command.Number >= 0 ? command.Number : lineLength), newline: true);
                    break;
                case 'n' or 'N':
                    if (!CanTake && !Exhausted)
                    {
                        _resumeMatched = true;
                        return Stop.NeedInput;
                    }
                    if (Exhausted)
                    {
                        EndCycle(print: true);
                        Quit = true;
                        return Stop.Finished;
                    }
                    if (command.Name == 'n' && !quiet) Emit(null, _pattern, _lineHadNewline);
                    FlushAppends();
                    var line = Take();
                    _pattern = command.Name == 'n' ? line : _pattern + Newline + line;
                    break;
                case 'g':
                    _pattern = _hold;
                    break;
                case 'G':
                    _pattern += Newline + _hold;
                    break;
                case 'h':
                    _hold = _pattern;
                    break;
                case 'H':
                    _hold += Newline + _pattern;
                    break;
                case 'x':
                    (_pattern, _hold) = (_hold, _pattern);
                    break;
                case 'z':
                    _pattern = "";
                    break;
                case 'y':
                    var chars = _pattern.ToCharArray();
                    for (var k = 0; k < chars.Length; k++)
                    {
                        var at = command.From.IndexOf(chars[k]);
                        if (at >= 0) chars[k] = command.To[at];
                    }
                    _pattern = new string(chars);
                    break;
                case 'b':
                    next = command.Jump < 0 ? commands.Count : command.Jump;
                    break;
                case 't' or 'T':
                    if (_substituted == (command.Name == 't')) next = command.Jump < 0 ? commands.Count : command.Jump;
                    _substituted = false;
                    break;
                case 'q':
                    EndCycle(print: true);
                    (Quit, ExitCode) = (true, Math.Max(command.Number, 0));
                    return Stop.Finished;
                case 'Q':
                    (Quit, ExitCode) = (true, Math.Max(command.Number, 0));
                    _inCycle = false;
                    return Stop.Finished;
                case 's':
                    if (!Substitute(command.Substitution!)) return Stop.Finished;
                    break;
            }
            _pc = next;
        }
        EndCycle(print: true);
        return Stop.Finished;
    }

    private void EndCycle(bool print)
    {
        if (print && !quiet) Emit(null, _pattern, _lineHadNewline);
        FlushAppends();
        _inCycle = false;
    }

    private void FlushAppends()
    {
        for (var i = 0; i < _appends.Count; i++)
        {
            var (text, file) = _appends[i];
            if (text is { Length: 0 }) EndMissingNewline();
            else if (text is not null) Emit(null, text, newline: true, textLine: true);
            else
            {
                EndMissingNewline();
                Output.Add(new SedOutput(null, [], file));
            }
        }
        _appends.Clear();
    }

    // "a\" with no text adds nothing, but ends a last line that had no newline (GNU).
    private void EndMissingNewline()
    {
        if (!_missingNewline.GetValueOrDefault("")) return;
        Output.Add(new SedOutput(null, [delimiter]));
        _missingNewline[""] = false;
    }

    // Writes text to a target, first ending a previous line that lacked its newline (GNU's missing newline).
    private void Emit(string? target, string text, bool newline, bool textLine = false)
    {
        var key = target ?? "";
        var s = new StringBuilder();
        if (_missingNewline.GetValueOrDefault(key)) s.Append((char)delimiter);
        s.Append(text);
        if (newline) s.Append(textLine ? '\n' : (char)delimiter);
        _missingNewline[key] = !newline;
        Output.Add(new SedOutput(target, Io.Bytes(s.ToString())));
    }

    private bool Matches(int index, SedCommand command)
    {
        if (command.First is null) return !command.Negate;
        bool matched;
        if (command.Second is null) matched = MatchesOne(command.First);
        else if (_inRange[index])
        {
            matched = true;
            var second = command.Second;
            var ends = second.Kind switch
            {
                SedAddressKind.Line => LineNumber >= second.Number,
                SedAddressKind.Plus => LineNumber >= _rangeEnd[index],
                SedAddressKind.Multiple => second.Number <= 0 || LineNumber % second.Number == 0,
                SedAddressKind.Last => _isLast,
                _ => MatchesOne(second),
            };
            if (ends) _inRange[index] = false;
        }
        else if (command.First.Kind == SedAddressKind.Line && command.Second.Kind == SedAddressKind.Line)
        {
            // Past its first line (deleted before it got here), a numeric range still starts, once (GNU).
            matched = !_closed[index] && LineNumber >= command.First.Number;
            if (matched)
            {
                _inRange[index] = LineNumber < command.Second.Number;
                _closed[index] = !_inRange[index];
                matched = _inRange[index] || LineNumber == command.First.Number || LineNumber == command.Second.Number;
            }
        }
        else if (MatchesOne(command.First) || (command.First.Kind == SedAddressKind.Line && !_closed[index] && LineNumber > command.First.Number))
        {
            _closed[index] = true;
            matched = true;
            var second = command.Second;
            _inRange[index] = second.Kind switch
            {
                SedAddressKind.Line => second.Number > LineNumber,
                SedAddressKind.Plus => second.Number > 0,
                SedAddressKind.Multiple => second.Number > 0 && LineNumber % second.Number != 0,
                SedAddressKind.Last => !_isLast,
                _ => true,
            };
            _rangeEnd[index] = LineNumber + second.Number;
        }
        else matched = false;
        return matched != command.Negate;
    }

    private bool MatchesOne(SedAddress address) => address.Kind switch
    {
        SedAddressKind.Line => LineNumber == address.Number,
        SedAddressKind.Last => _isLast,
        SedAddressKind.Step => address.Step <= 0 ? LineNumber == address.Number : LineNumber >= address.Number && (LineNumber - address.Number) % address.Step == 0,
        SedAddressKind.Regex => Regex(address.Regex, address.IgnoreCase)?.IsMatch(_pattern) ?? false,
        _ => false,
    };

    // The compiled regex, or the last one used for an empty one (//); null after an error.
    private Regex? Regex(string? pattern, bool ignoreCase)
    {
        if (pattern is not null) _lastRegex = (pattern, ignoreCase);
        else if (_lastRegex is null)
        {
            Error = "no previous regular expression";
            return null;
        }
        var (text, ignore) = _lastRegex.Value;
        return PosixRegex.Compiled(text, ignore || ignoreCase);
    }

    // s: every match from the Nth (or only the Nth), an empty match never right after the previous match (POSIX).
    private bool Substitute(SedSubstitution s)
    {
        var regex = Regex(s.Regex, s.IgnoreCase);
        if (regex is null) return false;
        var text = _pattern;
        var result = new StringBuilder();
        var copied = 0;
        var count = 0L;
        var lastEnd = -1;
        var replaced = false;
        for (var at = 0; at <= text.Length;)
        {
            var m = regex.Match(text, at);
            if (!m.Success) break;
            if (m.Length == 0 && m.Index == lastEnd)
            {
                at = m.Index + 1;
                continue;
            }
            if (++count >= s.Occurrence)
            {
                result.Append(text, copied, m.Index - copied);
                SedText.Replace(result, m, s.Replacement);
                copied = m.Index + m.Length;
                replaced = true;
                if (!s.Global) break;
            }
            lastEnd = m.Index + m.Length;
            at = m.Length == 0 ? m.Index + 1 : lastEnd;
        }
        if (!replaced) return true;
        result.Append(text, copied, text.Length - copied);
        _pattern = result.ToString();
        _substituted = true;
        if (s.Print) Emit(null, _pattern, _lineHadNewline);
        if (s.WriteTo is not null) Emit(s.WriteTo, _pattern, newline: true);
        return true;
    }
}
