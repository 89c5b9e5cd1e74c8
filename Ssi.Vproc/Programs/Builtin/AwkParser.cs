// awk's grammar, top half: the program's items (rules, functions) and statements; names are resolved to slots here.
namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// A recursive-descent parser over <see cref="AwkLexer"/>'s tokens. Globals get slots in order of first use, after
/// the special variables (<see cref="Specials"/>); a function's parameters are its local slots. Errors are thrown as
/// <see cref="AwkSyntaxException"/> with mawk's wording ("line N: syntax error at or near X").
/// </summary>
public sealed partial class AwkParser
{
    /// <summary>The special variables, in their fixed global slots.</summary>
    public static readonly string[] Specials =
        ["NF", "NR", "FNR", "FS", "OFS", "ORS", "RS", "SUBSEP", "CONVFMT", "OFMT", "RSTART", "RLENGTH", "FILENAME", "ENVIRON", "ARGC", "ARGV"];

    private readonly List<AwkToken> _tokens;
    private int _at;
    private readonly List<string> _globals = [.. Specials];
    private readonly Dictionary<string, AwkFunction> _functions = [];
    private readonly List<AwkCall> _calls = [];
    private List<string>? _params;
    private int _loops;
    private bool _inFunction;

    private AwkParser(string text) => _tokens = AwkLexer.Tokens(text);

    public static AwkProgram Parse(string text)
    {
        var parser = new AwkParser(text);
        var rules = parser.Items();
        foreach (var call in parser._calls)
        {
            if (!parser._functions.TryGetValue(call.Name, out var f)) throw new AwkSyntaxException($"line {call.Line}: function {call.Name} never defined");
            if (call.Args.Count > f.Params.Count) throw new AwkSyntaxException($"line {call.Line}: too many arguments in call to {call.Name}");
        }
        AwkIo.Mark(rules, parser._functions);
        return new AwkProgram(rules, parser._functions, parser._globals);
    }

    private AwkToken Tok => _tokens[_at];

    private AwkToken Next() => _tokens[_at++];

    private bool Is(AwkTok kind, string? text = null) => Tok.Kind == kind && (text is null || Tok.Text == text);

    private bool IsOp(string op) => Is(AwkTok.Op, op);

    private bool IsKeyword(string word) => Is(AwkTok.Keyword, word);

    private AwkSyntaxException Error() =>
        new($"line {Tok.Line}: syntax error at or near {(Tok.Kind == AwkTok.Newline ? "end of line" : Tok.Kind == AwkTok.String ? "\"" + Tok.Text + "\"" : Tok.Text)}");

    private AwkToken Expect(AwkTok kind, string? text = null)
    {
        if (!Is(kind, text)) throw Error();
        return Next();
    }

    private void Newlines()
    {
        while (Is(AwkTok.Newline)) _at++;
    }

    private void Terminators()
    {
        while (Is(AwkTok.Newline) || Is(AwkTok.Semicolon)) _at++;
    }

    private List<AwkRule> Items()
    {
        var rules = new List<AwkRule>();
        Terminators();
        while (!Is(AwkTok.End))
        {
            if (IsKeyword("function")) Function();
            else if (IsKeyword("BEGIN") || IsKeyword("END"))
            {
                var kind = Next().Text == "BEGIN" ? AwkRuleKind.Begin : AwkRuleKind.End;
                Newlines();
                if (!Is(AwkTok.LBrace)) throw Error();
                rules.Add(new AwkRule(kind, null, null, Block()));
            }
            else if (Is(AwkTok.LBrace)) rules.Add(new AwkRule(AwkRuleKind.Main, null, null, Block()));
            else
            {
                var pattern = Expr();
                AwkExpr? end = null;
                if (Is(AwkTok.Comma))
                {
                    Next();
                    Newlines();
                    end = Expr();
                }
                rules.Add(new AwkRule(AwkRuleKind.Main, pattern, end, Is(AwkTok.LBrace) ? Block() : null));
            }
            if (!Is(AwkTok.End) && !Is(AwkTok.Newline) && !Is(AwkTok.Semicolon) && !Is(AwkTok.LBrace) && !IsKeyword("function")
                && !IsKeyword("BEGIN") && !IsKeyword("END") && _tokens[_at - 1].Kind != AwkTok.RBrace) throw Error();
            Terminators();
        }
        return rules;
    }

    private void Function()
    {
        Next();
        if (!Is(AwkTok.Name) && !Is(AwkTok.FuncName)) throw Error();
        var name = Next().Text;
        if (_functions.ContainsKey(name)) throw new AwkSyntaxException($"line {Tok.Line}: function {name} redefined");
        Expect(AwkTok.LParen);
        var parameters = new List<string>();
        if (!Is(AwkTok.RParen))
        {
            while (true)
            {
                Newlines();
                var p = Expect(AwkTok.Name).Text;
                if (parameters.Contains(p)) throw new AwkSyntaxException($"line {Tok.Line}: duplicate parameter {p} in function {name}");
                parameters.Add(p);
                Newlines();
                if (Is(AwkTok.RParen)) break;
                Expect(AwkTok.Comma);
            }
        }
        Next();
        Newlines();
        _params = parameters;
        _inFunction = true;
        // Registered before its body, so that it may call itself.
        var f = new AwkFunction(name, parameters, new AwkBlock([]));
        _functions[name] = f;
        var body = Block();
        _functions[name] = f with { Body = body };
        _params = null;
        _inFunction = false;
    }

    private AwkBlock Block()
    {
        Expect(AwkTok.LBrace);
        var body = new List<AwkStmt>();
        Terminators();
        while (!Is(AwkTok.RBrace))
        {
            if (Is(AwkTok.End)) throw Error();
            body.Add(Statement());
            Terminators();
        }
        Next();
        return new AwkBlock(body);
    }

    private AwkStmt Statement()
    {
        if (Is(AwkTok.LBrace)) return Block();
        if (Is(AwkTok.Semicolon))
        {
            Next();
            return new AwkBlock([]);
        }
        if (IsKeyword("if"))
        {
            Next();
            Expect(AwkTok.LParen);
            var test = Expr();
            Expect(AwkTok.RParen);
            Newlines();
            var then = Statement();
            var save = _at;
            Terminators();
            if (IsKeyword("else"))
            {
                Next();
                Newlines();
                return new AwkIf(test, then, Statement());
            }
            _at = save;
            return new AwkIf(test, then, null);
        }
        if (IsKeyword("while"))
        {
            Next();
            Expect(AwkTok.LParen);
            var test = Expr();
            Expect(AwkTok.RParen);
            if (Is(AwkTok.Semicolon)) { Next(); return new AwkWhile(test, new AwkBlock([])); }
            Newlines();
            return new AwkWhile(test, Loop(Statement));
        }
        if (IsKeyword("do"))
        {
            Next();
            Newlines();
            var body = Loop(Statement);
            Terminators();
            Expect(AwkTok.Keyword, "while");
            Expect(AwkTok.LParen);
            var test = Expr();
            Expect(AwkTok.RParen);
            EndSimple();
            return new AwkDo(body, test);
        }
        if (IsKeyword("for")) return For();
        var simple = Simple();
        EndSimple();
        return simple;
    }

    private AwkStmt Loop(Func<AwkStmt> body)
    {
        _loops++;
        var s = body();
        _loops--;
        return s;
    }

    private AwkStmt For()
    {
        Next();
        Expect(AwkTok.LParen);
        if (Is(AwkTok.Name) && _tokens[_at + 1].Kind == AwkTok.Keyword && _tokens[_at + 1].Text == "in"
            && _tokens[_at + 2].Kind == AwkTok.Name && _tokens[_at + 3].Kind == AwkTok.RParen)
        {
            var key = Variable(Next().Text);
            Next();
            var array = Variable(Next().Text);
            Next();
            Newlines();
            return new AwkForIn(key, array, Loop(Statement));
        }
        var init = Is(AwkTok.Semicolon) ? null : Simple();
        Expect(AwkTok.Semicolon);
        Newlines();
        var test = Is(AwkTok.Semicolon) ? null : Expr();
        Expect(AwkTok.Semicolon);
        Newlines();
        var step = Is(AwkTok.RParen) ? null : Simple();
        Expect(AwkTok.RParen);
        if (Is(AwkTok.Semicolon)) { Next(); return new AwkFor(init, test, step, new AwkBlock([])); }
        Newlines();
        return new AwkFor(init, test, step, Loop(Statement));
    }

    // A simple statement ends at ";", a newline, "}" or the end of the program.
    private void EndSimple()
    {
        if (Is(AwkTok.Semicolon) || Is(AwkTok.Newline)) { Next(); return; }
        if (Is(AwkTok.RBrace) || Is(AwkTok.End)) return;
        throw Error();
    }

    private bool AtEndOfSimple => Is(AwkTok.Semicolon) || Is(AwkTok.Newline) || Is(AwkTok.RBrace) || Is(AwkTok.End);

    private AwkStmt Simple()
    {
        if (Tok.Kind == AwkTok.Keyword)
        {
            var word = Tok.Text;
            switch (word)
            {
                case "print" or "printf": return Print();
                case "break" or "continue":
                    if (_loops == 0) throw new AwkSyntaxException($"line {Tok.Line}: {word} statement outside of loop");
                    Next();
                    return new AwkJumpStmt(word == "break" ? AwkJump.Break : AwkJump.Continue, null);
                case "next" or "nextfile":
                    Next();
                    return new AwkJumpStmt(word == "next" ? AwkJump.Next : AwkJump.NextFile, null);
                case "exit":
                    Next();
                    return new AwkJumpStmt(AwkJump.Exit, AtEndOfSimple ? null : Expr());
                case "return":
                    if (!_inFunction) throw new AwkSyntaxException($"line {Tok.Line}: return outside function body");
                    Next();
                    return new AwkJumpStmt(AwkJump.Return, AtEndOfSimple ? null : Expr());
                case "delete":
                    Next();
                    var array = Variable(Expect(AwkTok.Name).Text);
                    if (!Is(AwkTok.LBracket)) return new AwkDelete(array, null);
                    return new AwkDelete(array, Subscripts());
            }
        }
        return new AwkExprStmt(Expr());
    }

    private AwkStmt Print()
    {
        var formatted = Next().Text == "printf";
        List<AwkExpr> args = [];
        var save = _at;
        var grouped = false;
        if (Is(AwkTok.LParen))
        {
            Next();
            var inner = ExprList(AwkTok.RParen);
            if (Is(AwkTok.RParen))
            {
                Next();
                if (AtEndOfSimple || IsOp(">") || IsOp(">>") || IsOp("|"))
                {
                    args = inner;
                    grouped = true;
                }
            }
            if (!grouped) _at = save;
        }
        if (!grouped && !AtEndOfSimple && !IsOp(">") && !IsOp(">>") && !IsOp("|"))
        {
            _noGt = true;
            args = ExprList(null);
            _noGt = false;
        }
        if (formatted && args.Count == 0) throw Error();
        if (IsOp(">") || IsOp(">>") || IsOp("|"))
        {
            var redirect = Next().Text;
            return new AwkPrint(formatted, args, redirect, Concatenation());
        }
        return new AwkPrint(formatted, args, "", null);
    }

    private AwkVar Variable(string name)
    {
        if (_params is not null && _params.IndexOf(name) is var local and >= 0) return new AwkVar(name, true, local);
        if (_functions.ContainsKey(name)) throw new AwkSyntaxException($"line {Tok.Line}: function name {name} used as a variable");
        var slot = _globals.IndexOf(name);
        if (slot < 0)
        {
            slot = _globals.Count;
            _globals.Add(name);
        }
        return new AwkVar(name, false, slot);
    }
}
