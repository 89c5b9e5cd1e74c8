// find: walks trees of the cluster file system and evaluates GNU find's expression on each file, running -exec children.
using System.Globalization;
using System.Text;
using Ssi.Actors.Errors;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// find [-H] [-L] [-P] [starting-point...] [expression]: exit 0, or 1 if a file could not be reached, the command
/// line is bad, or a -exec ... + command failed. <see cref="FindExpression"/> parses and decides the tests; this
/// program walks (depth first, names in byte order, through Stat and ReadDirectory), and does the actions: prints,
/// deletes, and forks a child per -exec ... ; (or per batch of -exec ... +) that execs the command and is waited for.
/// The walk and the evaluation keep their state in fields, plain data across system calls.
/// </summary>
public sealed class Find : Program
{
    private const string Usage = """
        Usage: find [-H] [-L] [-P] [starting-point...] [expression]

        Options: -maxdepth LEVELS -mindepth LEVELS -depth
        Tests: -name PATTERN -iname PATTERN -path PATTERN -ipath PATTERN -wholename PATTERN -iwholename PATTERN
               -regex PATTERN -iregex PATTERN -type [fdlpcb][,...] -newer FILE -perm [-/]MODE -size [+-]N[cwbkMG]
               -mtime [+-]N -mmin [+-]N -uid N -gid N -empty -true -false
        Actions: -print -print0 -printf FORMAT -exec COMMAND ; -exec COMMAND {} + -delete -prune -quit
        Operators: ( EXPR ) ! EXPR -not EXPR EXPR -a EXPR EXPR -and EXPR EXPR -o EXPR EXPR -or EXPR

        With no starting point, '.' is searched; with no action, -print is applied to each file for which the
        expression is true. Files in a directory are visited in byte order of their names.

        """;

    private readonly List<byte> _out = [];
    private List<string>[] _batches = [];
    private FindExpression _e = null!;
    private bool _value, _prune, _quit;
    private int _status;
    private long _now;

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var args = p.Args.Skip(1).ToList();
        if (args.Contains("--help"))
        {
            yield return Io.Out(Usage);
            yield break;
        }
        var (e, error) = FindExpression.Parse(args);
        if (e is null)
        {
            yield return Io.Complain(p, error!);
            yield return new Exit(1);
            yield break;
        }
        _e = e;
        _batches = [.. Enumerable.Range(0, e.Batches).Select(_ => new List<string>())];
        for (var i = 0; i < e.Newer.Count; i++)
        {
            yield return new Stat(e.Newer[i].Argument);
            if (p.Failed)
            {
                yield return Io.Report(p, Io.Quote(e.Newer[i].Argument));
                yield return new Exit(1);
                yield break;
            }
            e.Newer[i].Time = p.Result.Stat!.Mtime;
        }
        if (e.NeedsTime)
        {
            yield return new GetTime();
            _now = p.Result.Value;
        }
        for (var r = 0; r < e.Roots.Count && !_quit; r++)
            foreach (var call in Walk(p, e.Roots[r])) yield return call;
        for (var b = 0; b < _batches.Length; b++)
            foreach (var call in RunBatch(p, b)) yield return call;
        foreach (var call in Flush(p)) yield return call;
        yield return new Exit(_status);
    }

    /// <summary>A path still to visit, or (<see cref="After"/>) a directory to evaluate after its contents (-depth).</summary>
    private sealed record Pending(string Path, int Depth, bool After = false, InodeAttributes? Attributes = null);

    private IEnumerable<SystemCall> Walk(ProcessContext p, string root)
    {
        var stack = new List<Pending> { new(root, 0) };
        while (stack.Count > 0 && !_quit)
        {
            var entry = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            if (entry.After)
            {
                foreach (var call in Visit(p, new FindFile(entry.Path, root, entry.Depth, entry.Attributes!))) yield return call;
                continue;
            }
            var follow = _e.Follow == 'L' || (_e.Follow == 'H' && entry.Depth == 0);
            yield return new Stat(entry.Path, FollowLast: follow);
            if (p.Failed && follow && p.Result.Error == Errno.ENOENT)
                yield return new Stat(entry.Path, FollowLast: false); // a dangling link is itself
            if (p.Failed)
            {
                yield return Io.Report(p, Io.Quote(entry.Path));
                _status = 1;
                continue;
            }
            var attributes = p.Result.Stat!;
            var file = new FindFile(entry.Path, root, entry.Depth, attributes);
            var descend = attributes.Type == InodeType.Directory && entry.Depth < _e.MaxDepth;
            _prune = false;
            if (!_e.DepthFirst || !descend)
            {
                if (entry.Depth >= _e.MinDepth)
                    foreach (var call in Visit(p, file)) yield return call;
                if (_prune && !_e.DepthFirst) descend = false;
            }
            if (!descend || _quit) continue;
            if (_e.DepthFirst) stack.Add(entry with { After = true, Attributes = attributes });
            yield return new ReadDirectory(entry.Path);
            if (p.Failed)
            {
                yield return Io.Report(p, Io.Quote(entry.Path));
                _status = 1;
                continue;
            }
            stack.AddRange(Children(p.Result.Entries, entry));
        }
    }

    private IEnumerable<SystemCall> Visit(ProcessContext p, FindFile file)
    {
        if (file.Depth < _e.MinDepth) yield break;
        foreach (var call in Evaluate(p, _e.Root, file)) yield return call;
        if (_out.Count > 64 * 1024)
            foreach (var call in Flush(p)) yield return call;
    }

    // Leaves the node's truth in _value; -a and -o short-circuit as in find.
    private IEnumerable<SystemCall> Evaluate(ProcessContext p, FindNode node, FindFile file)
    {
        switch (node)
        {
            case FindAnd and:
                foreach (var call in Evaluate(p, and.Left, file)) yield return call;
                if (!_value || _quit) yield break;
                foreach (var call in Evaluate(p, and.Right, file)) yield return call;
                yield break;
            case FindOr or:
                foreach (var call in Evaluate(p, or.Left, file)) yield return call;
                if (_value || _quit) yield break;
                foreach (var call in Evaluate(p, or.Right, file)) yield return call;
                yield break;
            case FindNot not:
                foreach (var call in Evaluate(p, not.Operand, file)) yield return call;
                _value = !_value;
                yield break;
            case FindExec exec when exec.Batch:
                _batches[exec.Id].Add(file.Path);
                _value = true;
                if (_batches[exec.Id].Count >= 1000)
                    foreach (var call in RunBatch(p, exec.Id)) yield return call;
                yield break;
            case FindExec exec:
                foreach (var call in Run(p, WithPath(exec.Command, file.Path))) yield return call;
                _value = p.Result.Status == 0;
                yield break;
            case FindPrimary primary:
                foreach (var call in Primary(p, primary, file)) yield return call;
                yield break;
        }
    }

    private IEnumerable<SystemCall> Primary(ProcessContext p, FindPrimary primary, FindFile file)
    {
        _value = true;
        switch (primary.Name)
        {
            case "-print":
                _out.AddRange(Io.Bytes(file.Path + "\n"));
                break;
            case "-print0":
                _out.AddRange(Io.Bytes(file.Path + "\0"));
                break;
            case "-printf":
                _out.AddRange(Io.Bytes(FindPrintf.Format(primary.Argument, file)));
                break;
            case "-prune":
                _prune = true;
                break;
            case "-quit":
                _quit = true;
                break;
            case "-delete":
                if (file.Path is "." or "./") break;
                yield return file.Attributes.Type == InodeType.Directory ? new Rmdir(file.Path) : new Unlink(file.Path);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"cannot delete {Io.Quote(file.Path)}");
                    _status = 1;
                    _value = false;
                }
                break;
            case "-empty" when file.Attributes.Type == InodeType.Directory:
                yield return new ReadDirectory(file.Path);
                _value = !p.Failed && p.Result.Entries.All(c => c.Name is "." or "..");
                break;
            default:
                _value = FindExpression.Test(primary, file, _now);
                break;
        }
    }

    private IEnumerable<SystemCall> RunBatch(ProcessContext p, int id)
    {
        var paths = _batches[id];
        if (paths.Count == 0) yield break;
        _batches[id] = [];
        foreach (var call in Run(p, [.. Batch(_e.Root, id)!.Command, .. paths])) yield return call;
        if (p.Result.Status != 0) _status = 1;
    }

    // Lambdas stay out of the iterators: a delegate may not be part of a program's state.
    private static FindExec? Batch(FindNode node, int id) => node switch
    {
        FindAnd a => Batch(a.Left, id) ?? Batch(a.Right, id),
        FindOr o => Batch(o.Left, id) ?? Batch(o.Right, id),
        FindNot n => Batch(n.Operand, id),
        FindExec { Batch: true } x when x.Id == id => x,
        _ => null,
    };

    private static string[] WithPath(string[] command, string path) => [.. command.Select(a => a.Replace("{}", path))];

    /// <summary>A directory's entries to visit, last name first (the walk pops from the end).</summary>
    private static List<Pending> Children(System.Collections.Immutable.ImmutableArray<Ssi.Cfs.Service.FsEntry> entries, Pending parent) =>
        [.. entries.Where(c => c.Name is not ("." or "..")).OrderByDescending(c => c.Name, StringComparer.Ordinal)
            .Select(c => new Pending(PathText.Join(parent.Path, c.Name), parent.Depth + 1))];

    /// <summary>Forks a child that execs the command; p.Result.Status is its wait status afterwards (nonzero if it could not run).</summary>
    private IEnumerable<SystemCall> Run(ProcessContext p, string[] argv)
    {
        foreach (var call in Flush(p)) yield return call;
        yield return new Fork();
        if (p.Failed)
        {
            yield return Io.Report(p, "cannot fork");
            _status = 1;
            p.Result = new SysResult(-1) { Status = WaitStatus.Exited(1) };
            yield break;
        }
        if (p.Result.Value == 0)
        {
            yield return new Exec(argv[0].Contains('/') ? argv[0] : "/bin/" + argv[0], argv);
            yield return Io.Complain(p, $"{Io.Quote(argv[0])}: {(p.Result.Error ?? Errno.EIO).Describe()}");
            yield return new Exit(1);
            yield break;
        }
        var child = p.Result.Int;
        while (true)
        {
            yield return new Wait(child);
            if (!p.Failed || p.Result.Error != Errno.EINTR) break;
        }
        if (p.Failed) p.Result = new SysResult(-1) { Status = WaitStatus.Exited(1) };
    }

    private IEnumerable<SystemCall> Flush(ProcessContext p)
    {
        if (_out.Count == 0) yield break;
        yield return new Write(Io.Stdout, [.. _out]);
        _out.Clear();
        if (!p.Failed) yield break;
        yield return Io.Report(p, "write error");
        yield return new Exit(1);
    }
}

/// <summary>-printf's directives (%p %f %h %P %H %d %s %m %M %y %u %g %U %G %%) and escapes, with widths and precisions.</summary>
public static class FindPrintf
{
    public static string Format(string format, FindFile file)
    {
        var s = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c == '\\' && i + 1 < format.Length)
            {
                var e = format[++i];
                if (e == 'c') return s.ToString();
                if (e is >= '0' and <= '7')
                {
                    var digits = 0;
                    var value = 0;
                    while (digits < 3 && i < format.Length && format[i] is >= '0' and <= '7')
                    {
                        value = value * 8 + (format[i++] - '0');
                        digits++;
                    }
                    i--;
                    s.Append((char)value);
                    continue;
                }
                s.Append(e switch { 'n' => '\n', 't' => '\t', 'a' => '\a', 'b' => '\b', 'f' => '\f', 'r' => '\r', 'v' => '\v', '\\' => '\\', _ => e });
                continue;
            }
            if (c != '%' || i + 1 >= format.Length)
            {
                s.Append(c);
                continue;
            }
            var start = ++i;
            while (i < format.Length && format[i] is '-' or '+' or ' ' or '#' or '0' or (>= '1' and <= '9') or '.') i++;
            var flags = format[start..i];
            if (i >= format.Length)
            {
                s.Append('%').Append(flags);
                break;
            }
            var directive = format[i];
            if (directive == '%')
            {
                s.Append('%');
                continue;
            }
            s.Append(Pad(Directive(directive, file), flags));
        }
        return s.ToString();
    }

    private static string Pad(string value, string flags)
    {
        var left = flags.Contains('-');
        var dot = flags.IndexOf('.');
        var widthText = (dot < 0 ? flags : flags[..dot]).TrimStart('-', '+', ' ', '#', '0');
        if (dot >= 0 && int.TryParse(flags[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var precision) && precision < value.Length)
            value = value[..precision];
        if (int.TryParse(widthText, NumberStyles.None, CultureInfo.InvariantCulture, out var width))
            value = left ? value.PadRight(width) : value.PadLeft(width);
        return value;
    }

    private static string Directive(char directive, FindFile file)
    {
        var a = file.Attributes;
        var path = file.Path;
        return directive switch
        {
            'p' => path,
            'f' => FindExpression.NameOf(path),
            'h' => path.TrimEnd('/').LastIndexOf('/') is var slash and >= 0 ? (slash == 0 ? "/" : path[..slash]) : ".",
            'P' => path.Length > file.Root.Length ? path[file.Root.Length..].TrimStart('/') : "",
            'H' => file.Root,
            'd' => file.Depth.ToString(CultureInfo.InvariantCulture),
            's' => a.Size.ToString(CultureInfo.InvariantCulture),
            'm' => Convert.ToString(a.Mode & 0xFFF, 8),
            'M' => Symbolic(a),
            'y' => FindExpression.TypeLetter(a.Type).ToString(),
            'U' or 'u' => a.Uid.ToString(CultureInfo.InvariantCulture),
            'G' or 'g' => a.Gid.ToString(CultureInfo.InvariantCulture),
            _ => "%" + directive,
        };
    }

    private static string Symbolic(InodeAttributes a)
    {
        var letter = FindExpression.TypeLetter(a.Type);
        var s = new StringBuilder(letter == 'f' ? "-" : letter.ToString());
        for (var shift = 6; shift >= 0; shift -= 3)
        {
            var bits = (a.Mode >> shift) & 7;
            s.Append((bits & 4) != 0 ? 'r' : '-').Append((bits & 2) != 0 ? 'w' : '-').Append((bits & 1) != 0 ? 'x' : '-');
        }
        return s.ToString();
    }
}
