// Command lines as getopt_long(3) reads them for GNU programs: clustered short options, "--", long options, permutation.
namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// What a tool accepts. <see cref="Short"/> is getopt's string ("n:qv": -n takes an argument; "i::": -i takes one only attached; a leading '+': options end at the first operand). Each of
/// <see cref="Long"/> is "name" (a flag of its own), "name:" (takes an argument: "--name=V" or "--name V"),
/// "name::" (an optional argument, only as "--name=V"), or "name=c", a synonym of -c that takes what -c takes.
/// "help" and "version" need not be listed: every tool answers --help with its <see cref="Usage"/>.
/// </summary>
/// <param name="FailStatus">The exit status of a bad command line (1 for most coreutils, 2 for sort and grep).</param>
public sealed record OptionSpec(string Short, string[] Long, string Usage, int FailStatus = 1)
{
    public OptionSpec(string Short, string Usage, int FailStatus = 1) : this(Short, [], Usage, FailStatus)
    {
    }

    /// <summary>A usage line that a bad command line repeats before "Try ... --help" (grep's habit, not coreutils').</summary>
    public string Synopsis { get; init; } = "";

    public Options Parse(string[] argv) => Options.Parse(argv.Skip(1), this);
}

/// <summary>One option as given: its short letter or long name (for long-only options), and its argument if any.</summary>
public sealed record GivenOption(string Name, string? Value);

/// <summary>
/// The parsed command line of a program: plain data, so a program may keep it across system calls. Options keep their
/// order (the last of "-c 3 -n 1" wins, "-k" keys apply in turn). <see cref="Error"/> holds getopt's complaint
/// ("invalid option -- 'x'") when the line is bad.
/// </summary>
public sealed class Options
{
    public List<GivenOption> Given { get; } = [];
    public List<string> Operands { get; } = [];
    public string? Error { get; private set; }

    /// <summary>--help was given (and the line was otherwise good up to it).</summary>
    public bool WantsHelp => Has("help");

    public bool Has(char flag) => Has(flag.ToString());

    public bool Has(string name) => Given.Exists(g => g.Name == name);

    /// <summary>The option's last argument, as getopt loops leave it.</summary>
    public string? Value(char option) => Value(option.ToString());

    public string? Value(string name) => Given.FindLast(g => g.Name == name)?.Value;

    /// <summary>Every argument given to the option, in order ("-e a -e b").</summary>
    public List<string> All(char option) => [.. Given.Where(g => g.Name == option.ToString() && g.Value is not null).Select(g => g.Value!)];

    /// <summary>Which of <paramref name="letters"/> was given last, or null for none ("-c 3 -n 1": 'n').</summary>
    public char? LastOf(string letters) => Given.FindLast(g => g.Name.Length == 1 && letters.Contains(g.Name[0]))?.Name[0];

    /// <summary>Short options only, as before long options were known: kept for the tools that declare no <see cref="OptionSpec"/>.</summary>
    public static Options Parse(IEnumerable<string> args, string shortSpec) => Parse(args, new OptionSpec(shortSpec, ""));

    /// <summary>Parses <paramref name="args"/> (without argv[0]). A lone "-" is an operand; options may follow operands.</summary>
    public static Options Parse(IEnumerable<string> args, OptionSpec spec)
    {
        var o = new Options();
        var list = args.ToList();
        for (var i = 0; i < list.Count && o.Error is null; i++)
        {
            var arg = list[i];
            if (arg == "--")
            {
                o.Operands.AddRange(list.Skip(i + 1));
                break;
            }
            if (arg.StartsWith("--", StringComparison.Ordinal)) i = o.ReadLong(list, i, spec);
            else if (arg.Length < 2 || arg[0] != '-')
            {
                // "+..." (getopt's POSIXLY_CORRECT): options end at the first operand, as xargs and env need.
                if (spec.Short.StartsWith('+'))
                {
                    o.Operands.AddRange(list.Skip(i));
                    break;
                }
                o.Operands.Add(arg);
            }
            else i = o.ReadShort(list, i, spec.Short);
        }
        return o;
    }

    // -abc, -k2, -k 2; returns the index of the last argument used.
    private int ReadShort(List<string> list, int i, string spec)
    {
        var arg = list[i];
        for (var j = 1; j < arg.Length; j++)
        {
            var letter = arg[j];
            var at = spec.IndexOf(letter);
            if (at < 0 || letter is ':' or '+')
            {
                Error = $"invalid option -- '{letter}'";
                return i;
            }
            // "x::": an optional argument, only attached ("-iSUFFIX"), as getopt reads it.
            if (at + 2 < spec.Length && spec[at + 1] == ':' && spec[at + 2] == ':')
            {
                Given.Add(new GivenOption(letter.ToString(), j + 1 < arg.Length ? arg[(j + 1)..] : null));
                return i;
            }
            if (at + 1 < spec.Length && spec[at + 1] == ':')
            {
                if (j + 1 < arg.Length) Given.Add(new GivenOption(letter.ToString(), arg[(j + 1)..]));
                else if (i + 1 < list.Count) Given.Add(new GivenOption(letter.ToString(), list[++i]));
                else Error = $"option requires an argument -- '{letter}'";
                return i;
            }
            Given.Add(new GivenOption(letter.ToString(), null));
        }
        return i;
    }

    // --name, --name=value, --name value, or an unambiguous prefix of a name.
    private int ReadLong(List<string> list, int i, OptionSpec spec)
    {
        var arg = list[i][2..];
        var equals = arg.IndexOf('=');
        var typed = equals < 0 ? arg : arg[..equals];
        var inline = equals < 0 ? null : arg[(equals + 1)..];
        var known = spec.Long.Select(l => LongOption.Of(l, spec.Short)).ToList();
        // Only a tool with a usage text answers --help.
        if (spec.Usage.Length > 0) known.Add(LongOption.Help);
        var option = known.Find(k => k.Name == typed);
        if (option is null)
        {
            var candidates = known.Where(k => k.Name.StartsWith(typed, StringComparison.Ordinal)).ToList();
            if (candidates.Count == 0)
            {
                Error = $"unrecognized option '--{arg}'";
                return i;
            }
            // Synonyms of one letter are one option, as getopt_long judges.
            if (candidates.Select(c => (c.Key, c.Argument)).Distinct().Count() > 1)
            {
                Error = $"option '--{typed}' is ambiguous; possibilities:" + string.Concat(candidates.Select(c => $" '--{c.Name}'"));
                return i;
            }
            option = candidates[0];
        }
        switch (option.Argument)
        {
            case LongArgument.None when inline is not null:
                Error = $"option '--{option.Name}' doesn't allow an argument";
                break;
            case LongArgument.Required when inline is null:
                if (i + 1 < list.Count) Given.Add(new GivenOption(option.Key, list[++i]));
                else Error = $"option '--{option.Name}' requires an argument";
                break;
            default:
                Given.Add(new GivenOption(option.Key, inline));
                break;
        }
        return i;
    }

    private enum LongArgument
    {
        None,
        Required,
        Optional,
    }

    private sealed record LongOption(string Name, string Key, LongArgument Argument)
    {
        public static readonly LongOption Help = new("help", "help", LongArgument.None);

        public static LongOption Of(string declared, string shortSpec)
        {
            var equals = declared.IndexOf('=');
            if (equals >= 0)
            {
                var letter = declared[equals + 1];
                var at = shortSpec.IndexOf(letter);
                var takes = at >= 0 && at + 1 < shortSpec.Length && shortSpec[at + 1] == ':';
                return new LongOption(declared[..equals], letter.ToString(), takes ? LongArgument.Required : LongArgument.None);
            }
            var name = declared.TrimEnd(':');
            var colons = declared.Length - name.Length;
            return new LongOption(name, name, colons switch { 0 => LongArgument.None, 1 => LongArgument.Required, _ => LongArgument.Optional });
        }
    }
}
