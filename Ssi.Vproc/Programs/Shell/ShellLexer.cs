// The shell's lexer: tokens, words with their quotes and expansions, and here-document bodies.
using System.Collections.Immutable;
using System.Text;

namespace Ssi.Vproc.Programs.Shell;

public sealed partial class ShellParser
{
    // ---- lexer ----

    private Token Lex()
    {
        while (true)
        {
            SkipContinuations();
            if (_pos >= _s.Length) return new Token(Kind.End, "", _pos);
            var c = _s[_pos];
            if (c is ' ' or '\t')
            {
                _pos++;
                continue;
            }
            if (c == '#')
            {
                while (_pos < _s.Length && _s[_pos] != '\n') _pos++;
                continue;
            }
            break;
        }
        var start = _pos;
        if (_s[_pos] == '\n')
        {
            _pos++;
            ReadHereDocuments();
            return new Token(Kind.Newline, "\n", start);
        }
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(_s, _pos, op, 0, op.Length) == 0)
            {
                _pos += op.Length;
                return new Token(Kind.Operator, op, start);
            }
        }
        var word = ScanWord();
        if (word.Length == 1 && char.IsAsciiDigit(word[0]) && _pos < _s.Length && _s[_pos] is '<' or '>') return new Token(Kind.IoNumber, word, start);
        return new Token(Kind.Word, word, start);
    }

    private void SkipContinuations()
    {
        while (_pos + 1 < _s.Length && _s[_pos] == '\\' && _s[_pos + 1] == '\n') _pos += 2;
    }

    private static bool EndsWord(char c) => c is ' ' or '\t' or '\n' or ';' or '&' or '|' or '<' or '>' or '(' or ')';

    /// <summary>The source text of one word, with its quotes and expansions, line continuations removed.</summary>
    private string ScanWord()
    {
        var w = new StringBuilder();
        while (true)
        {
            SkipContinuations();
            if (_pos >= _s.Length || EndsWord(_s[_pos])) break;
            var start = _pos;
            SkipWordPart(inDoubleQuotes: false);
            w.Append(RemoveContinuations(_s[start.._pos], start));
        }
        return w.ToString();
    }

    /// <summary>Single quotes keep backslash-newline; everywhere else it disappears before anything sees it.</summary>
    private string RemoveContinuations(string part, int start) =>
        part.Length > 0 && part[0] == '\'' ? part : part.Replace("\\\n", "");

    /// <summary>Moves past one character, quoted string or expansion of a word.</summary>
    private void SkipWordPart(bool inDoubleQuotes)
    {
        var c = _s[_pos];
        switch (c)
        {
            case '\\':
                _pos = Math.Min(_pos + 2, _s.Length);
                return;
            case '\'' when !inDoubleQuotes:
                var end = _s.IndexOf('\'', _pos + 1);
                if (end < 0) throw new ShellSyntaxError("Unterminated quoted string", incomplete: true);
                _pos = end + 1;
                return;
            case '"':
                _pos++;
                while (true)
                {
                    if (_pos >= _s.Length) throw new ShellSyntaxError("Unterminated quoted string", incomplete: true);
                    if (_s[_pos] == '"') break;
                    SkipWordPart(inDoubleQuotes: true);
                }
                _pos++;
                return;
            case '`':
                _pos++;
                while (true)
                {
                    if (_pos >= _s.Length) throw new ShellSyntaxError("EOF in backquote substitution", incomplete: true);
                    if (_s[_pos] == '\\') _pos += 2;
                    else if (_s[_pos] == '`') break;
                    else _pos++;
                }
                _pos++;
                return;
            case '$' when _pos + 1 < _s.Length:
                var next = _s[_pos + 1];
                if (next == '{')
                {
                    _pos += 2;
                    while (true)
                    {
                        if (_pos >= _s.Length) throw new ShellSyntaxError("Missing '}'", incomplete: true);
                        if (_s[_pos] == '}') break;
                        SkipWordPart(inDoubleQuotes: false);
                    }
                    _pos++;
                    return;
                }
                if (next == '(')
                {
                    if (_pos + 2 < _s.Length && _s[_pos + 2] == '(' && ArithmeticEnd(_pos + 3) is var arithmeticEnd and > 0)
                    {
                        _pos = arithmeticEnd;
                        return;
                    }
                    var sub = new ShellParser(_s, _pos + 2);
                    sub.SkipNewlines();
                    if (!IsOp(sub.Peek(), ")")) sub.ParseCompoundList(")");
                    var close = sub.Take();
                    if (!IsOp(close, ")")) throw Unexpected(close, ")");
                    _pos = sub._pos;
                    return;
                }
                _pos++;
                return;
            default:
                _pos++;
                return;
        }
    }

    /// <summary>The position after the "))" closing $(( at <paramref name="from"/>, or -1 if it is a $( ( ... ) ) instead.</summary>
    private int ArithmeticEnd(int from)
    {
        var depth = 0;
        for (var i = from; i < _s.Length; i++)
        {
            var c = _s[i];
            if (c == '(') depth++;
            else if (c == ')')
            {
                if (depth > 0)
                {
                    depth--;
                    continue;
                }
                return i + 1 < _s.Length && _s[i + 1] == ')' ? i + 2 : -1;
            }
            else if (c is '\'' or '"' or '`' or '\\' or '$' && c != '$')
            {
                var saved = _pos;
                _pos = i;
                SkipWordPart(inDoubleQuotes: false);
                i = _pos - 1;
                _pos = saved;
            }
        }
        return -1;
    }

    private void ReadHereDocuments()
    {
        foreach (var (doc, delimiter, strip) in _pendingDocs)
        {
            var body = new StringBuilder();
            while (_pos < _s.Length)
            {
                var eol = _s.IndexOf('\n', _pos);
                var line = eol < 0 ? _s[_pos..] : _s[_pos..eol];
                _pos = eol < 0 ? _s.Length : eol + 1;
                if (strip) line = line.TrimStart('\t');
                if (line == delimiter) break;
                body.Append(line);
                if (eol >= 0) body.Append('\n');
            }
            doc.Body = body.ToString();
        }
        _pendingDocs.Clear();
    }
}
