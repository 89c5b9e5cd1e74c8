// awk's built-in functions without system calls: strings, regex substitution, split, arithmetic and rand.
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

public sealed partial class AwkInterpreter
{
    private double _seed;
    private ulong _rand;

    private AwkValue Builtin(AwkBuiltin b)
    {
        var a = b.Args;
        switch (b.Name)
        {
            case "length":
                if (a.Count == 0) return AwkValue.Of(Record().Length);
                if (a[0] is AwkVar v && CellOf(v).Array is { } array) return AwkValue.Of(array.Count);
                return AwkValue.Of(Text(Eval(a[0])).Length);
            case "substr": return AwkValue.Of(Substr(a));
            case "index":
            {
                var s = Text(Eval(Arg(a, 0, 2, b.Name)));
                return AwkValue.Of(s.IndexOf(Text(Eval(a[1])), StringComparison.Ordinal) + 1);
            }
            case "split": return Split(a);
            case "sub" or "gsub": return Substitute(a, b.Name == "gsub");
            case "match":
            {
                var s = Text(Eval(Arg(a, 0, 2, b.Name)));
                var m = AwkRegex.Get(RegexSource(a[1])).Match(s);
                _globals[RSTART].Value = AwkValue.Of(m.Success ? m.Index + 1 : 0);
                _globals[RLENGTH].Value = AwkValue.Of(m.Success ? m.Length : -1);
                return _globals[RSTART].Value;
            }
            case "sprintf":
            {
                if (a.Count == 0) throw new AwkRuntimeException("sprintf: no format");
                var values = a.Select(Eval).ToList();
                return AwkValue.Of(AwkFormat.Sprintf(Text(values[0]), values.GetRange(1, values.Count - 1), Global(CONVFMT)));
            }
            case "sin": return AwkValue.Of(Math.Sin(Number(a, b.Name)));
            case "cos": return AwkValue.Of(Math.Cos(Number(a, b.Name)));
            case "exp": return AwkValue.Of(Math.Exp(Number(a, b.Name)));
            case "log": return AwkValue.Of(Math.Log(Number(a, b.Name)));
            case "sqrt": return AwkValue.Of(Math.Sqrt(Number(a, b.Name)));
            case "int": return AwkValue.Of(Math.Truncate(Number(a, b.Name)));
            case "atan2":
            {
                var y = Eval(Arg(a, 0, 2, b.Name)).ToNumber();
                return AwkValue.Of(Math.Atan2(y, Eval(a[1]).ToNumber()));
            }
            case "rand":
                // xorshift64*: the state is one number, so it survives a snapshot; 53 bits make [0, 1).
                _rand ^= _rand >> 12;
                _rand ^= _rand << 25;
                _rand ^= _rand >> 27;
                if (_rand == 0) _rand = 0x9E3779B97F4A7C15;
                return AwkValue.Of(((_rand * 0x2545F4914F6CDD1D) >> 11) / (double)(1UL << 53));
            case "tolower": return AwkValue.Of(Text(Eval(Arg(a, 0, 1, b.Name))).ToLowerInvariant());
            case "toupper": return AwkValue.Of(Text(Eval(Arg(a, 0, 1, b.Name))).ToUpperInvariant());
        }
        throw new AwkRuntimeException($"function {b.Name} needs input or output here");
    }

    private static AwkExpr Arg(List<AwkExpr> args, int i, int needed, string name) =>
        args.Count >= needed && i < args.Count ? args[i] : throw new AwkRuntimeException($"not enough arguments in call to {name}");

    private double Number(List<AwkExpr> args, string name) => Eval(Arg(args, 0, 1, name)).ToNumber();

    // POSIX: the characters from position m (rounded) for n (rounded) of them, clipped to the string.
    private string Substr(List<AwkExpr> a)
    {
        var s = Text(Eval(Arg(a, 0, 2, "substr")));
        var m = Math.Round(Eval(a[1]).ToNumber(), MidpointRounding.ToEven);
        var end = a.Count > 2 ? m + Math.Round(Eval(a[2]).ToNumber(), MidpointRounding.ToEven) : double.PositiveInfinity;
        if (double.IsNaN(m) || double.IsNaN(end)) return "";
        var from = Math.Max(m, 1);
        var to = Math.Min(end, s.Length + 1);
        return to <= from ? "" : s.Substring((int)from - 1, (int)(to - from));
    }

    private AwkValue Split(List<AwkExpr> a)
    {
        var s = Text(Eval(Arg(a, 0, 2, "split")));
        if (a[1] is not AwkVar target) throw new AwkRuntimeException("split: second argument is not an array");
        List<string> parts;
        if (a.Count < 3) parts = AwkSplit.Fields(s, Global(FS));
        else if (a[2] is AwkRegexLit r) parts = r.Source.Length == 0 ? AwkSplit.Fields(s, "") : AwkSplit.Fields(s, r.Source, regex: true);
        else parts = AwkSplit.Fields(s, Text(Eval(a[2])));
        var array = ArrayOf(target);
        array.Clear();
        for (var i = 0; i < parts.Count; i++) array[(i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)] = AwkValue.Input(parts[i]);
        return AwkValue.Of(parts.Count);
    }

    /// <summary>sub and gsub: in the replacement &amp; is the match, \&amp; a literal &amp;, \\ a backslash.</summary>
    private AwkValue Substitute(List<AwkExpr> a, bool global)
    {
        var regex = AwkRegex.Get(RegexSource(Arg(a, 0, 2, global ? "gsub" : "sub")));
        var replacement = Text(Eval(a[1]));
        var target = a.Count > 2 ? a[2] : new AwkField(new AwkNum(0));
        var place = target is AwkVar or AwkIndex or AwkField ? Locate(target) : (Place?)null;
        var text = Text(place is { } at ? Get(at) : Eval(target));
        var s = new StringBuilder();
        var count = 0;
        var pos = 0;
        var lastEnd = -1;
        while (pos <= text.Length)
        {
            var m = regex.Match(text, pos);
            if (!m.Success) break;
            if (m.Length == 0 && m.Index == lastEnd)
            {
                // No empty match right after a match: step over one character.
                if (m.Index >= text.Length) break;
                s.Append(text, pos, m.Index - pos + 1);
                pos = m.Index + 1;
                continue;
            }
            s.Append(text, pos, m.Index - pos);
            Replace(s, replacement, m.Value);
            count++;
            if (m.Length == 0)
            {
                if (m.Index < text.Length) s.Append(text[m.Index]);
                pos = m.Index + 1;
            }
            else pos = lastEnd = m.Index + m.Length;
            if (!global) break;
        }
        if (count == 0) return AwkValue.Of(0);
        if (pos < text.Length) s.Append(text, pos, text.Length - pos);
        if (place is { } p) Set(p, AwkValue.Of(s.ToString()));
        return AwkValue.Of(count);
    }

    private static void Replace(StringBuilder s, string replacement, string matched)
    {
        for (var i = 0; i < replacement.Length; i++)
        {
            var c = replacement[i];
            if (c == '\\' && i + 1 < replacement.Length && replacement[i + 1] is '&' or '\\')
            {
                s.Append(replacement[++i]);
                continue;
            }
            if (c == '&') s.Append(matched);
            else s.Append(c);
        }
    }
}
