// Commands back to text, for jobs and set -x, with words quoted the way dash prints them.
using System.Text;

namespace Ssi.Vproc.Programs.Shell;

public static class ShellText
{
    /// <summary>A word quoted so the shell would read it back as itself: bare when it is plain, else in single quotes.</summary>
    public static string Quote(string word)
    {
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/' or ',' or ':' or '+' or '@' or '%' or '=' or '^'))
            return word;
        return "'" + word.Replace("'", "'\\''") + "'";
    }

    public static string Trace(string ps4, List<KeyValuePair<string, string>> assignments, List<string> fields)
    {
        var s = new StringBuilder(ps4);
        var first = true;
        foreach (var (name, value) in assignments)
        {
            if (!first) s.Append(' ');
            s.Append(name).Append('=').Append(Quote(value));
            first = false;
        }
        foreach (var f in fields)
        {
            if (!first) s.Append(' ');
            s.Append(Quote(f));
            first = false;
        }
        return s.Append('\n').ToString();
    }

    /// <summary>A short text of a command, for a job's line in <c>jobs</c>.</summary>
    public static string Of(Command command) => command switch
    {
        SimpleCommand s => string.Join(' ', s.Assignments.Select(a => $"{a.Name}={a.Value}").Concat(s.Words).Concat(s.Redirections.Select(Of))),
        Pipeline p => (p.Negated ? "! " : "") + string.Join(" | ", p.Stages.Select(Of)),
        AndOr a => $"{Of(a.Left)} {(a.And ? "&&" : "||")} {Of(a.Right)}",
        Sequence q => string.Join("; ", q.Commands.Select(Of)),
        Background b => Of(b.Body) + " &",
        Redirected r => Of(r.Body) + " " + string.Join(' ', r.Redirections.Select(Of)),
        Subshell s => $"({Of(s.Body)})",
        BraceGroup g => $"{{ {Of(g.Body)}; }}",
        IfClause => "if ...; fi",
        LoopClause l => l.Until ? "until ...; done" : "while ...; done",
        ForClause f => $"for {f.Name} ...; done",
        CaseClause c => $"case {c.Word} in ...; esac",
        FunctionDefinition f => $"{f.Name}() {{ ... }}",
        _ => "",
    };

    private static string Of(Redirection r)
    {
        var op = r.Kind switch
        {
            RedirectionKind.Input => "<",
            RedirectionKind.Output => ">",
            RedirectionKind.Clobber => ">|",
            RedirectionKind.Append => ">>",
            RedirectionKind.ReadWrite => "<>",
            RedirectionKind.DupInput => "<&",
            RedirectionKind.DupOutput => ">&",
            _ => "<<",
        };
        return (r.Fd >= 0 ? r.Fd.ToString() : "") + op + r.Target;
    }
}
