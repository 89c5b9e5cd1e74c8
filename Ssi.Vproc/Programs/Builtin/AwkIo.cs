// Which parts of an awk program make system calls: they run as iterators, the rest as plain (fast) evaluation.
namespace Ssi.Vproc.Programs.Builtin;

public static class AwkIo
{
    private static readonly HashSet<string> IoBuiltins = ["close", "fflush", "system", "srand"];

    /// <summary>The direct subexpressions, in evaluation order.</summary>
    public static IEnumerable<AwkExpr> Children(AwkExpr e)
    {
        switch (e)
        {
            case AwkField f: yield return f.Index; break;
            case AwkIndex x: foreach (var s in x.Subscripts) yield return s; break;
            case AwkIn i: foreach (var s in i.Subscripts) yield return s; break;
            case AwkAssign a: yield return a.Target; yield return a.Value; break;
            case AwkCond c: yield return c.Test; yield return c.Then; yield return c.Else; break;
            case AwkBinary b: yield return b.Left; yield return b.Right; break;
            case AwkMatch m: yield return m.Left; yield return m.Regex; break;
            case AwkUnary u: yield return u.Operand; break;
            case AwkIncDec d: yield return d.Target; break;
            case AwkCall c: foreach (var a in c.Args) yield return a; break;
            case AwkBuiltin b: foreach (var a in b.Args) yield return a; break;
            case AwkGrouping g: foreach (var a in g.Items) yield return a; break;
            case AwkGetline g:
                if (g.Target is not null) yield return g.Target;
                if (g.Source is not null) yield return g.Source;
                break;
        }
    }

    /// <summary>Sets <see cref="AwkExpr.Io"/> and <see cref="AwkFunction.Io"/> over the whole program.</summary>
    public static void Mark(List<AwkRule> rules, Dictionary<string, AwkFunction> functions)
    {
        // A function makes calls if its body does, which may depend on the functions it calls: repeat until settled.
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var f in functions.Values)
            {
                var io = Stmt(f.Body, functions);
                if (io && !f.Io) { f.Io = true; changed = true; }
            }
        }
        foreach (var r in rules)
        {
            if (r.Pattern is not null) Expr(r.Pattern, functions);
            if (r.RangeEnd is not null) Expr(r.RangeEnd, functions);
            if (r.Action is not null) Stmt(r.Action, functions);
        }
    }

    private static bool Expr(AwkExpr e, Dictionary<string, AwkFunction> functions)
    {
        var io = e switch
        {
            AwkGetline => true,
            AwkBuiltin b => IoBuiltins.Contains(b.Name),
            AwkCall c => functions.TryGetValue(c.Name, out var f) && f.Io,
            _ => false,
        };
        foreach (var child in Children(e)) io |= Expr(child, functions);
        e.Io = io;
        return io;
    }

    private static bool Stmt(AwkStmt s, Dictionary<string, AwkFunction> functions)
    {
        var io = false;
        bool E(AwkExpr? e) => e is not null && Expr(e, functions);
        bool S(AwkStmt? st) => st is not null && Stmt(st, functions);
        switch (s)
        {
            case AwkExprStmt x: io = E(x.Expr); break;
            case AwkPrint p:
                foreach (var a in p.Args) io |= E(a);
                io |= E(p.Destination) | p.Redirect.Length > 0;
                break;
            case AwkIf i: io = E(i.Test) | S(i.Then) | S(i.Else); break;
            case AwkWhile w: io = E(w.Test) | S(w.Body); break;
            case AwkDo d: io = S(d.Body) | E(d.Test); break;
            case AwkFor f: io = S(f.Init) | E(f.Test) | S(f.Step) | S(f.Body); break;
            case AwkForIn f: io = S(f.Body); break;
            case AwkBlock b: foreach (var st in b.Body) io |= S(st); break;
            case AwkJumpStmt j: io = E(j.Value); break;
            case AwkDelete d: if (d.Subscripts is not null) foreach (var a in d.Subscripts) io |= E(a); break;
        }
        return io;
    }
}
