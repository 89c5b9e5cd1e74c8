// The parsed shell script: plain records, so a running script can be forked and moved with the shell's state.
using System.Collections.Immutable;

namespace Ssi.Vproc.Programs.Shell;

/// <summary>
/// A node of a parsed script. Words are kept as their source text, quotes and all: <see cref="WordExpander"/>
/// interprets them when the command runs, as POSIX orders it (expansion happens at execution, not at parse time).
/// </summary>
public abstract record Command;

public sealed record Assignment(string Name, string Value);

public enum RedirectionKind
{
    Input,       // <
    Output,      // >
    Clobber,     // >|
    Append,      // >>
    ReadWrite,   // <>
    DupInput,    // <&
    DupOutput,   // >&
    HereDoc,     // << and <<-
}

/// <summary>The text of a here-document, filled in when the parser reaches the line after the operator.</summary>
public sealed class HereDocument
{
    public string Body { get; set; } = "";

    /// <summary>False when any part of the delimiter was quoted: the body is then taken literally.</summary>
    public bool Expand { get; init; }
}

/// <summary><c>n&lt;word</c> and its kin; <see cref="Fd"/> is -1 for the operator's default (0 or 1).</summary>
public sealed record Redirection(int Fd, RedirectionKind Kind, string Target, HereDocument? Document = null)
{
    public int Descriptor => Fd >= 0 ? Fd : Kind is RedirectionKind.Input or RedirectionKind.ReadWrite or RedirectionKind.DupInput or RedirectionKind.HereDoc ? 0 : 1;
}

public sealed record SimpleCommand(ImmutableArray<Assignment> Assignments, ImmutableArray<string> Words, ImmutableArray<Redirection> Redirections) : Command;

/// <summary>A pipeline; <see cref="Negated"/> for a leading <c>!</c>.</summary>
public sealed record Pipeline(ImmutableArray<Command> Stages, bool Negated) : Command;

/// <summary><c>a &amp;&amp; b</c> (<see cref="And"/>) or <c>a || b</c>.</summary>
public sealed record AndOr(Command Left, bool And, Command Right) : Command;

/// <summary>Commands run one after another (<c>;</c> or newline).</summary>
public sealed record Sequence(ImmutableArray<Command> Commands) : Command;

/// <summary><c>cmd &amp;</c>: run without waiting.</summary>
public sealed record Background(Command Body) : Command;

/// <summary>A compound command with the redirections after it (<c>{ ...; } &gt;file</c>).</summary>
public sealed record Redirected(Command Body, ImmutableArray<Redirection> Redirections) : Command;

public sealed record Subshell(Command Body) : Command;

public sealed record BraceGroup(Command Body) : Command;

public sealed record IfClause(ImmutableArray<(Command Condition, Command Body)> Branches, Command? Else) : Command;

/// <summary><c>while</c>, or <c>until</c> when <see cref="Until"/>.</summary>
public sealed record LoopClause(Command Condition, Command Body, bool Until) : Command;

/// <summary><c>for name [in words]; do body; done</c>; <see cref="Words"/> is default (not empty) for "$@".</summary>
public sealed record ForClause(string Name, ImmutableArray<string>? Words, Command Body) : Command;

public sealed record CaseItem(ImmutableArray<string> Patterns, Command? Body, bool FallThrough = false);

public sealed record CaseClause(string Word, ImmutableArray<CaseItem> Items) : Command;

public sealed record FunctionDefinition(string Name, Command Body) : Command;

/// <summary>Nothing to run (an empty script or a line of comments).</summary>
public sealed record EmptyCommand : Command
{
    public static readonly EmptyCommand Instance = new();
}
