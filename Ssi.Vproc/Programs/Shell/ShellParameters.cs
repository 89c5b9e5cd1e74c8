// Parameter expansion: $name, the special parameters, and every ${...} form.
using System.Text;

namespace Ssi.Vproc.Programs.Shell;

public sealed partial class ShellInterpreter
{
    private IEnumerable<SystemCall> AddParameter(string name, Mode mode, List<Piece> into)
    {
        if (name is "@" or "*")
        {
            var args = State.Positional;
            if (mode == Mode.Unquoted || name == "@" && mode == Mode.DoubleQuoted)
            {
                if (args.Length == 0) _emptyAt = mode == Mode.DoubleQuoted;
                for (var k = 0; k < args.Length; k++)
                {
                    if (k > 0) into.Add(new Piece("", PieceKind.FieldBreak));
                    AddExpansion(into, args[k], mode);
                }
            }
            else
            {
                var ifs = State.Get("IFS");
                var separator = ifs is null ? " " : ifs.Length > 0 ? ifs[..1] : "";
                AddExpansion(into, string.Join(separator, args), mode);
            }
            yield break;
        }
        var value = Parameter(name);
        if (value is null && State.NoUnset && name != "!")
        {
            Abort($"{name}: parameter not set", 2);
            yield break;
        }
        AddExpansion(into, value ?? "", mode);
    }

    /// <summary>The value of a parameter ($1, $#, $?, HOME...), or null when unset.</summary>
    public string? Parameter(string name)
    {
        if (name.Length > 0 && name.All(char.IsAsciiDigit))
        {
            var n = int.Parse(name);
            if (n == 0) return State.ArgZero;
            return n <= State.Positional.Length ? State.Positional[n - 1] : null;
        }
        return name switch
        {
            "#" => State.Positional.Length.ToString(),
            "?" => State.LastStatus.ToString(),
            "-" => State.OptionLetters,
            "$" => State.ShellPid.ToString(),
            "!" => State.LastBackground >= 0 ? State.LastBackground.ToString() : null,
            "@" or "*" => State.Positional.Length > 0 ? string.Join(" ", State.Positional) : null,
            _ => State.Get(name),
        };
    }

    private static readonly string[] ParameterOperators = [":-", ":=", ":?", ":+", "-", "=", "?", "+", "%%", "%", "##", "#"];

    /// <summary>${...}: the text between the braces.</summary>
    private IEnumerable<SystemCall> ParameterExpansion(string body, Mode mode, List<Piece> into)
    {
        if (body.Length > 1 && body[0] == '#' && body != "#" && !(body.Length > 1 && body[1] is '-' or '=' or '?' or '+' && body.Length > 2))
        {
            var lengthOf = body[1..];
            if (!IsParameterName(lengthOf))
            {
                Abort($"${{{body}}}: bad substitution", 2);
                yield break;
            }
            var v = lengthOf is "@" or "*" ? State.Positional.Length.ToString() : null;
            if (v is null)
            {
                var value = Parameter(lengthOf);
                if (value is null && State.NoUnset)
                {
                    Abort($"{lengthOf}: parameter not set", 2);
                    yield break;
                }
                v = new System.Globalization.StringInfo(value ?? "").LengthInTextElements.ToString();
            }
            AddExpansion(into, v, mode);
            yield break;
        }
        var nameEnd = ParameterNameEnd(body);
        var name = body[..nameEnd];
        if (name.Length == 0)
        {
            Abort($"${{{body}}}: bad substitution", 2);
            yield break;
        }
        if (nameEnd == body.Length)
        {
            foreach (var call in AddParameter(name, mode, into)) yield return call;
            yield break;
        }
        var rest = body[nameEnd..];
        var op = ParameterOperators.FirstOrDefault(o => rest.StartsWith(o, StringComparison.Ordinal));
        if (op is null)
        {
            Abort($"${{{body}}}: bad substitution", 2);
            yield break;
        }
        var word = rest[op.Length..];
        var isSet = name is "@" or "*" ? State.Positional.Length > 0 : Parameter(name) is not null;
        var ifsNow = State.Get("IFS");
        var joiner = name == "*" && mode != Mode.Unquoted ? (ifsNow is null ? " " : ifsNow.Length > 0 ? ifsNow[..1] : "") : " ";
        var current = name is "@" or "*" ? (State.Positional.Length > 0 ? string.Join(joiner, State.Positional) : null) : Parameter(name);
        var nullOrUnset = !isSet || op.StartsWith(':') && string.IsNullOrEmpty(current) && !(name == "@" && State.Positional.Length > 1);
        switch (op)
        {
            case ":-" or "-":
                if (nullOrUnset)
                    foreach (var call in ScanOperand(word, mode, into)) yield return call;
                else
                    foreach (var call in AddParameter(name, mode, into)) yield return call;
                yield break;
            case ":+" or "+":
                if (!nullOrUnset)
                    foreach (var call in ScanOperand(word, mode, into)) yield return call;
                yield break;
            case ":=" or "=":
                if (nullOrUnset)
                {
                    if (!ShellParser.IsName(name))
                    {
                        Abort($"{name}: bad variable name", 2);
                        yield break;
                    }
                    var pieces = new List<Piece>();
                    foreach (var call in Scan(word, mode, pieces, tilde: mode == Mode.Unquoted, assignment: false)) yield return call;
                    var assigned = Join(pieces, " ");
                    if (!State.Set(name, assigned))
                    {
                        Abort($"{name}: is read only", 2);
                        yield break;
                    }
                    AddExpansion(into, assigned, mode);
                }
                else
                    foreach (var call in AddParameter(name, mode, into)) yield return call;
                yield break;
            case ":?" or "?":
                if (nullOrUnset)
                {
                    var pieces = new List<Piece>();
                    foreach (var call in Scan(word, mode, pieces, tilde: mode == Mode.Unquoted, assignment: false)) yield return call;
                    var message = Join(pieces, " ");
                    Abort($"{name}: {(message.Length > 0 ? message : isSet ? "parameter null or not set" : "parameter not set")}", 2);
                    yield break;
                }
                foreach (var call in AddParameter(name, mode, into)) yield return call;
                yield break;
            default:
                if (current is null && State.NoUnset)
                {
                    Abort($"{name}: parameter not set", 2);
                    yield break;
                }
                var patternPieces = new List<Piece>();
                foreach (var call in Scan(word, mode == Mode.Unquoted ? Mode.Unquoted : Mode.Unquoted, patternPieces, tilde: true, assignment: false)) yield return call;
                var pattern = PatternOf(patternPieces);
                if (name is "@" or "*" && mode == Mode.DoubleQuoted && name == "@")
                {
                    var args = State.Positional;
                    if (args.Length == 0) _emptyAt = true;
                    for (var k = 0; k < args.Length; k++)
                    {
                        if (k > 0) into.Add(new Piece("", PieceKind.FieldBreak));
                        AddExpansion(into, ShellPattern.Strip(args[k], pattern, suffix: op[0] == '%', longest: op.Length == 2), mode);
                    }
                    yield break;
                }
                AddExpansion(into, ShellPattern.Strip(current ?? "", pattern, suffix: op[0] == '%', longest: op.Length == 2), mode);
                yield break;
        }
    }

    /// <summary>
    /// The word of ${x:-word} and ${x:+word}: unquoted, its own text is split like an expansion's result
    /// (${u:-a b} is two fields), while its quoted parts stay whole.
    /// </summary>
    private IEnumerable<SystemCall> ScanOperand(string word, Mode mode, List<Piece> into)
    {
        var pieces = new List<Piece>();
        foreach (var call in Scan(word, mode, pieces, tilde: mode == Mode.Unquoted, assignment: _inAssignment)) yield return call;
        foreach (var piece in pieces) into.Add(piece.Kind == PieceKind.Literal ? piece with { Kind = PieceKind.Expanded } : piece);
    }

    /// <summary>Set while an assignment's value expands, so ~ after ':' inside ${x-...} expands too.</summary>
    private bool _inAssignment;

    private static bool IsParameterName(string name) =>
        ShellParser.IsName(name) || name.Length > 0 && name.All(char.IsAsciiDigit) || name is "@" or "*" or "#" or "?" or "-" or "$" or "!";

    private static int ParameterNameEnd(string body)
    {
        if (body.Length == 0) return 0;
        if (char.IsAsciiLetter(body[0]) || body[0] == '_')
        {
            var k = 1;
            while (k < body.Length && (char.IsAsciiLetterOrDigit(body[k]) || body[k] == '_')) k++;
            return k;
        }
        if (char.IsAsciiDigit(body[0]))
        {
            var k = 1;
            while (k < body.Length && char.IsAsciiDigit(body[k])) k++;
            return k;
        }
        return body[0] is '@' or '*' or '#' or '?' or '-' or '$' or '!' ? 1 : 0;
    }
}
