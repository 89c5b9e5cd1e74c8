// find's command line: starting points, global options and the expression, parsed into plain nodes with GNU find's messages.
using System.Globalization;
using System.Text.RegularExpressions;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

public abstract record FindNode;

public sealed record FindAnd(FindNode Left, FindNode Right) : FindNode;

public sealed record FindOr(FindNode Left, FindNode Right) : FindNode;

public sealed record FindNot(FindNode Operand) : FindNode;

/// <summary>A test or action by its name ("-name"), with its argument; <see cref="Number"/> for numeric ones, <see cref="Compare"/> '+', '-' or '='.</summary>
public sealed record FindPrimary(string Name, string Argument = "", long Number = 0, char Compare = '=') : FindNode
{
    /// <summary>-newer: the reference file's modification time, filled in once the file was stat'ed.</summary>
    public DateTimeOffset Time { get; set; }
}

/// <summary>-exec COMMAND ;, or -exec COMMAND {} + (<see cref="Batch"/>); <see cref="Id"/> numbers the batches.</summary>
public sealed record FindExec(string[] Command, bool Batch, int Id) : FindNode;

/// <summary>What one file looks like to the expression.</summary>
public sealed record FindFile(string Path, string Root, int Depth, InodeAttributes Attributes);

/// <summary>
/// A parsed find command line: the starting points, -maxdepth, -mindepth, -depth, -H/-L, and the expression with
/// -print added when it has no action, as GNU find does.
/// </summary>
public sealed class FindExpression
{
    private static readonly HashSet<string> Unary = ["-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-type", "-newer", "-perm", "-size", "-printf", "-mtime", "-mmin", "-uid", "-gid", "-regex", "-iregex"];
    private static readonly HashSet<string> Bare = ["-print", "-print0", "-true", "-false", "-prune", "-quit", "-delete", "-empty"];
    private static readonly HashSet<string> Actions = ["-print", "-print0", "-printf", "-exec", "-delete", "-quit"];

    private readonly List<string> _args;
    private int _at;
    private bool _hasAction;
    private int _batches;

    private FindExpression(List<string> args) => _args = args;

    public List<string> Roots { get; } = [];
    public FindNode Root { get; private set; } = new FindPrimary("-true");
    public int MaxDepth { get; private set; } = int.MaxValue;
    public int MinDepth { get; private set; }
    public bool DepthFirst { get; private set; }
    /// <summary>'P' (never follow symbolic links), 'H' (only the starting points) or 'L' (always).</summary>
    public char Follow { get; private set; } = 'P';
    public int Batches => _batches;

    /// <summary>Every -newer, whose reference file must be stat'ed before the walk.</summary>
    public List<FindPrimary> Newer { get; } = [];

    public bool NeedsTime { get; private set; }

    private sealed class FindError(string message) : Exception(message);

    public static (FindExpression? Expression, string? Error) Parse(IReadOnlyList<string> argv)
    {
        var e = new FindExpression([.. argv]);
        try
        {
            e.ParseAll();
            return (e, null);
        }
        catch (FindError error)
        {
            return (null, error.Message);
        }
    }

    private void ParseAll()
    {
        while (_at < _args.Count && _args[_at] is "-H" or "-L" or "-P")
            Follow = _args[_at++][1];
        while (_at < _args.Count && !StartsExpression(_args[_at])) Roots.Add(_args[_at++]);
        if (Roots.Count == 0) Roots.Add(".");
        if (_at < _args.Count)
        {
            var node = ParseOr();
            if (_at < _args.Count)
            {
                if (_args[_at] == ")") throw new FindError("you have too many ')'");
                throw new FindError($"paths must precede expression: `{_args[_at]}'");
            }
            Root = node;
        }
        if (!_hasAction) Root = Root is FindPrimary { Name: "-true" } ? new FindPrimary("-print") : new FindAnd(Root, new FindPrimary("-print"));
    }

    private static bool StartsExpression(string arg) => (arg.StartsWith('-') && arg.Length > 1) || arg is "(" or "!" or ")" or ",";

    private FindNode ParseOr()
    {
        var left = ParseAnd();
        while (_at < _args.Count && _args[_at] is "-o" or "-or")
        {
            _at++;
            if (_at >= _args.Count || _args[_at] == ")") throw new FindError($"invalid expression; you have used a binary operator '{_args[_at - 1]}' with nothing after it.");
            left = new FindOr(left, ParseAnd());
        }
        return left;
    }

    private FindNode ParseAnd()
    {
        var left = ParseUnary();
        while (_at < _args.Count && _args[_at] is not ("-o" or "-or" or ")"))
        {
            if (_args[_at] is "-a" or "-and")
            {
                _at++;
                if (_at >= _args.Count || _args[_at] is ")" or "-o" or "-or") throw new FindError($"invalid expression; you have used a binary operator '{_args[_at - 1]}' with nothing after it.");
            }
            left = new FindAnd(left, ParseUnary());
        }
        return left;
    }

    private FindNode ParseUnary()
    {
        var arg = _args[_at];
        if (arg is "!" or "-not")
        {
            _at++;
            if (_at >= _args.Count || _args[_at] is ")" or "-o" or "-or" or "-a" or "-and") throw new FindError($"expected an expression after '{arg}'");
            return new FindNot(ParseUnary());
        }
        if (arg == "(")
        {
            _at++;
            if (_at < _args.Count && _args[_at] == ")") throw new FindError("invalid expression; empty parentheses are not allowed.");
            if (_at >= _args.Count) throw new FindError("invalid expression; I was expecting to find a ')' somewhere but did not see one.");
            var inner = ParseOr();
            if (_at >= _args.Count || _args[_at] != ")") throw new FindError("invalid expression; I was expecting to find a ')' somewhere but did not see one.");
            _at++;
            return inner;
        }
        if (arg is "-o" or "-or" or "-a" or "-and") throw new FindError($"invalid expression; you have used a binary operator '{arg}' with nothing before it.");
        if (arg == ")") throw new FindError("you have too many ')'");
        _at++;
        return Primary(arg);
    }

    private string Argument(string name)
    {
        if (_at >= _args.Count) throw new FindError($"missing argument to `{name}'");
        return _args[_at++];
    }

    private FindNode Primary(string name)
    {
        if (Actions.Contains(name)) _hasAction = true;
        switch (name)
        {
            case "-maxdepth" or "-mindepth":
                var text = Argument(name);
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var depth))
                    throw new FindError($"Expected a positive decimal integer argument to {name}, but got {Io.Quote(text)}");
                if (name == "-maxdepth") MaxDepth = depth;
                else MinDepth = depth;
                return new FindPrimary("-true");
            case "-depth" or "-d":
                DepthFirst = true;
                return new FindPrimary("-true");
            case "-delete":
                DepthFirst = true;
                return new FindPrimary(name);
            case "-exec":
                return Exec();
            case "-type":
                var types = Argument(name);
                foreach (var part in types.Split(','))
                    if (part.Length != 1 || "fdlpcbs".IndexOf(part[0]) < 0) throw new FindError($"Unknown argument to -type: {part}");
                return new FindPrimary(name, types);
            case "-size":
                var size = Argument(name);
                var (compare, digits) = Signed(size);
                var unit = digits.Length > 0 && char.IsAsciiLetter(digits[^1]) ? digits[^1] : 'b';
                if (char.IsAsciiLetter(digits.Length > 0 ? digits[^1] : ' ')) digits = digits[..^1];
                if ("cwbkMG".IndexOf(unit) < 0 || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var units))
                    throw new FindError($"invalid -size type `{size}'");
                return new FindPrimary(name, unit.ToString(), units, compare);
            case "-mtime" or "-mmin" or "-uid" or "-gid":
                var number = Argument(name);
                var (sign, value) = Signed(number);
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) throw new FindError($"invalid argument `{number}' to `{name}'");
                NeedsTime |= name is "-mtime" or "-mmin";
                return new FindPrimary(name, "", n, sign);
            case "-perm":
                var mode = Argument(name);
                var kind = mode.Length > 0 && mode[0] is '-' or '/' ? mode[0] : '=';
                var bits = ModeText.Parse(kind == '=' ? mode : mode[1..], 0, 0);
                if (bits is null) throw new FindError($"invalid mode {Io.Quote(mode)}");
                return new FindPrimary(name, "", bits.Value, kind);
            case "-regex" or "-iregex":
                var pattern = Argument(name);
                var (translated, error) = PosixRegex.Translate(pattern, extended: false);
                if (error is not null) throw new FindError(error);
                return new FindPrimary(name, @"\A(?:" + translated + @")\z");
            case "-newer":
                var newer = new FindPrimary(name, Argument(name));
                Newer.Add(newer);
                return newer;
            default:
                if (Unary.Contains(name)) return new FindPrimary(name, Argument(name));
                if (Bare.Contains(name)) return new FindPrimary(name);
                if (!name.StartsWith('-')) throw new FindError($"paths must precede expression: `{name}'");
                throw new FindError($"unknown predicate `{name}'");
        }
    }

    private static (char Compare, string Digits) Signed(string text) =>
        text.Length > 0 && text[0] is '+' or '-' ? (text[0], text[1..]) : ('=', text);

    // -exec COMMAND ; and -exec COMMAND {} + (where {} must stand alone, just before the +).
    private FindExec Exec()
    {
        var start = _at;
        for (; _at < _args.Count; _at++)
        {
            var arg = _args[_at];
            if (arg == ";")
            {
                if (_at == start) break;
                var command = _args[start.._at].ToArray();
                _at++;
                return new FindExec(command, false, -1);
            }
            if (arg == "+" && _at > start && _args[_at - 1] == "{}")
            {
                var command = _args[start..(_at - 1)].ToArray();
                if (command.Length == 0) break;
                if (command.Any(a => a.Contains("{}"))) throw new FindError("Only one instance of {} is supported with -exec ... +");
                _at++;
                return new FindExec(command, true, _batches++);
            }
        }
        throw new FindError("missing argument to `-exec'");
    }

    // ---- the tests: pure decisions on one file ----

    /// <summary>The name -name matches: the last component, "/" for a path of only slashes.</summary>
    public static string NameOf(string path)
    {
        var trimmed = path.TrimEnd('/');
        return trimmed.Length == 0 ? (path.Length > 0 ? "/" : "") : trimmed[(trimmed.LastIndexOf('/') + 1)..];
    }

    public static bool Test(FindPrimary test, FindFile file, long nowMicroseconds)
    {
        var a = file.Attributes;
        return test.Name switch
        {
            "-true" => true,
            "-false" => false,
            "-name" => GlobMatch(test.Argument, NameOf(file.Path), false),
            "-iname" => GlobMatch(test.Argument, NameOf(file.Path), true),
            "-path" or "-wholename" => GlobMatch(test.Argument, file.Path, false),
            "-ipath" or "-iwholename" => GlobMatch(test.Argument, file.Path, true),
            "-regex" => Regex.IsMatch(file.Path, test.Argument, RegexOptions.Singleline | RegexOptions.CultureInvariant),
            "-iregex" => Regex.IsMatch(file.Path, test.Argument, RegexOptions.Singleline | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase),
            "-type" => test.Argument.Split(',').Any(t => t[0] == TypeLetter(a.Type)),
            "-newer" => a.Mtime > test.Time,
            "-perm" => test.Compare switch
            {
                '-' => (a.Mode & test.Number & 0xFFF) == test.Number,
                '/' => test.Number == 0 || (a.Mode & test.Number & 0xFFF) != 0,
                _ => (a.Mode & 0xFFF) == test.Number,
            },
            "-size" => Compare(SizeIn(a.Size, test.Argument[0]), test.Number, test.Compare),
            "-mtime" => Compare((nowMicroseconds - a.Mtime.ToUnixTimeMilliseconds() * 1000) / 86_400_000_000, test.Number, test.Compare),
            "-mmin" => Compare(CeilingMinutes(nowMicroseconds - a.Mtime.ToUnixTimeMilliseconds() * 1000), test.Number, test.Compare),
            "-uid" => Compare(a.Uid, test.Number, test.Compare),
            "-gid" => Compare(a.Gid, test.Number, test.Compare),
            "-empty" => a.Type == InodeType.Regular && a.Size == 0,
            _ => throw new InvalidOperationException(test.Name),
        };
    }

    private static long CeilingMinutes(long microseconds) => (microseconds + 59_999_999) / 60_000_000;

    private static bool Compare(long value, long n, char compare) => compare switch
    {
        '+' => value > n,
        '-' => value < n,
        _ => value == n,
    };

    // -size rounds up to whole units; 'b' is 512 bytes.
    private static long SizeIn(long bytes, char unit)
    {
        var per = unit switch { 'c' => 1L, 'w' => 2L, 'k' => 1024L, 'M' => 1L << 20, 'G' => 1L << 30, _ => 512L };
        return (bytes + per - 1) / per;
    }

    private static bool GlobMatch(string glob, string text, bool ignoreCase) =>
        Regex.IsMatch(text, Glob.ToRegex(glob), RegexOptions.CultureInvariant | RegexOptions.Singleline | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None));

    public static char TypeLetter(InodeType type) => type switch
    {
        InodeType.Directory => 'd',
        InodeType.Symlink => 'l',
        InodeType.Fifo => 'p',
        InodeType.CharDevice => 'c',
        InodeType.BlockDevice => 'b',
        _ => 'f',
    };
}
