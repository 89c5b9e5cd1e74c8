// Everything a running shell knows: variables, positional parameters, functions, options, jobs and traps.
using System.Collections.Immutable;

namespace Ssi.Vproc.Programs.Shell;

public sealed class ShellVariable
{
    public string? Value { get; set; }
    public bool Exported { get; set; }
    public bool ReadOnly { get; set; }
}

/// <summary>How control leaves the command running now: <c>break</c>, <c>continue</c>, <c>return</c> or <c>exit</c>.</summary>
public enum Flow
{
    Normal,
    Break,
    Continue,
    Return,
    Exit,
}

/// <summary>A job of the shell's: the processes of one pipeline started together.</summary>
public sealed class ShellJob
{
    public int Number { get; init; }
    public int ProcessGroup { get; init; }
    public required string Text { get; init; }
    public List<int> Pids { get; init; } = [];
    /// <summary>Wait statuses by PID, once known.</summary>
    public Dictionary<int, int> Statuses { get; init; } = [];
    public bool Stopped { get; set; }
    public bool Reported { get; set; }

    public bool Done => Pids.All(Statuses.ContainsKey) && !Stopped;

    /// <summary>The job's status as $? reports it: its last process's.</summary>
    public int LastStatus => Statuses.TryGetValue(Pids[^1], out var s) ? s : 0;
}

/// <summary>
/// The shell's state. Plain data (see docs/programs.md), so a shell forks and migrates with its variables,
/// functions and jobs; the parsed script it runs is in the same snapshot.
/// </summary>
public sealed class ShellState
{
    public Dictionary<string, ShellVariable> Variables { get; } = new(StringComparer.Ordinal);
    public string[] Positional { get; set; } = [];
    public string ArgZero { get; set; } = "sh";
    public Dictionary<string, Command> Functions { get; } = new(StringComparer.Ordinal);

    public int LastStatus { get; set; }
    public int ShellPid { get; set; }
    public int LastBackground { get; set; } = -1;

    // set -e -u -x -f -C -n -v, and -i / -m for an interactive shell with job control.
    public bool ErrExit { get; set; }
    public bool NoUnset { get; set; }
    public bool XTrace { get; set; }
    public bool NoGlob { get; set; }
    public bool NoClobber { get; set; }
    public bool NoExec { get; set; }
    public bool Verbose { get; set; }
    public bool AllExport { get; set; }
    public bool Interactive { get; set; }
    public bool Monitor { get; set; }

    /// <summary>Above zero while a command runs where set -e does not apply (a condition, an &amp;&amp;/|| operand, after !).</summary>
    public int ErrExitSuppressed { get; set; }

    public Flow Flow { get; set; }
    public int FlowCount { get; set; }
    public int LoopDepth { get; set; }
    public int FunctionDepth { get; set; }

    /// <summary>True in a child that only runs one command and exits (a pipeline stage, a subshell): its last command can exec in place.</summary>
    public bool IsSubshell { get; set; }

    /// <summary>Trap actions by signal number; 0 is EXIT. An empty action ignores the signal.</summary>
    public Dictionary<int, string> Traps { get; } = [];
    public List<int> PendingSignals { get; } = [];

    /// <summary>Signals an interactive shell handles or ignores for itself, which its children get back as default.</summary>
    public List<int> OwnSignals { get; } = [];
    public bool InTrap { get; set; }

    public List<ShellJob> Jobs { get; } = [];

    /// <summary>The variables each running function made local, with what they held before, innermost last.</summary>
    public List<List<(string Name, ShellVariable? Old)>> Locals { get; } = [];

    /// <summary>Depth of . scripts running, where return ends the script.</summary>
    public int DotDepth { get; set; }

    /// <summary>The terminal's descriptor when job control is on, and the shell's own process group.</summary>
    public int ShellProcessGroup { get; set; }

    public string? Get(string name) => Variables.TryGetValue(name, out var v) ? v.Value : null;

    public bool IsSet(string name) => Variables.TryGetValue(name, out var v) && v.Value is not null;

    /// <summary>Sets a variable; false if it is read-only.</summary>
    public bool Set(string name, string value, bool export = false)
    {
        if (!Variables.TryGetValue(name, out var v)) Variables[name] = v = new ShellVariable();
        if (v.ReadOnly) return false;
        v.Value = value;
        if (export || AllExport) v.Exported = true;
        return true;
    }

    public string Ifs => Get("IFS") ?? " \t\n";

    /// <summary>The environment a program started now gets: the exported variables that have a value.</summary>
    public ImmutableDictionary<string, string> Environment(IEnumerable<KeyValuePair<string, string>>? extra = null)
    {
        var env = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (name, v) in Variables)
            if (v.Exported && v.Value is not null) env[name] = v.Value;
        if (extra is not null)
            foreach (var (name, value) in extra) env[name] = value;
        return env.ToImmutable();
    }

    /// <summary>$- : the letters of the options that are on.</summary>
    public string OptionLetters =>
        string.Concat(
            ErrExit ? "e" : "", NoGlob ? "f" : "", Interactive ? "i" : "", Monitor ? "m" : "", NoExec ? "n" : "",
            NoUnset ? "u" : "", Verbose ? "v" : "", XTrace ? "x" : "", NoClobber ? "C" : "", AllExport ? "a" : "");
}
