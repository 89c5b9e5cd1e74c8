// test and [: GNU's expression grammar (POSIX's rules for up to four arguments, then -a/-o precedence), exit 0, 1 or 2.
using System.Globalization;
using System.Numerics;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// test EXPRESSION, [ EXPRESSION ]: strings, integers (-l STRING too) and files (-e -f -d -s -b -c -p -h -L -S -u -g
/// -k, -nt -ot -ef) through stat(2). A file's stat is asked before the expression is judged, since judging is pure:
/// the program stats every argument that can name a file. -r -w -x -O -G judge the stat against the process's
/// effective ids (asked only when one of them is used), as faccessat(AT_EACCESS) would; -t FD asks isatty(3) of each
/// number among the arguments.
/// </summary>
public sealed class Test : Program
{
    private const string Usage = """
        Usage: test EXPRESSION
          or:  test
          or:  [ EXPRESSION ]
          or:  [ ]
          or:  [ OPTION
        Exit with the status determined by EXPRESSION.

              --help     display this help and exit

        An omitted EXPRESSION defaults to false.  Otherwise,
        EXPRESSION is true or false and sets exit status.  It is one of:

          ( EXPRESSION )               EXPRESSION is true
          ! EXPRESSION                 EXPRESSION is false
          EXPRESSION1 -a EXPRESSION2   both EXPRESSION1 and EXPRESSION2 are true
          EXPRESSION1 -o EXPRESSION2   either EXPRESSION1 or EXPRESSION2 is true

          -n STRING            the length of STRING is nonzero
          STRING               equivalent to -n STRING
          -z STRING            the length of STRING is zero
          STRING1 = STRING2    the strings are equal
          STRING1 != STRING2   the strings are not equal

          INTEGER1 -eq INTEGER2   INTEGER1 is equal to INTEGER2
          INTEGER1 -ge INTEGER2   INTEGER1 is greater than or equal to INTEGER2
          INTEGER1 -gt INTEGER2   INTEGER1 is greater than INTEGER2
          INTEGER1 -le INTEGER2   INTEGER1 is less than or equal to INTEGER2
          INTEGER1 -lt INTEGER2   INTEGER1 is less than INTEGER2
          INTEGER1 -ne INTEGER2   INTEGER1 is not equal to INTEGER2

          FILE1 -ef FILE2   FILE1 and FILE2 have the same device and inode numbers
          FILE1 -nt FILE2   FILE1 is newer (modification date) than FILE2
          FILE1 -ot FILE2   FILE1 is older than FILE2

          -b FILE     FILE exists and is block special
          -c FILE     FILE exists and is character special
          -d FILE     FILE exists and is a directory
          -e FILE     FILE exists
          -f FILE     FILE exists and is a regular file
          -g FILE     FILE exists and is set-group-ID
          -h FILE     FILE exists and is a symbolic link (same as -L)
          -k FILE     FILE exists and has its sticky bit set
          -L FILE     FILE exists and is a symbolic link (same as -h)
          -p FILE     FILE exists and is a named pipe
          -s FILE     FILE exists and has a size greater than zero
          -S FILE     FILE exists and is a socket
          -u FILE     FILE exists and its set-user-ID bit is set

        """;

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var args = p.Args.Skip(1).ToList();
        if (System.IO.Path.GetFileName(p.Name) == "[")
        {
            // "[ --help" alone is an option; otherwise the last argument must be "]".
            if (args is ["--help"])
            {
                yield return Io.Out(Usage);
                yield break;
            }
            if (args.Count == 0 || args[^1] != "]")
            {
                yield return Io.Complain(p, "missing ']'");
                yield return new Exit(2);
                yield break;
            }
            args.RemoveAt(args.Count - 1);
        }
        // Every argument in a place where a file operator could take it is looked at first: after a unary file
        // operator, or beside -nt, -ot and -ef (following links, and not after -h/-L). Nothing else is a file name,
        // so `[ $i -lt 10 ]` asks nothing of the file system.
        var files = new Dictionary<string, InodeAttributes?>();
        var links = new Dictionary<string, InodeAttributes?>();
        var (followed, unfollowed) = FileOperands(args);
        // Indexed, not foreach: a List enumerator kept across a system call does not survive the program's snapshot.
        for (var i = 0; i < followed.Length; i++)
        {
            yield return new Stat(followed[i]);
            files[followed[i]] = p.Failed ? null : p.Result.Stat;
        }
        for (var i = 0; i < unfollowed.Length; i++)
        {
            yield return new Stat(unfollowed[i], FollowLast: false);
            links[unfollowed[i]] = p.Failed ? null : p.Result.Stat;
        }
        Credentials? who = null;
        if (args.Any(a => a is "-r" or "-w" or "-x" or "-O" or "-G"))
        {
            yield return new GetEuid();
            var uid = p.Result.Int;
            yield return new GetEgid();
            var gid = p.Result.Int;
            yield return new GetGroups();
            who = new Credentials(uid, gid, [.. p.Result.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(g => int.Parse(g, CultureInfo.InvariantCulture))]);
        }
        // -t FD: which of the numbers among the arguments are terminals (isatty), asked before judging too.
        var terminals = new HashSet<int>();
        if (args.Contains("-t"))
        {
            var numbers = args.Select(a => int.TryParse(a.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1).Where(n => n >= 0).Distinct().ToArray();
            for (var i = 0; i < numbers.Length; i++)
            {
                yield return new IsATerminal(new Ssi.Actors.Identity.Fd(numbers[i]));
                if (!p.Failed && p.Result.Value == 1) terminals.Add(numbers[i]);
            }
        }
        var expression = new TestExpression(args, files, links, who, terminals);
        var (value, error) = expression.Evaluate();
        if (error is not null)
        {
            yield return Io.Complain(p, error);
            yield return new Exit(2);
            yield break;
        }
        yield return new Exit(value ? 0 : 1);
    }

    private static readonly HashSet<string> UnaryFileOperators =
        ["-b", "-c", "-d", "-e", "-f", "-g", "-G", "-k", "-N", "-O", "-p", "-r", "-s", "-S", "-u", "-w", "-x"];

    /// <summary>The arguments a file operator could take, in any parse: to stat following links, and not (after -h/-L).</summary>
    public static (string[] Followed, string[] Unfollowed) FileOperands(IReadOnlyList<string> args)
    {
        var followed = new List<string>();
        var unfollowed = new List<string>();
        for (var i = 1; i < args.Count; i++)
        {
            if (args[i - 1] is "-h" or "-L") unfollowed.Add(args[i]);
            if (UnaryFileOperators.Contains(args[i - 1]) || args[i - 1] is "-nt" or "-ot" or "-ef") followed.Add(args[i]);
        }
        for (var i = 0; i + 1 < args.Count; i++)
            if (args[i + 1] is "-nt" or "-ot" or "-ef") followed.Add(args[i]);
        return ([.. followed.Distinct()], [.. unfollowed.Distinct()]);
    }
}

/// <summary>test's grammar over its arguments, judged against the stats taken beforehand; a syntax error is the error's text.</summary>
/// <param name="who">The effective ids, for -r -w -x -O -G (null: those operators were not expected).</param>
/// <param name="terminals">The descriptors among the arguments that are terminals, for -t.</param>
public sealed class TestExpression(List<string> argv, Dictionary<string, InodeAttributes?> files, Dictionary<string, InodeAttributes?> links, Credentials? who = null, HashSet<int>? terminals = null)
{
    private static readonly HashSet<string> Binary = ["=", "==", "!=", "-nt", "-ot", "-ef", "-eq", "-ne", "-lt", "-le", "-gt", "-ge"];
    private const string Unary = "bcdefghkLnpsSuzrwxOGt";
    private int _pos;

    private sealed class SyntaxError(string message) : Exception(message);

    public (bool Value, string? Error) Evaluate()
    {
        if (argv.Count == 0) return (false, null);
        try
        {
            var value = Posix(argv.Count);
            if (_pos != argv.Count) throw new SyntaxError($"extra argument {Io.Quote(argv[_pos])}");
            return (value, null);
        }
        catch (SyntaxError e)
        {
            return (false, e.Message);
        }
    }

    private void Beyond() => throw new SyntaxError($"missing argument after {Io.Quote(argv[^1])}");

    private void Advance(bool needMore)
    {
        _pos++;
        if (needMore && _pos >= argv.Count) Beyond();
    }

    private bool Posix(int count)
    {
        switch (count)
        {
            case 1: return One();
            case 2: return Two();
            case 3: return Three();
            case 4 when argv[_pos] == "!":
                Advance(true);
                return !Three();
            case 4 when argv[_pos] == "(" && argv[_pos + 3] == ")":
                Advance(false);
                var inner = Two();
                Advance(false);
                return inner;
            default: return Or();
        }
    }

    private bool One() => argv[_pos++].Length > 0;

    private bool Two()
    {
        if (argv[_pos] == "!")
        {
            Advance(false);
            return !One();
        }
        var op = argv[_pos];
        if (op.Length == 2 && op[0] == '-')
        {
            if (Unary.Contains(op[1])) return UnaryOperator();
            throw new SyntaxError($"{Io.Quote(op)}: unary operator expected");
        }
        Beyond();
        return false;
    }

    private bool Three()
    {
        if (Binary.Contains(argv[_pos + 1])) return BinaryOperator(false);
        if (argv[_pos] == "!")
        {
            Advance(true);
            return !Two();
        }
        if (argv[_pos] == "(" && argv[_pos + 2] == ")")
        {
            Advance(false);
            var inner = One();
            Advance(false);
            return inner;
        }
        if (argv[_pos + 1] is "-a" or "-o") return Or();
        throw new SyntaxError($"{Io.Quote(argv[_pos + 1])}: binary operator expected");
    }

    private bool Or()
    {
        if (_pos >= argv.Count) Beyond();
        var value = And();
        while (_pos < argv.Count && argv[_pos] == "-o")
        {
            Advance(false);
            value |= And();
        }
        return value;
    }

    private bool And()
    {
        var value = Term();
        while (_pos < argv.Count && argv[_pos] == "-a")
        {
            Advance(false);
            value &= Term();
        }
        return value;
    }

    private bool Term()
    {
        if (_pos >= argv.Count) Beyond();
        var invert = false;
        while (argv[_pos] == "!")
        {
            Advance(true);
            invert = !invert;
        }
        bool value;
        if (argv[_pos] == "(")
        {
            Advance(true);
            var count = 1;
            for (; _pos + count < argv.Count && argv[_pos + count] != ")"; count++)
                if (count == 4)
                {
                    count = argv.Count - _pos;
                    break;
                }
            value = Posix(count);
            if (_pos >= argv.Count) throw new SyntaxError("')' expected");
            if (argv[_pos] != ")") throw new SyntaxError($"')' expected, found {Io.Quote(argv[_pos])}");
            Advance(false);
        }
        else if (argv.Count - _pos >= 4 && argv[_pos] == "-l" && Binary.Contains(argv[_pos + 2])) value = BinaryOperator(true);
        else if (argv.Count - _pos >= 3 && Binary.Contains(argv[_pos + 1])) value = BinaryOperator(false);
        else if (argv[_pos].Length == 2 && argv[_pos][0] == '-')
        {
            if (!Unary.Contains(argv[_pos][1])) throw new SyntaxError($"{Io.Quote(argv[_pos])}: unary operator expected");
            value = UnaryOperator();
        }
        else value = One();
        return invert ^ value;
    }

    private bool BinaryOperator(bool leftIsLength)
    {
        if (leftIsLength) Advance(false);
        var left = argv[_pos];
        var op = argv[_pos + 1];
        var rightIsLength = _pos + 3 < argv.Count && argv[_pos + 2] == "-l" && op is ['-', _, _] && op != "-nt" && op != "-ot" && op != "-ef";
        if (rightIsLength) Advance(false);
        var right = argv[_pos + 2];
        _pos += 3;
        switch (op)
        {
            case "=" or "==": return left == right;
            case "!=": return left != right;
            case "-nt" or "-ot":
                {
                    var (a, b) = (files[left], files[right]);
                    var newer = a is not null && (b is null || a.Mtime > b.Mtime);
                    var older = b is not null && (a is null || a.Mtime < b.Mtime);
                    return op == "-nt" ? newer : older;
                }
            case "-ef": return files[left] is { } x && files[right] is { } y && x.Ino == y.Ino;
        }
        var l = leftIsLength ? left.Length : Integer(left);
        var r = rightIsLength ? right.Length : Integer(right);
        return op switch
        {
            "-eq" => l == r,
            "-ne" => l != r,
            "-lt" => l < r,
            "-le" => l <= r,
            "-gt" => l > r,
            _ => l >= r,
        };
    }

    // GNU's integers: blanks, a sign, digits, blanks; any size.
    private static BigInteger Integer(string text)
    {
        var trimmed = text.Trim(' ', '\t', '\n', '\v', '\f', '\r');
        var digits = trimmed.StartsWith('-') || trimmed.StartsWith('+') ? trimmed[1..] : trimmed;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)) throw new SyntaxError($"invalid integer {Io.Quote(text)}");
        var value = BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        return trimmed.StartsWith('-') ? -value : value;
    }

    private Credentials Who => who ?? throw new InvalidOperationException("test: the effective ids were not asked for");

    private bool UnaryOperator()
    {
        var op = argv[_pos][1];
        Advance(true);
        var operand = argv[_pos++];
        if (op == 't') return (int)Integer(operand) is var fd && terminals?.Contains(fd) == true;
        if (op == 'z') return operand.Length == 0;
        if (op == 'n') return operand.Length > 0;
        var stat = op is 'h' or 'L' ? links[operand] : files[operand];
        if (stat is null) return false;
        return op switch
        {
            'e' => true,
            'f' => stat.Type == InodeType.Regular,
            'd' => stat.IsDirectory,
            's' => stat.Size > 0,
            'b' => stat.Type == InodeType.BlockDevice,
            'c' => stat.Type == InodeType.CharDevice,
            'p' => stat.Type == InodeType.Fifo,
            'h' or 'L' => stat.Type == InodeType.Symlink,
            'u' => (stat.Mode & 0x800) != 0,
            'g' => (stat.Mode & 0x400) != 0,
            'k' => (stat.Mode & 0x200) != 0,
            'r' => Access.Allows(stat, Who, AccessMode.Read),
            'w' => Access.Allows(stat, Who, AccessMode.Write),
            'x' => Access.Allows(stat, Who, AccessMode.Execute),
            'O' => stat.Uid == Who.Uid,
            'G' => stat.Gid == Who.Gid,
            _ => false, // -S: the cluster has no sockets
        };
    }
}
