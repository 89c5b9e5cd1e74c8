// $(( )) : C's integer expressions over shell variables, with 64-bit signed arithmetic as dash and bash have.
namespace Ssi.Vproc.Programs.Shell;

public sealed class ShellArithmeticError(string message) : Exception(message);

/// <summary>
/// Evaluates an arithmetic expression after its parameter expansion: numbers (decimal, 0octal, 0xhex), variables
/// (an unset or empty one is 0; a value is itself evaluated), the unary, binary, ternary and assignment operators
/// of C, pre- and post-increment, and the comma. The branch not taken by <c>&amp;&amp; || ?:</c> has no side effect.
/// </summary>
public sealed class ShellArithmetic
{
    private readonly string _s;
    private readonly ShellState _state;
    private readonly int _depth;
    private int _pos;

    private ShellArithmetic(string s, ShellState state, int depth)
    {
        _s = s;
        _state = state;
        _depth = depth;
    }

    public static long Evaluate(string expression, ShellState state, int depth = 0)
    {
        if (depth > 64) throw new ShellArithmeticError("expression recursion level exceeded");
        var a = new ShellArithmetic(expression, state, depth);
        a.Skip();
        if (a._pos >= a._s.Length) return 0;
        var value = a.Comma(true);
        a.Skip();
        if (a._pos < a._s.Length) throw new ShellArithmeticError($"syntax error: \"{expression.Trim()}\"");
        return value;
    }

    private long Comma(bool run)
    {
        var v = Assign(run);
        while (Eat(",")) v = Assign(run);
        return v;
    }

    private static readonly string[] AssignOps = ["<<=", ">>=", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "="];

    private long Assign(bool run)
    {
        Skip();
        var save = _pos;
        if (Name() is { } name)
        {
            Skip();
            foreach (var op in AssignOps)
            {
                if (!At(op) || op == "=" && At("==")) continue;
                _pos += op.Length;
                var right = Assign(run);
                if (!run) return 0;
                var value = op == "=" ? right : Binary(op[..^1], Variable(name), right);
                Store(name, value);
                return value;
            }
        }
        _pos = save;
        return Ternary(run);
    }

    private long Ternary(bool run)
    {
        var condition = Or(run);
        if (!Eat("?")) return condition;
        var yes = Comma(run && condition != 0);
        if (!Eat(":")) throw new ShellArithmeticError("expecting ':'");
        var no = Assign(run && condition == 0);
        return condition != 0 ? yes : no;
    }

    private long Or(bool run)
    {
        var v = And(run);
        while (At("||"))
        {
            _pos += 2;
            var right = And(run && v == 0);
            v = v != 0 || right != 0 ? 1 : 0;
        }
        return v;
    }

    private long And(bool run)
    {
        var v = Level(0, run);
        while (At("&&"))
        {
            _pos += 2;
            var right = Level(0, run && v != 0);
            v = v != 0 && right != 0 ? 1 : 0;
        }
        return v;
    }

    private static readonly string[][] Levels =
    [
        ["|"], ["^"], ["&"], ["==", "!="], ["<=", ">=", "<", ">"], ["<<", ">>"], ["+", "-"], ["*", "/", "%"],
    ];

    private long Level(int level, bool run)
    {
        if (level == Levels.Length) return Unary(run);
        var v = Level(level + 1, run);
        while (true)
        {
            Skip();
            var op = Levels[level].FirstOrDefault(o => At(o) && !IsLongerOperator(o));
            if (op is null) return v;
            _pos += op.Length;
            var right = Level(level + 1, run);
            v = run ? Binary(op, v, right) : 0;
        }
    }

    /// <summary>"|" is not "||", "&amp;" not "&amp;&amp;", "&lt;" not "&lt;&lt;" or "&lt;=", and none of them is an assignment.</summary>
    private bool IsLongerOperator(string op)
    {
        var after = _pos + op.Length < _s.Length ? _s[_pos + op.Length] : '\0';
        return op switch
        {
            "|" => after is '|' or '=',
            "&" => after is '&' or '=',
            "^" or "*" or "/" or "%" => after == '=',
            "+" => after is '=' or '+',
            "-" => after is '=' or '-',
            "<" => after is '<' or '=',
            ">" => after is '>' or '=',
            "<<" or ">>" => after == '=',
            _ => false,
        };
    }

    private static long Binary(string op, long a, long b) => op switch
    {
        "|" => a | b,
        "^" => a ^ b,
        "&" => a & b,
        "==" => a == b ? 1 : 0,
        "!=" => a != b ? 1 : 0,
        "<" => a < b ? 1 : 0,
        "<=" => a <= b ? 1 : 0,
        ">" => a > b ? 1 : 0,
        ">=" => a >= b ? 1 : 0,
        "<<" => a << (int)(b & 63),
        ">>" => a >> (int)(b & 63),
        "+" => unchecked(a + b),
        "-" => unchecked(a - b),
        "*" => unchecked(a * b),
        "/" => b == 0 ? throw new ShellArithmeticError("division by zero") : a == long.MinValue && b == -1 ? a : a / b,
        "%" => b == 0 ? throw new ShellArithmeticError("division by zero") : b == -1 ? 0 : a % b,
        _ => throw new ShellArithmeticError($"unknown operator {op}"),
    };

    private long Unary(bool run)
    {
        Skip();
        if (At("++") || At("--"))
        {
            var op = _s[_pos];
            _pos += 2;
            Skip();
            var name = Name() ?? throw new ShellArithmeticError("syntax error: operand expected");
            if (!run) return 0;
            var value = Variable(name) + (op == '+' ? 1 : -1);
            Store(name, value);
            return value;
        }
        if (_pos < _s.Length && _s[_pos] is '+' or '-' or '!' or '~')
        {
            var op = _s[_pos++];
            var v = Unary(run);
            return op switch { '-' => unchecked(-v), '!' => v == 0 ? 1 : 0, '~' => ~v, _ => v };
        }
        return Postfix(run);
    }

    private long Postfix(bool run)
    {
        Skip();
        if (Eat("("))
        {
            var v = Comma(run);
            if (!Eat(")")) throw new ShellArithmeticError("expecting ')'");
            return v;
        }
        if (_pos < _s.Length && char.IsAsciiDigit(_s[_pos])) return Number();
        var name = Name();
        if (name is null)
            throw new ShellArithmeticError(_pos >= _s.Length ? "syntax error: operand expected" : $"syntax error: \"{_s[_pos..].Trim()}\"");
        Skip();
        if (At("++") || At("--"))
        {
            var op = _s[_pos];
            _pos += 2;
            if (!run) return 0;
            var old = Variable(name);
            Store(name, old + (op == '+' ? 1 : -1));
            return old;
        }
        return run ? Variable(name) : 0;
    }

    private long Number()
    {
        var start = _pos;
        while (_pos < _s.Length && (char.IsAsciiLetterOrDigit(_s[_pos]) || _s[_pos] == '#' || _s[_pos] == '_')) _pos++;
        return Parse(_s[start.._pos]) ?? throw new ShellArithmeticError($"invalid number \"{_s[start.._pos]}\"");
    }

    /// <summary>A number as C writes it (and bash's BASE#digits); null if it is not one.</summary>
    public static long? Parse(string text)
    {
        try
        {
            if (text.Length == 0) return null;
            var hash = text.IndexOf('#');
            if (hash > 0)
            {
                var radix = int.Parse(text[..hash]);
                if (radix is < 2 or > 64) return null;
                long v = 0;
                foreach (var c in text[(hash + 1)..])
                {
                    var d = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetterLower(c) ? c - 'a' + 10 : char.IsAsciiLetterUpper(c) ? c - 'A' + (radix <= 36 ? 10 : 36) : c == '@' ? 62 : c == '_' ? 63 : 99;
                    if (d >= radix) return null;
                    v = unchecked(v * radix + d);
                }
                return v;
            }
            if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) return text.Length > 2 ? Convert.ToInt64(text[2..], 16) : null;
            if (text.Length > 1 && text[0] == '0') return text.All(c => c is >= '0' and <= '7') ? Convert.ToInt64(text, 8) : null;
            if (!text.All(char.IsAsciiDigit)) return null;
            return ulong.TryParse(text, out var u) ? unchecked((long)u) : long.MaxValue;
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return null;
        }
    }

    private long Variable(string name)
    {
        var value = _state.Get(name);
        if (value is null)
        {
            if (_state.NoUnset) throw new ShellArithmeticError($"{name}: parameter not set");
            return 0;
        }
        var trimmed = value.Trim();
        if (trimmed.Length == 0) return 0;
        if (Parse(trimmed.TrimStart('-', '+')) is { } n && trimmed.Length > 0) return trimmed[0] == '-' ? unchecked(-n) : n;
        return Evaluate(trimmed, _state, _depth + 1);
    }

    private void Store(string name, long value)
    {
        if (!_state.Set(name, value.ToString())) throw new ShellArithmeticError($"{name}: is read only");
    }

    private string? Name()
    {
        Skip();
        var start = _pos;
        if (_pos < _s.Length && (char.IsAsciiLetter(_s[_pos]) || _s[_pos] == '_'))
            while (_pos < _s.Length && (char.IsAsciiLetterOrDigit(_s[_pos]) || _s[_pos] == '_')) _pos++;
        return _pos > start ? _s[start.._pos] : null;
    }

    private bool At(string op)
    {
        Skip();
        return string.CompareOrdinal(_s, _pos, op, 0, op.Length) == 0;
    }

    private bool Eat(string op)
    {
        if (!At(op)) return false;
        _pos += op.Length;
        return true;
    }

    private void Skip()
    {
        while (_pos < _s.Length && char.IsWhiteSpace(_s[_pos])) _pos++;
    }
}
