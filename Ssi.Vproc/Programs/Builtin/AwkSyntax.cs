// The parsed awk program: expressions, statements, rules and functions, as plain records the interpreter walks.
namespace Ssi.Vproc.Programs.Builtin;

/// <summary>An expression. <see cref="Io"/> marks those that need system calls (getline, close, srand...) somewhere inside.</summary>
public abstract record AwkExpr
{
    public bool Io { get; set; }
}

public sealed record AwkNum(double Value) : AwkExpr;

public sealed record AwkStr(string Value) : AwkExpr;

/// <summary>/re/: a regex where one is expected, $0 ~ /re/ elsewhere.</summary>
public sealed record AwkRegexLit(string Source) : AwkExpr;

/// <summary>A variable: a global's slot, or a function parameter's.</summary>
public sealed record AwkVar(string Name, bool Local, int Slot) : AwkExpr;

public sealed record AwkField(AwkExpr Index) : AwkExpr;

public sealed record AwkIndex(AwkVar Array, List<AwkExpr> Subscripts) : AwkExpr;

public sealed record AwkIn(List<AwkExpr> Subscripts, AwkVar Array) : AwkExpr;

/// <summary>Target op= Value; Op is "" for plain assignment, else one of + - * / % ^.</summary>
public sealed record AwkAssign(AwkExpr Target, string Op, AwkExpr Value) : AwkExpr;

public sealed record AwkCond(AwkExpr Test, AwkExpr Then, AwkExpr Else) : AwkExpr;

/// <summary>Op: + - * / % ^, " " (concatenation), &lt; &lt;= == != &gt; &gt;=, &amp;&amp;, ||.</summary>
public sealed record AwkBinary(string Op, AwkExpr Left, AwkExpr Right) : AwkExpr;

public sealed record AwkMatch(AwkExpr Left, AwkExpr Regex, bool Negated) : AwkExpr;

/// <summary>Op: ! - +.</summary>
public sealed record AwkUnary(string Op, AwkExpr Operand) : AwkExpr;

public sealed record AwkIncDec(AwkExpr Target, bool Prefix, int Delta) : AwkExpr;

public sealed record AwkCall(string Name, List<AwkExpr> Args, int Line) : AwkExpr;

public sealed record AwkBuiltin(string Name, List<AwkExpr> Args) : AwkExpr;

public enum AwkGetlineSource
{
    Main,
    File,
    Command,
}

public sealed record AwkGetline(AwkGetlineSource From, AwkExpr? Target, AwkExpr? Source) : AwkExpr;

/// <summary>(a, b) before "in"; nowhere else.</summary>
public sealed record AwkGrouping(List<AwkExpr> Items) : AwkExpr;

public abstract record AwkStmt;

public sealed record AwkExprStmt(AwkExpr Expr) : AwkStmt;

/// <summary>print or printf; Redirect is "", "&gt;", "&gt;&gt;" or "|".</summary>
public sealed record AwkPrint(bool Formatted, List<AwkExpr> Args, string Redirect, AwkExpr? Destination) : AwkStmt;

public sealed record AwkIf(AwkExpr Test, AwkStmt Then, AwkStmt? Else) : AwkStmt;

public sealed record AwkWhile(AwkExpr Test, AwkStmt Body) : AwkStmt;

public sealed record AwkDo(AwkStmt Body, AwkExpr Test) : AwkStmt;

public sealed record AwkFor(AwkStmt? Init, AwkExpr? Test, AwkStmt? Step, AwkStmt Body) : AwkStmt;

public sealed record AwkForIn(AwkVar Key, AwkVar Array, AwkStmt Body) : AwkStmt;

public sealed record AwkBlock(List<AwkStmt> Body) : AwkStmt;

public enum AwkJump
{
    Break,
    Continue,
    Next,
    NextFile,
    Exit,
    Return,
}

public sealed record AwkJumpStmt(AwkJump Jump, AwkExpr? Value) : AwkStmt;

/// <summary>delete a[k], or delete a (Subscripts null).</summary>
public sealed record AwkDelete(AwkVar Array, List<AwkExpr>? Subscripts) : AwkStmt;

public enum AwkRuleKind
{
    Begin,
    End,
    Main,
}

/// <summary>A pattern-action pair; a range has both patterns; a missing action prints $0.</summary>
public sealed record AwkRule(AwkRuleKind Kind, AwkExpr? Pattern, AwkExpr? RangeEnd, AwkStmt? Action);

public sealed record AwkFunction(string Name, List<string> Params, AwkStmt Body)
{
    public bool Io { get; set; }
}

public sealed record AwkProgram(List<AwkRule> Rules, Dictionary<string, AwkFunction> Functions, List<string> Globals);
