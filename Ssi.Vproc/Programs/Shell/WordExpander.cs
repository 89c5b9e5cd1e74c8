// Word expansion (XCU 2.6): tilde, parameters, command substitution, arithmetic, field splitting, pathnames, quote removal.
using System.Text;

namespace Ssi.Vproc.Programs.Shell;

/// <summary>A value a nested iterator hands back to its caller.</summary>
public sealed class Box<T>
{
    public T Value { get; set; } = default!;
}

/// <summary>
/// What expansion makes of a word before splitting: pieces that remember whether they were quoted (never split or
/// globbed), unquoted text of the word itself (globbed, not split), or the unquoted result of an expansion (split and
/// globbed). A field break separates the fields of "$@".
/// </summary>
public enum PieceKind
{
    Literal,
    Quoted,
    Expanded,
    FieldBreak,
}

public readonly record struct Piece(string Text, PieceKind Kind);

/// <summary>
/// Expands words for <see cref="ShellInterpreter"/>. Expansion can run commands ($(...)) and read directories (*),
/// so each entry point is an iterator of system calls that leaves its result in a <see cref="Box{T}"/>. An error
/// (${x?}, set -u, a bad $((...))) is reported through the interpreter, which stops the command.
/// </summary>
public sealed partial class ShellInterpreter
{
    private enum Mode
    {
        Unquoted,
        DoubleQuoted,
        HereDoc,
    }

    /// <summary>A command's words as fields, split and globbed.</summary>
    public IEnumerable<SystemCall> ExpandFields(IReadOnlyList<string> words, List<string> fields)
    {
        for (var w = 0; w < words.Count; w++)
        {
            var pieces = new List<Piece>();
            foreach (var call in Scan(words[w], Mode.Unquoted, pieces, tilde: true, assignment: false)) yield return call;
            if (Aborted) yield break;
            var split = Split(pieces);
            for (var f = 0; f < split.Count; f++)
            {
                var (text, pattern) = split[f];
                if (State.NoGlob || !ShellPattern.HasWildcards(pattern))
                {
                    fields.Add(text);
                    continue;
                }
                var matches = new List<string>();
                foreach (var call in GlobExpand(pattern, matches)) yield return call;
                if (matches.Count == 0) fields.Add(text);
                else fields.AddRange(matches);
            }
        }
    }

    /// <summary>One string, not split or globbed: an assignment's value, a redirection's target, case's word.</summary>
    public IEnumerable<SystemCall> ExpandString(string word, Box<string> result, bool assignment = false)
    {
        var pieces = new List<Piece>();
        _inAssignment = assignment;
        foreach (var call in Scan(word, Mode.Unquoted, pieces, tilde: true, assignment)) yield return call;
        _inAssignment = false;
        result.Value = Join(pieces, " ");
    }

    /// <summary>A pattern in escaped form (quoted characters escaped), for case and ${x#...}.</summary>
    public IEnumerable<SystemCall> ExpandPattern(string word, Box<string> result)
    {
        var pieces = new List<Piece>();
        foreach (var call in Scan(word, Mode.Unquoted, pieces, tilde: true, assignment: false)) yield return call;
        result.Value = PatternOf(pieces);
    }

    public IEnumerable<SystemCall> ExpandHereDocument(string body, Box<string> result)
    {
        var pieces = new List<Piece>();
        foreach (var call in Scan(body, Mode.HereDoc, pieces, tilde: false, assignment: false)) yield return call;
        result.Value = Join(pieces, " ");
    }

    private static string Join(List<Piece> pieces, string fieldBreak)
    {
        var s = new StringBuilder();
        foreach (var p in pieces) s.Append(p.Kind == PieceKind.FieldBreak ? fieldBreak : p.Text);
        return s.ToString();
    }

    private static string PatternOf(List<Piece> pieces)
    {
        var s = new StringBuilder();
        foreach (var p in pieces)
        {
            if (p.Kind == PieceKind.Quoted) AppendEscaped(s, p.Text);
            else if (p.Kind == PieceKind.FieldBreak) s.Append(' ');
            else s.Append(p.Text);
        }
        return s.ToString();
    }

    private static void AppendEscaped(StringBuilder s, string text)
    {
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\' or '!' or '^' or '-') s.Append('\\');
            s.Append(c);
        }
    }

    /// <summary>Field splitting with IFS; each field comes with its pattern form for pathname expansion.</summary>
    private List<(string Text, string Pattern)> Split(List<Piece> pieces)
    {
        var ifs = State.Ifs;
        var fields = new List<(string, string)>();
        var text = new StringBuilder();
        var pattern = new StringBuilder();
        var exists = false;
        var afterWhitespaceDelimiter = false;

        void End()
        {
            fields.Add((text.ToString(), pattern.ToString()));
            text.Clear();
            pattern.Clear();
            exists = false;
        }

        foreach (var piece in pieces)
        {
            switch (piece.Kind)
            {
                case PieceKind.Literal:
                    text.Append(piece.Text);
                    pattern.Append(piece.Text);
                    exists = true;
                    afterWhitespaceDelimiter = false;
                    break;
                case PieceKind.Quoted:
                    text.Append(piece.Text);
                    AppendEscaped(pattern, piece.Text);
                    exists = true;
                    afterWhitespaceDelimiter = false;
                    break;
                case PieceKind.FieldBreak:
                    if (exists) End();
                    afterWhitespaceDelimiter = false;
                    break;
                case PieceKind.Expanded:
                    foreach (var c in piece.Text)
                    {
                        if (ifs.Contains(c))
                        {
                            if (c is ' ' or '\t' or '\n')
                            {
                                if (exists)
                                {
                                    End();
                                    afterWhitespaceDelimiter = true;
                                }
                            }
                            else
                            {
                                if (exists || !afterWhitespaceDelimiter) End();
                                afterWhitespaceDelimiter = false;
                            }
                            continue;
                        }
                        text.Append(c);
                        pattern.Append(c);
                        exists = true;
                        afterWhitespaceDelimiter = false;
                    }
                    break;
            }
        }
        if (exists) End();
        return fields;
    }

    /// <summary>Expands one word's text into pieces.</summary>
    private IEnumerable<SystemCall> Scan(string s, Mode mode, List<Piece> into, bool tilde, bool assignment)
    {
        var literal = new StringBuilder();
        var quotedMode = mode != Mode.Unquoted;

        void Flush()
        {
            if (literal.Length == 0) return;
            into.Add(new Piece(literal.ToString(), quotedMode ? PieceKind.Quoted : PieceKind.Literal));
            literal.Clear();
        }

        var i = 0;
        while (i < s.Length)
        {
            if (Aborted) yield break;
            var c = s[i];
            if (tilde && c == '~' && mode == Mode.Unquoted && (i == 0 || assignment && s[i - 1] is ':' or '='))
            {
                var end = i + 1;
                while (end < s.Length && s[end] != '/' && !(assignment && s[end] == ':')) end++;
                var user = s[(i + 1)..end];
                string? home = user.Length == 0 ? State.Get("HOME") : user == "root" ? "/root" : null;
                if (home is not null && ShellParser.IsName(user.Length == 0 ? "x" : user))
                {
                    Flush();
                    into.Add(new Piece(home, PieceKind.Quoted));
                    i = end;
                    continue;
                }
            }
            switch (c)
            {
                case '\\':
                    if (i + 1 >= s.Length)
                    {
                        literal.Append('\\');
                        i++;
                        continue;
                    }
                    var next = s[i + 1];
                    if (mode == Mode.Unquoted)
                    {
                        Flush();
                        into.Add(new Piece(next.ToString(), PieceKind.Quoted));
                    }
                    else if (next == '\n') { }
                    else if (next is '$' or '`' or '\\' || next == '"' && mode == Mode.DoubleQuoted) literal.Append(next);
                    else literal.Append('\\').Append(next);
                    i += 2;
                    continue;
                case '\'' when mode == Mode.Unquoted:
                    var close = s.IndexOf('\'', i + 1);
                    if (close < 0) close = s.Length;
                    Flush();
                    into.Add(new Piece(s[(i + 1)..close], PieceKind.Quoted));
                    i = close + 1;
                    continue;
                case '"' when mode != Mode.HereDoc:
                    var closeQuote = ShellParser.EndOfPart(s, i, inDoubleQuotes: mode == Mode.DoubleQuoted);
                    Flush();
                    var before = into.Count;
                    _emptyAt = false;
                    foreach (var call in Scan(s[(i + 1)..Math.Max(i + 1, closeQuote - 1)], Mode.DoubleQuoted, into, false, false)) yield return call;
                    if (into.Count == before && !_emptyAt) into.Add(new Piece("", PieceKind.Quoted));
                    _emptyAt = false;
                    i = closeQuote;
                    continue;
                case '`':
                    var endQuote = ShellParser.EndOfPart(s, i, inDoubleQuotes: mode != Mode.Unquoted);
                    var inner = UnescapeBackquoted(s[(i + 1)..Math.Max(i + 1, endQuote - 1)], mode == Mode.DoubleQuoted);
                    Flush();
                    var output = new Box<string>();
                    foreach (var call in CommandSubstitution(inner, output)) yield return call;
                    AddExpansion(into, output.Value, mode);
                    i = endQuote;
                    continue;
                case '$' when i + 1 < s.Length:
                    Flush();
                    var stop = new Box<int>();
                    foreach (var call in ScanDollar(s, i, mode, into, stop)) yield return call;
                    i = stop.Value;
                    continue;
                default:
                    literal.Append(c);
                    i++;
                    continue;
            }
        }
        Flush();
    }

    /// <summary>Set when "$@" expanded to nothing, so the quotes around it make no empty field.</summary>
    private bool _emptyAt;

    private static string UnescapeBackquoted(string text, bool inDoubleQuotes)
    {
        var s = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && (text[i + 1] is '$' or '`' or '\\' || inDoubleQuotes && text[i + 1] == '"'))
                i++;
            s.Append(text[i]);
        }
        return s.ToString();
    }

    private static void AddExpansion(List<Piece> into, string value, Mode mode) =>
        into.Add(new Piece(value, mode == Mode.Unquoted ? PieceKind.Expanded : PieceKind.Quoted));

    /// <summary>A $ at <paramref name="i"/>: $name, ${...}, $(...), $((...)), or a lone $.</summary>
    private IEnumerable<SystemCall> ScanDollar(string s, int i, Mode mode, List<Piece> into, Box<int> stop)
    {
        var next = s[i + 1];
        if (next == '(')
        {
            var end = ShellParser.EndOfPart(s, i, inDoubleQuotes: false);
            stop.Value = end;
            if (i + 2 < s.Length && s[i + 2] == '(' && s[end - 2] == ')' && IsArithmetic(s, i, end))
            {
                var expression = new Box<string>();
                var text = s[(i + 3)..(end - 2)];
                var pieces = new List<Piece>();
                foreach (var call in Scan(text, Mode.HereDoc, pieces, false, false)) yield return call;
                if (Aborted) yield break;
                if (Arithmetic(Join(pieces, " ")) is { } value) AddExpansion(into, value.ToString(), mode);
                yield break;
            }
            var output = new Box<string>();
            foreach (var call in CommandSubstitution(s[(i + 2)..(end - 1)], output)) yield return call;
            AddExpansion(into, output.Value, mode);
            yield break;
        }
        if (next == '{')
        {
            var end = ShellParser.EndOfPart(s, i, inDoubleQuotes: mode != Mode.Unquoted);
            stop.Value = end;
            foreach (var call in ParameterExpansion(s[(i + 2)..(end - 1)], mode, into)) yield return call;
            yield break;
        }
        string name;
        if (char.IsAsciiLetter(next) || next == '_')
        {
            var end = i + 1;
            while (end < s.Length && (char.IsAsciiLetterOrDigit(s[end]) || s[end] == '_')) end++;
            name = s[(i + 1)..end];
        }
        else if (char.IsAsciiDigit(next) || next is '@' or '*' or '#' or '?' or '-' or '$' or '!') name = next.ToString();
        else
        {
            into.Add(new Piece("$", mode == Mode.Unquoted ? PieceKind.Literal : PieceKind.Quoted));
            stop.Value = i + 1;
            yield break;
        }
        stop.Value = i + 1 + name.Length;
        foreach (var call in AddParameter(name, mode, into)) yield return call;
    }

    /// <summary>Whether $(( at <paramref name="i"/> is arithmetic rather than a command substitution of a subshell.</summary>
    private static bool IsArithmetic(string s, int i, int end)
    {
        var depth = 0;
        for (var k = i + 3; k < end - 2; k++)
        {
            if (s[k] == '(') depth++;
            else if (s[k] == ')' && --depth < 0) return false;
        }
        return depth == 0;
    }

    private long? Arithmetic(string expression)
    {
        try
        {
            return ShellArithmetic.Evaluate(expression, State);
        }
        catch (ShellArithmeticError e)
        {
            Abort($"arithmetic expression: {e.Message}: \"{expression}\"", 2);
            return null;
        }
    }
}
