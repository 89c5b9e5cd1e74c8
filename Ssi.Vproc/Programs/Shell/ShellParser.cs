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
public sealed partial class ShellParser
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
}
