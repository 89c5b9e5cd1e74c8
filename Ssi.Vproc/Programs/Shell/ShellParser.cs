// POSIX shell grammar (XCU 2.10) by recursive descent: source text in, one complete command at a time out.
using System.Collections.Immutable;
using System.Text;

namespace Ssi.Vproc.Programs.Shell;

/// <summary>A syntax error; <see cref="Incomplete"/> when the input ended inside a construct (an interactive shell asks for more).</summary>
public sealed class ShellSyntaxError(string message, bool incomplete = false) : Exception(message)
{
    public bool Incomplete { get; } = incomplete;
}

/// <summary>
/// Parses a script one complete command (a line's list) at a time, as a shell executes it: a syntax error further on
/// does not stop the lines before it. Words stay source text; here-document bodies are read at the newline that
/// follows their operator, as POSIX says.
/// </summary>
public sealed class ShellParser
{
    private enum Kind { Word, Operator, Newline, IoNumber, End }

    private readonly record struct Token(Kind Kind, string Text, int Start);

    private static readonly string[] Operators = ["<<-", "&&", "||", ";;", "<<", ">>", "<&", ">&", "<>", ">|", ";", "&", "|", "(", ")", "<", ">"];
    private static readonly HashSet<string> Reserved = ["if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for", "{", "}", "!", "in"];

    private readonly string _s;
    private int _pos;
    private Token? _peeked;
    private readonly List<(HereDocument Doc, string Delimiter, bool StripTabs)> _pendingDocs = [];

    private ShellParser(string source, int position)
    {
        _s = source;
        _pos = position;
    }

    /// <summary>
    /// The next complete command from <paramref name="position"/>, and where the one after it starts; null at the end.
    /// Throws <see cref="ShellSyntaxError"/>.
    /// </summary>
    public static (Command? Command, int Next) ParseNext(string source, int position)
    {
        var parser = new ShellParser(source, position);
        parser.SkipNewlines();
        if (parser.Peek().Kind == Kind.End) return (null, parser._pos);
        var list = parser.ParseLine();
        var next = parser.Peek();
        if (next.Kind == Kind.Newline) parser.Take();
        else if (next.Kind != Kind.End) throw Unexpected(next);
        return (list, parser._peeked is { } p ? p.Start : parser._pos);
    }

    /// <summary>A whole script (for command substitution and eval); throws <see cref="ShellSyntaxError"/>.</summary>
    public static Command ParseAll(string source)
    {
        var commands = ImmutableArray.CreateBuilder<Command>();
        var at = 0;
        while (true)
        {
            var (command, next) = ParseNext(source, at);
            if (command is null) break;
            commands.Add(command);
            at = next;
        }
        return commands.Count == 1 ? commands[0] : new Sequence(commands.ToImmutable());
    }

    /// <summary>Whether <paramref name="source"/> ends inside a construct, so an interactive shell should read another line.</summary>
    public static bool IsIncomplete(string source)
    {
        try
        {
            ParseAll(source);
            return false;
        }
        catch (ShellSyntaxError e)
        {
            return e.Incomplete;
        }
    }

    /// <summary>Where the quoted string or expansion starting at <paramref name="position"/> of a word ends.</summary>
    public static int EndOfPart(string word, int position, bool inDoubleQuotes)
    {
        var parser = new ShellParser(word, position);
        try
        {
            parser.SkipWordPart(inDoubleQuotes);
        }
        catch (ShellSyntaxError)
        {
            return word.Length;
        }
        return Math.Min(parser._pos, word.Length);
    }

    public static bool IsName(string s) =>
        s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    // ---- grammar ----

    private Command ParseLine()
    {
        var items = ImmutableArray.CreateBuilder<Command>();
        while (true)
        {
            var command = ParseAndOr();
            var t = Peek();
            if (IsOp(t, "&"))
            {
                Take();
                items.Add(new Background(command));
            }
            else items.Add(command);
            if (IsOp(t, ";") || IsOp(t, "&"))
            {
                if (IsOp(t, ";")) Take();
                var after = Peek();
                if (after.Kind is Kind.Newline or Kind.End || IsOp(after, ")") || IsOp(after, ";;")) break;
                continue;
            }
            break;
        }
        return items.Count == 1 ? items[0] : new Sequence(items.ToImmutable());
    }

    /// <summary>A list inside a compound command, up to one of <paramref name="terminators"/> (not consumed).</summary>
    private Command ParseCompoundList(params string[] terminators)
    {
        var items = ImmutableArray.CreateBuilder<Command>();
        while (true)
        {
            SkipNewlines();
            var t = Peek();
            if (t.Kind == Kind.End) throw new ShellSyntaxError("end of file unexpected", incomplete: true);
            if (IsTerminator(t, terminators)) break;
            var command = ParseAndOr();
            t = Peek();
            if (IsOp(t, "&"))
            {
                Take();
                items.Add(new Background(command));
            }
            else
            {
                items.Add(command);
                if (IsOp(t, ";")) Take();
                else if (t.Kind != Kind.Newline && !IsTerminator(t, terminators)) throw Unexpected(t);
            }
        }
        if (items.Count == 0) throw Unexpected(Peek());
        return items.Count == 1 ? items[0] : new Sequence(items.ToImmutable());
    }

    private static bool IsTerminator(Token t, string[] terminators) =>
        t.Kind == Kind.Word && terminators.Contains(t.Text) || t.Kind == Kind.Operator && terminators.Contains(t.Text);

    private Command ParseAndOr()
    {
        var left = ParsePipeline();
        while (true)
        {
            var t = Peek();
            if (!IsOp(t, "&&") && !IsOp(t, "||")) return left;
            Take();
            SkipNewlines();
            left = new AndOr(left, t.Text == "&&", ParsePipeline());
        }
    }

    private Command ParsePipeline()
    {
        var negated = false;
        while (IsWord(Peek(), "!"))
        {
            Take();
            negated = !negated;
        }
        var stages = ImmutableArray.CreateBuilder<Command>();
        stages.Add(ParseCommand());
        while (IsOp(Peek(), "|"))
        {
            Take();
            SkipNewlines();
            stages.Add(ParseCommand());
        }
        return stages.Count == 1 && !negated ? stages[0] : new Pipeline(stages.ToImmutable(), negated);
    }

    private Command ParseCommand()
    {
        var t = Peek();
        Command? compound = null;
        if (t.Kind == Kind.Word)
        {
            switch (t.Text)
            {
                case "{":
                    Take();
                    compound = new BraceGroup(ParseCompoundList("}"));
                    Expect("}");
                    break;
                case "if": compound = ParseIf(); break;
                case "while" or "until":
                    Take();
                    var condition = ParseCompoundList("do");
                    Expect("do");
                    compound = new LoopClause(condition, ParseBody(), t.Text == "until");
                    break;
                case "for": compound = ParseFor(); break;
                case "case": compound = ParseCase(); break;
                case "then" or "else" or "elif" or "fi" or "do" or "done" or "esac" or "}" or "in":
                    throw Unexpected(t);
            }
        }
        else if (IsOp(t, "("))
        {
            Take();
            compound = new Subshell(ParseCompoundList(")"));
            Expect(")");
        }
        if (compound is not null) return WithRedirections(compound);
        return ParseSimple();
    }

    private Command WithRedirections(Command compound)
    {
        var redirections = ImmutableArray.CreateBuilder<Redirection>();
        while (TryRedirection() is { } r) redirections.Add(r);
        return redirections.Count == 0 ? compound : new Redirected(compound, redirections.ToImmutable());
    }

    private Command ParseBody()
    {
        var body = ParseCompoundList("done");
        Expect("done");
        return body;
    }

    private Command ParseIf()
    {
        Take();
        var branches = ImmutableArray.CreateBuilder<(Command, Command)>();
        Command? otherwise = null;
        while (true)
        {
            var condition = ParseCompoundList("then");
            Expect("then");
            var body = ParseCompoundList("elif", "else", "fi");
            branches.Add((condition, body));
            var t = Take();
            if (t.Text == "elif") continue;
            if (t.Text == "else")
            {
                otherwise = ParseCompoundList("fi");
                Expect("fi");
            }
            break;
        }
        return new IfClause(branches.ToImmutable(), otherwise);
    }

    private Command ParseFor()
    {
        Take();
        var name = Take();
        if (name.Kind != Kind.Word || !IsName(name.Text)) throw new ShellSyntaxError($"Bad for loop variable");
        ImmutableArray<string>? words = null;
        SkipNewlines();
        if (IsWord(Peek(), "in"))
        {
            Take();
            var list = ImmutableArray.CreateBuilder<string>();
            while (Peek().Kind == Kind.Word) list.Add(Take().Text);
            words = list.ToImmutable();
            var t = Peek();
            if (IsOp(t, ";") || t.Kind == Kind.Newline) Take();
            else throw Unexpected(t);
        }
        else if (IsOp(Peek(), ";")) Take();
        SkipNewlines();
        Expect("do");
        return new ForClause(name.Text, words, ParseBody());
    }

    private Command ParseCase()
    {
        Take();
        var word = Take();
        if (word.Kind != Kind.Word) throw Unexpected(word);
        SkipNewlines();
        Expect("in");
        var items = ImmutableArray.CreateBuilder<CaseItem>();
        while (true)
        {
            SkipNewlines();
            if (IsWord(Peek(), "esac"))
            {
                Take();
                break;
            }
            if (IsOp(Peek(), "(")) Take();
            var patterns = ImmutableArray.CreateBuilder<string>();
            while (true)
            {
                var p = Take();
                if (p.Kind != Kind.Word) throw Unexpected(p);
                patterns.Add(p.Text);
                if (IsOp(Peek(), "|"))
                {
                    Take();
                    continue;
                }
                break;
            }
            var close = Take();
            if (!IsOp(close, ")")) throw Unexpected(close);
            SkipNewlines();
            Command? body = null;
            if (!IsOp(Peek(), ";;") && !IsWord(Peek(), "esac")) body = ParseCompoundList(";;", "esac");
            items.Add(new CaseItem(patterns.ToImmutable(), body));
            if (IsOp(Peek(), ";;"))
            {
                Take();
                continue;
            }
            Expect("esac");
            break;
        }
        return new CaseClause(word.Text, items.ToImmutable());
    }

    private Command ParseSimple()
    {
        var assignments = ImmutableArray.CreateBuilder<Assignment>();
        var words = ImmutableArray.CreateBuilder<string>();
        var redirections = ImmutableArray.CreateBuilder<Redirection>();
        while (true)
        {
            if (TryRedirection() is { } r)
            {
                redirections.Add(r);
                continue;
            }
            var t = Peek();
            if (t.Kind != Kind.Word) break;
            if (words.Count == 0 && AssignmentName(t.Text) is { } name)
            {
                Take();
                assignments.Add(new Assignment(name, t.Text[(name.Length + 1)..]));
                continue;
            }
            Take();
            if (words.Count == 0 && assignments.Count == 0 && redirections.Count == 0 && IsOp(Peek(), "("))
                return ParseFunction(t);
            words.Add(t.Text);
        }
        if (words.Count == 0 && assignments.Count == 0 && redirections.Count == 0) throw Unexpected(Peek());
        return new SimpleCommand(assignments.ToImmutable(), words.ToImmutable(), redirections.ToImmutable());
    }

    private Command ParseFunction(Token name)
    {
        if (!IsName(name.Text) || Reserved.Contains(name.Text)) throw new ShellSyntaxError($"Bad function name");
        Take();
        var close = Take();
        if (!IsOp(close, ")")) throw Unexpected(close);
        SkipNewlines();
        var t = Peek();
        if (!(t.Kind == Kind.Word && t.Text is "{" or "if" or "while" or "until" or "for" or "case") && !IsOp(t, "(")) throw Unexpected(t);
        return new FunctionDefinition(name.Text, ParseCommand());
    }

    private static string? AssignmentName(string word)
    {
        var eq = word.IndexOf('=');
        return eq > 0 && IsName(word[..eq]) ? word[..eq] : null;
    }

    private Redirection? TryRedirection()
    {
        var t = Peek();
        var fd = -1;
        if (t.Kind == Kind.IoNumber)
        {
            Take();
            fd = int.Parse(t.Text);
            t = Peek();
        }
        else if (t.Kind != Kind.Operator || t.Text is not ("<" or ">" or ">>" or ">|" or "<>" or "<&" or ">&" or "<<" or "<<-")) return null;
        Take();
        var target = Take();
        if (target.Kind != Kind.Word) throw Unexpected(target);
        var kind = t.Text switch
        {
            "<" => RedirectionKind.Input,
            ">" => RedirectionKind.Output,
            ">>" => RedirectionKind.Append,
            ">|" => RedirectionKind.Clobber,
            "<>" => RedirectionKind.ReadWrite,
            "<&" => RedirectionKind.DupInput,
            ">&" => RedirectionKind.DupOutput,
            _ => RedirectionKind.HereDoc,
        };
        if (kind != RedirectionKind.HereDoc) return new Redirection(fd, kind, target.Text);
        var quoted = target.Text.IndexOfAny(['\'', '"', '\\']) >= 0;
        var doc = new HereDocument { Expand = !quoted };
        _pendingDocs.Add((doc, quoted ? RemoveQuotes(target.Text) : target.Text, t.Text == "<<-"));
        return new Redirection(fd, kind, target.Text, doc);
    }

    private static string RemoveQuotes(string word)
    {
        var s = new StringBuilder();
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            if (c == '\'')
            {
                var end = word.IndexOf('\'', i + 1);
                if (end < 0) end = word.Length;
                s.Append(word, i + 1, end - i - 1);
                i = end;
            }
            else if (c == '"') continue;
            else if (c == '\\' && i + 1 < word.Length) s.Append(word[++i]);
            else s.Append(c);
        }
        return s.ToString();
    }

    private void Expect(string word)
    {
        var t = Take();
        if (!(t.Kind is Kind.Word or Kind.Operator && t.Text == word)) throw Unexpected(t, word);
    }

    private static ShellSyntaxError Unexpected(Token t, string? expecting = null) => t.Kind switch
    {
        Kind.End => new ShellSyntaxError(expecting is null ? "end of file unexpected" : $"end of file unexpected (expecting \"{expecting}\")", incomplete: true),
        Kind.Newline => new ShellSyntaxError(expecting is null ? "newline unexpected" : $"newline unexpected (expecting \"{expecting}\")"),
        _ => new ShellSyntaxError(expecting is null ? $"\"{t.Text}\" unexpected" : $"\"{t.Text}\" unexpected (expecting \"{expecting}\")"),
    };

    private static bool IsOp(Token t, string op) => t.Kind == Kind.Operator && t.Text == op;

    private static bool IsWord(Token t, string word) => t.Kind == Kind.Word && t.Text == word;

    private void SkipNewlines()
    {
        while (Peek().Kind == Kind.Newline) Take();
    }

    private Token Peek() => _peeked ??= Lex();

    private Token Take()
    {
        var t = Peek();
        _peeked = null;
        return t;
    }

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
