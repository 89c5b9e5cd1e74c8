// awk's expressions: plain evaluation, and the iterator form for those that contain getline or another system call.
namespace Ssi.Vproc.Programs.Builtin;

public sealed partial class AwkInterpreter
{
    // The value of the last EvalIo, and of the last EvalIoAll.
    private AwkValue _io;
    private List<AwkValue> _ioAll = [];
    // Values of subexpressions with system calls, worked out by EvalIo just before Eval of their parent reads them.
    // (Held as objects: a snapshot keeps the identity of an object's references, not of those inside a value tuple.)
    private readonly List<Worked> _done = [];

    private sealed record Worked(AwkExpr Expr, AwkValue Value);

    /// <summary>Evaluates an expression into <see cref="_io"/>, making the system calls it needs.</summary>
    private IEnumerable<SystemCall> EvalIo(AwkExpr e)
    {
        if (!e.Io)
        {
            _io = Eval(e);
            yield break;
        }
        switch (e)
        {
            case AwkGetline g:
                foreach (var call in Getline(g)) yield return call;
                break;
            case AwkBinary { Op: "&&" or "||" } b:
            {
                foreach (var call in EvalIo(b.Left)) yield return call;
                var left = _io.ToBool();
                if (b.Op == "&&" ? !left : left)
                {
                    _io = AwkValue.Of(left);
                    break;
                }
                foreach (var call in EvalIo(b.Right)) yield return call;
                _io = AwkValue.Of(_io.ToBool());
                break;
            }
            case AwkCond c:
                foreach (var call in EvalIo(c.Test)) yield return call;
                foreach (var call in EvalIo(_io.ToBool() ? c.Then : c.Else)) yield return call;
                break;
            case AwkCall c when _program.Functions[c.Name].Io:
            {
                var values = new List<AwkValue?>();
                for (var i = 0; i < c.Args.Count; i++)
                {
                    if (c.Args[i] is AwkVar v && CellOf(v) is var cell && (cell.Array is not null || cell.Value.Kind == AwkKind.Uninit))
                    {
                        values.Add(null);
                        continue;
                    }
                    foreach (var call in EvalIo(c.Args[i])) yield return call;
                    values.Add(_io);
                }
                foreach (var call in Call(c, values)) yield return call;
                break;
            }
            case AwkBuiltin b when b.Name is "close" or "fflush" or "system" or "srand":
                foreach (var call in EvalIoAll(b.Args)) yield return call;
                foreach (var call in IoBuiltin(b.Name, _ioAll)) yield return call;
                break;
            default:
            {
                var pending = new List<Worked>();
                foreach (var child in AwkIo.Children(e).ToArray())
                {
                    if (!child.Io) continue;
                    foreach (var call in EvalIo(child)) yield return call;
                    pending.Add(new Worked(child, _io));
                }
                _done.AddRange(pending);
                _io = Compute(e);
                break;
            }
        }
    }

    // The subexpressions with system calls evaluated ahead, for a plain Eval of the list to read (each once) after.
    private IEnumerable<SystemCall> Precompute(List<AwkExpr> list)
    {
        var pending = new List<Worked>();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].Io) continue;
            foreach (var call in EvalIo(list[i])) yield return call;
            pending.Add(new Worked(list[i], _io));
        }
        _done.AddRange(pending);
    }

    private IEnumerable<SystemCall> EvalIoAll(List<AwkExpr> list)
    {
        var values = new List<AwkValue>();
        for (var i = 0; i < list.Count; i++)
        {
            foreach (var call in EvalIo(list[i])) yield return call;
            values.Add(_io);
        }
        _ioAll = values;
    }

    private AwkValue Eval(AwkExpr e)
    {
        if (e.Io)
        {
            var at = _done.FindLastIndex(d => ReferenceEquals(d.Expr, e));
            if (at < 0) throw new InvalidOperationException("an expression with I/O was evaluated without it");
            var value = _done[at].Value;
            _done.RemoveAt(at);
            return value;
        }
        return Compute(e);
    }

    // The value of e itself; its subexpressions with system calls were worked out ahead by EvalIo.
    private AwkValue Compute(AwkExpr e)
    {
        switch (e)
        {
            case AwkNum n: return AwkValue.Of(n.Value);
            case AwkStr s: return AwkValue.Of(s.Value);
            case AwkRegexLit r: return AwkValue.Of(AwkRegex.Get(r.Source).IsMatch(Record()));
            case AwkVar v: return GetVar(v);
            case AwkField f: return GetField(FieldIndex(f));
            case AwkIndex or AwkIncDec or AwkAssign: return Assignment(e);
            case AwkIn i: return AwkValue.Of(ArrayOf(i.Array).ContainsKey(Subscript(i.Subscripts)));
            case AwkCond c: return Eval(c.Test).ToBool() ? Eval(c.Then) : Eval(c.Else);
            case AwkBinary b: return Binary(b);
            case AwkMatch m:
            {
                var text = Text(Eval(m.Left));
                return AwkValue.Of(AwkRegex.Get(RegexSource(m.Regex)).IsMatch(text) != m.Negated);
            }
            case AwkUnary u:
            {
                var v = Eval(u.Operand);
                return u.Op switch { "!" => AwkValue.Of(!v.ToBool()), "-" => AwkValue.Of(-v.ToNumber()), _ => AwkValue.Of(v.ToNumber()) };
            }
            case AwkCall c: return CallNow(c);
            case AwkBuiltin b: return Builtin(b);
        }
        throw new AwkRuntimeException("syntax error: a grouping that is not before 'in'");
    }

    private AwkValue Assignment(AwkExpr e)
    {
        switch (e)
        {
            case AwkIndex x:
                return Get(new Place(null, ArrayOf(x.Array), Subscript(x.Subscripts), -1));
            case AwkIncDec d:
            {
                var place = Locate(d.Target);
                var old = Get(place).ToNumber();
                Set(place, AwkValue.Of(old + d.Delta));
                return AwkValue.Of(d.Prefix ? old + d.Delta : old);
            }
            case AwkAssign a when a.Op.Length == 0:
            {
                // The value first: in $0 = ... a field index must not see the old record split.
                var value = Eval(a.Value);
                var place = Locate(a.Target);
                Set(place, value);
                return value;
            }
            default:
            {
                var a = (AwkAssign)e;
                var place = Locate(a.Target);
                var left = Get(place).ToNumber();
                var right = Eval(a.Value).ToNumber();
                var value = AwkValue.Of(Arithmetic(a.Op, left, right));
                Set(place, value);
                return value;
            }
        }
    }

    private AwkValue Binary(AwkBinary b)
    {
        switch (b.Op)
        {
            case "()": return Eval(b.Left);
            case "&&": return AwkValue.Of(Eval(b.Left).ToBool() && Eval(b.Right).ToBool());
            case "||": return AwkValue.Of(Eval(b.Left).ToBool() || Eval(b.Right).ToBool());
            case " ":
            {
                var left = Text(Eval(b.Left));
                return AwkValue.Of(left + Text(Eval(b.Right)));
            }
            case "<" or "<=" or "==" or "!=" or ">" or ">=":
            {
                var left = Eval(b.Left);
                var c = Compare(left, Eval(b.Right));
                return AwkValue.Of(b.Op switch { "<" => c < 0, "<=" => c <= 0, "==" => c == 0, "!=" => c != 0, ">" => c > 0, _ => c >= 0 });
            }
            default:
            {
                var left = Eval(b.Left).ToNumber();
                return AwkValue.Of(Arithmetic(b.Op, left, Eval(b.Right).ToNumber()));
            }
        }
    }

    private static double Arithmetic(string op, double left, double right) => op switch
    {
        "+" => left + right,
        "-" => left - right,
        "*" => left * right,
        "/" => right == 0 ? throw new AwkRuntimeException("division by zero") : left / right,
        "%" => right == 0 ? throw new AwkRuntimeException("division by zero in %") : left % right, // C's fmod
        _ => Math.Pow(left, right),
    };

    // POSIX: numbers (and numeric input) compare as numbers; if either side is a string, both compare as strings.
    private int Compare(AwkValue left, AwkValue right)
    {
        var numeric = (left.IsNumeric || left.Kind == AwkKind.Uninit) && (right.IsNumeric || right.Kind == AwkKind.Uninit);
        if (numeric) return left.ToNumber().CompareTo(right.ToNumber());
        return string.CompareOrdinal(Text(left), Text(right)) switch { < 0 => -1, > 0 => 1, _ => 0 };
    }

    private string RegexSource(AwkExpr e) => e is AwkRegexLit r ? r.Source : Text(Eval(e));
}
