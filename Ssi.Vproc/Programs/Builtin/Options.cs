// Short options as getopt(3) reads them, with GNU's permutation: options may follow operands, "--" ends them.
namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// The parsed command line of a program: plain data, so a program may keep it across system calls.
/// <see cref="Error"/> holds getopt's complaint ("invalid option -- 'x'") when the line is bad.
/// </summary>
public sealed class Options
{
    public HashSet<char> Flags { get; } = [];
    /// <summary>Every argument given to each option, in order ("-e a -e b").</summary>
    public Dictionary<char, List<string>> Values { get; } = [];
    public List<string> Operands { get; } = [];
    public string? Error { get; private set; }

    public bool Has(char flag) => Flags.Contains(flag);

    /// <summary>The option's last argument, as getopt loops leave it.</summary>
    public string? Value(char option) => Values.TryGetValue(option, out var all) ? all[^1] : null;

    private void Add(char option, string value)
    {
        if (!Values.TryGetValue(option, out var all)) Values[option] = all = [];
        all.Add(value);
    }

    /// <summary>
    /// Parses <paramref name="args"/> (without argv[0]). <paramref name="spec"/> lists the option letters, a letter
    /// followed by ':' takes an argument ("n:" reads "-n 5" and "-n5"). A lone "-" is an operand.
    /// </summary>
    public static Options Parse(IEnumerable<string> args, string spec)
    {
        var o = new Options();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            if (arg == "--")
            {
                o.Operands.AddRange(list.Skip(i + 1));
                break;
            }
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                o.Error ??= $"unrecognized option '{arg}'";
                continue;
            }
            if (arg.Length < 2 || arg[0] != '-')
            {
                o.Operands.Add(arg);
                continue;
            }
            for (var j = 1; j < arg.Length; j++)
            {
                var letter = arg[j];
                var at = spec.IndexOf(letter);
                if (at < 0 || letter == ':')
                {
                    o.Error ??= $"invalid option -- '{letter}'";
                    continue;
                }
                if (at + 1 < spec.Length && spec[at + 1] == ':')
                {
                    if (j + 1 < arg.Length) o.Add(letter, arg[(j + 1)..]);
                    else if (i + 1 < list.Count) o.Add(letter, list[++i]);
                    else o.Error ??= $"option requires an argument -- '{letter}'";
                    o.Flags.Add(letter);
                    break;
                }
                o.Flags.Add(letter);
            }
        }
        return o;
    }
}
