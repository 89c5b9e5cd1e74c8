// awk's grammar, bottom half: expressions by precedence, from assignment down to grouping.
namespace Ssi.Vproc.Programs.Builtin;

public sealed partial class AwkParser
{
    // In a print's list, ">" redirects instead of comparing (unless inside parentheses).
    private bool _noGt;

    private static readonly HashSet<string> AssignOps = ["=", "+=", "-=", "*=", "/=", "%=", "^="];

    private static bool IsLvalue(AwkExpr e) => e is AwkVar or AwkField or AwkIndex;

    private List<AwkExpr> ExprList(AwkTok? closer)
    {
        var list = new List<AwkExpr>();
        if (closer is { } c && Is(c)) return list;
        while (true)
        {
            list.Add(Expr());
            if (!Is(AwkTok.Comma)) return list;
            Next();
            Newlines();
        }
    }

    private List<AwkExpr> Subscripts()
    {
        Expect(AwkTok.LBracket);
        var saved = _noGt;
        _noGt = false;
        var subscripts = ExprList(null);
        _noGt = saved;
        Expect(AwkTok.RBracket);
        return subscripts;
    }

    private AwkExpr Expr()
    {
        var left = Ternary();
        if (Tok.Kind == AwkTok.Op && AssignOps.Contains(Tok.Text) && IsLvalue(left))
        {
            var op = Next().Text;
            Newlines();
            return new AwkAssign(left, op == "=" ? "" : op[..^1], Expr());
        }
        return left;
    }

    private AwkExpr Ternary()
    {
        var test = Or();
        if (!IsOp("?")) return test;
        Next();
        Newlines();
        var then = Expr();
        Newlines();
        if (!IsOp(":")) throw Error();
        Next();
        Newlines();
        return new AwkCond(test, then, Expr());
    }

    private AwkExpr Or()
    {
        var left = And();
        while (IsOp("||"))
        {
            Next();
            Newlines();
            left = new AwkBinary("||", left, And());
        }
        return left;
    }

    private AwkExpr And()
    {
        var left = In();
        while (IsOp("&&"))
        {
            Next();
            Newlines();
            left = new AwkBinary("&&", left, In());
        }
        return left;
    }

    private AwkExpr In()
    {
        var left = Match();
        while (IsKeyword("in"))
        {
            Next();
            var array = Variable(Expect(AwkTok.Name).Text);
            left = new AwkIn(left is AwkGrouping g ? g.Items : [left], array);
        }
        if (left is AwkGrouping) throw Error();
        return left;
    }

    private AwkExpr Match()
    {
        var left = Comparison();
        while (IsOp("~") || IsOp("!~"))
        {
            var negated = Next().Text == "!~";
            left = new AwkMatch(left, Comparison(), negated);
        }
        return left;
    }

    private AwkExpr Comparison()
    {
        var left = Concatenation();
        while (IsOp("|") && _tokens[_at + 1] is { Kind: AwkTok.Keyword, Text: "getline" })
        {
            _at += 2;
            left = new AwkGetline(AwkGetlineSource.Command, GetlineTarget(), left);
        }
        if (Tok.Kind == AwkTok.Op && Tok.Text is "<" or "<=" or "==" or "!=" or ">=" || (IsOp(">") && !_noGt))
        {
            var op = Next().Text;
            return new AwkBinary(op, left, Concatenation());
        }
        return left;
    }

    private AwkExpr Concatenation()
    {
        var left = Additive();
        while (StartsOperand())
            left = new AwkBinary(" ", left, Additive());
        return left;
    }

    // Juxtaposition concatenates when the next token can only start an operand (not + or -, which are binary here).
    private bool StartsOperand() => Tok.Kind switch
    {
        AwkTok.Number or AwkTok.String or AwkTok.Regex or AwkTok.Name or AwkTok.FuncName or AwkTok.Builtin or AwkTok.LParen => true,
        AwkTok.Op => Tok.Text is "$" or "++" or "--",
        _ => false,
    };

    private AwkExpr Additive()
    {
        var left = Multiplicative();
        while (IsOp("+") || IsOp("-"))
        {
            var op = Next().Text;
            left = new AwkBinary(op, left, Multiplicative());
        }
        return left;
    }

    private AwkExpr Multiplicative()
    {
        var left = Unary();
        while (IsOp("*") || IsOp("/") || IsOp("%"))
        {
            var op = Next().Text;
            left = new AwkBinary(op, left, Unary());
        }
        return left;
    }

    private AwkExpr Unary()
    {
        if (IsOp("!") || IsOp("-") || IsOp("+"))
        {
            var op = Next().Text;
            return new AwkUnary(op, Unary());
        }
        return Power();
    }

    // ^ is right-associative and binds tighter than unary minus, but its right side may be signed: 2^-1.
    private AwkExpr Power()
    {
        var left = Postfix();
        if (!IsOp("^")) return left;
        Next();
        return new AwkBinary("^", left, PowerOperand());
    }

    private AwkExpr PowerOperand()
    {
        if (IsOp("-") || IsOp("+") || IsOp("!"))
        {
            var op = Next().Text;
            return new AwkUnary(op, PowerOperand());
        }
        return Power();
    }

    private AwkExpr Postfix()
    {
        if (IsOp("++") || IsOp("--"))
        {
            var delta = Next().Text == "++" ? 1 : -1;
            var target = Postfix();
            if (!IsLvalue(target)) throw Error();
            return new AwkIncDec(target, true, delta);
        }
        var e = Primary();
        if (IsLvalue(e) && (IsOp("++") || IsOp("--")))
            return new AwkIncDec(e, false, Next().Text == "++" ? 1 : -1);
        return e;
    }

    private AwkExpr Primary()
    {
        var t = Tok;
        switch (t.Kind)
        {
            case AwkTok.Number: Next(); return new AwkNum(t.Number);
            case AwkTok.String: Next(); return new AwkStr(t.Text);
            case AwkTok.Regex: Next(); return new AwkRegexLit(t.Text);
            case AwkTok.LParen:
            {
                Next();
                var saved = _noGt;
                _noGt = false;
                Newlines();
                var items = ExprList(null);
                Newlines();
                _noGt = saved;
                Expect(AwkTok.RParen);
                if (items.Count > 1)
                {
                    if (!IsKeyword("in")) throw Error();
                    return new AwkGrouping(items);
                }
                return items[0] is AwkVar or AwkIndex or AwkField ? new AwkBinary("()", items[0], new AwkNum(0)) : items[0];
            }
            case AwkTok.Op when t.Text == "$":
                Next();
                if (IsOp("++") || IsOp("--") || IsOp("-"))
                {
                    if (IsOp("-")) { Next(); return new AwkField(new AwkUnary("-", Primary())); }
                    var delta = Next().Text == "++" ? 1 : -1;
                    var target = Primary();
                    if (!IsLvalue(target)) throw Error();
                    return new AwkField(new AwkIncDec(target, true, delta));
                }
                return new AwkField(Primary());
            case AwkTok.Name:
            {
                Next();
                var v = Variable(t.Text);
                return Is(AwkTok.LBracket) ? new AwkIndex(v, Subscripts()) : v;
            }
            case AwkTok.FuncName:
            {
                Next();
                if (!_functions.ContainsKey(t.Text) && _params?.Contains(t.Text) == true) throw Error();
                var call = new AwkCall(t.Text, Arguments(), t.Line);
                _calls.Add(call);
                return call;
            }
            case AwkTok.Builtin:
                Next();
                if (t.Text == "length" && !Is(AwkTok.LParen)) return new AwkBuiltin("length", []);
                return new AwkBuiltin(t.Text, Arguments());
            case AwkTok.Keyword when t.Text == "getline":
            {
                Next();
                var target = GetlineTarget();
                if (!IsOp("<")) return new AwkGetline(AwkGetlineSource.Main, target, null);
                Next();
                return new AwkGetline(AwkGetlineSource.File, target, Postfix());
            }
        }
        throw Error();
    }

    // getline's variable: a name, an element or a field, if one follows.
    private AwkExpr? GetlineTarget()
    {
        if (Is(AwkTok.Name))
        {
            var v = Variable(Next().Text);
            return Is(AwkTok.LBracket) ? new AwkIndex(v, Subscripts()) : v;
        }
        if (IsOp("$"))
        {
            Next();
            return new AwkField(Primary());
        }
        return null;
    }

    private List<AwkExpr> Arguments()
    {
        Expect(AwkTok.LParen);
        var saved = _noGt;
        _noGt = false;
        Newlines();
        var args = ExprList(AwkTok.RParen);
        Newlines();
        _noGt = saved;
        Expect(AwkTok.RParen);
        return args;
    }
}
