// true, false, echo, sleep: the smallest programs of /bin.
using System.Globalization;
using System.Text;
using Ssi.Actors.Identity;

namespace Ssi.Vproc.Programs.Builtin;

public sealed class True : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield break;
    }
}

public sealed class False : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new Exit(1);
    }
}

/// <summary>echo [-n] [-e] ARGS...</summary>
public sealed class Echo : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var args = p.Args.Skip(1).ToList();
        var newline = true;
        var escapes = false;
        while (args.Count > 0 && args[0] is "-n" or "-e" or "-E" or "-ne" or "-en")
        {
            if (args[0].Contains('n')) newline = false;
            if (args[0].Contains('e')) escapes = true;
            if (args[0] == "-E") escapes = false;
            args.RemoveAt(0);
        }
        var text = string.Join(' ', args);
        if (escapes) text = text.Replace("\\n", "\n").Replace("\\t", "\t").Replace("\\\\", "\\");
        yield return Io.Out(newline ? text + "\n" : text);
        if (p.Failed) yield return new Exit(1);
    }
}

/// <summary>sleep NUMBER[smhd]...: the sum of its arguments.</summary>
public sealed class Sleep : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        if (p.Args.Length < 2)
        {
            yield return Io.Complain(p, "missing operand");
            yield return new Exit(1);
            yield break;
        }
        var total = TimeSpan.Zero;
        for (var i = 1; i < p.Args.Length; i++)
        {
            var arg = p.Args[i];
            if (Parse(arg) is not { } d)
            {
                yield return Io.Complain(p, $"invalid time interval '{arg}'");
                yield return new Exit(1);
                yield break;
            }
            total += d;
        }
        yield return new Programs.Sleep(total);
        if (p.Failed) yield return new Exit(1);
    }

    internal static TimeSpan? Parse(string text)
    {
        var unit = text.Length > 0 && char.IsLetter(text[^1]) ? text[^1] : 's';
        var number = char.IsLetter(unit) && text.Length > 0 && char.IsLetter(text[^1]) ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || double.IsNaN(value)) return null;
        var seconds = unit switch { 's' => value, 'm' => value * 60, 'h' => value * 3600, 'd' => value * 86400, _ => double.NaN };
        return double.IsNaN(seconds) || seconds > TimeSpan.MaxValue.TotalSeconds / 2 ? null : TimeSpan.FromSeconds(seconds);
    }
}
