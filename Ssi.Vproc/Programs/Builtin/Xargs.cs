// xargs: builds command lines from its input and runs them in forked children, as GNU xargs does.
using System.Globalization;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Files;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// xargs [OPTION]... [COMMAND [INITIAL-ARGS]...]: runs COMMAND (echo by default) with the items of its input
/// (<see cref="XargsItems"/>) as further arguments, in children it forks and waits for (up to -P at once). Exit 0;
/// 123 if a command exited 1-125; 124 if one exited 255 (xargs stops); 125 if one was killed; 126 or 127 if one
/// could not be run or found; 1 for a bad command line or input. Commands read /dev/null unless -a gives the items.
/// </summary>
public sealed class Xargs : Program
{
    private const string Usage = """
        Usage: xargs [OPTION]... COMMAND [INITIAL-ARGS]...
        Run COMMAND with arguments INITIAL-ARGS and more arguments read from input.

        Mandatory and optional arguments to long options are also
        mandatory or optional for the corresponding short option.
          -0, --null                   items are separated by a null, not whitespace;
                                         disables quote and backslash processing and
                                         logical EOF processing
          -a, --arg-file=FILE          read arguments from FILE, not standard input
          -E END                       set logical EOF string; if END occurs as a line
                                         of input, the rest of the input is ignored
          -e, --eof[=END]              equivalent to -E END if END is specified;
                                         otherwise, there is no end-of-file string
          -I R                         same as --replace=R
          -L, --max-lines=MAX-LINES    use at most MAX-LINES non-blank input lines per
                                         command line
          -n, --max-args=MAX-ARGS      use at most MAX-ARGS arguments per command line
          -P, --max-procs=MAX-PROCS    run at most MAX-PROCS processes at a time
          -r, --no-run-if-empty        if there are no arguments, then do not run COMMAND;
                                         if this option is not given, COMMAND will be
                                         run at least once
          -s, --max-chars=MAX-CHARS    limit length of command line to MAX-CHARS
          -t, --verbose                print commands before executing them
              --help                   display this help and exit

        """;

    private static readonly OptionSpec Spec = new("+0a:E:e::I:L:n:P:rs:t",
        ["null=0", "arg-file=a", "eof::", "replace:", "max-lines=L", "max-args=n", "max-procs=P", "no-run-if-empty=r", "max-chars=s", "verbose=t"], Usage);

    /// <summary>GNU's default -s: 128 KiB less room for the environment.</summary>
    private const int DefaultSize = 128 * 1024 - 2048;

    private readonly Dictionary<int, string> _running = [];
    private int _status;
    private bool _stop;

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var numbers = new Dictionary<char, int> { ['n'] = 0, ['L'] = 0, ['P'] = 1, ['s'] = DefaultSize };
        foreach (var letter in "nLPs")
        {
            if (o.Value(letter) is not { } text) continue;
            var minimum = letter is 'P' ? 0 : 1;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < minimum)
            {
                var complaint = int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var given)
                    ? $"value {given} for -{letter} option should be >= {minimum}" : $"invalid number \"{text}\" for -{letter} option";
                foreach (var call in CommandLine.Refuse(p, Spec, complaint)) yield return call;
                yield break;
            }
            numbers[letter] = Math.Min(n, letter == 's' ? DefaultSize : n);
        }
        var replace = o.Given.FindLast(g => g.Name is "I" or "replace")?.Value;
        if (o.Has("replace") && replace is null) replace = "{}";
        var endOfFile = o.Given.FindLast(g => g.Name is "E" or "e" or "eof")?.Value;
        var split = o.Has('0') ? XargsItems.Split.Nul : replace is not null ? XargsItems.Split.Lines : XargsItems.Split.Blanks;
        var items = new XargsItems(split, endOfFile);
        string[] command = o.Operands.Count > 0 ? [.. o.Operands] : ["echo"];
        var baseSize = command.Sum(XargsItems.Size);
        var input = Io.Stdin;
        var fromFile = o.Value('a');
        if (fromFile is not null)
        {
            yield return new Open(fromFile);
            if (p.Failed)
            {
                yield return Io.Report(p, $"Cannot open input file {Io.Quote(fromFile)}");
                yield return new Exit(1);
                yield break;
            }
            input = p.Result.Fd;
        }
        if (baseSize > numbers['s'])
        {
            yield return Io.Complain(p, "cannot fit single argument within argument list size limit");
            yield return new Exit(1);
            yield break;
        }
        var args = new List<string>();
        var size = baseSize;
        var lines = 0;
        var ranAny = false;
        string? error = null;
        while (!_stop)
        {
            var (item, endsLine, complaint, needMore) = items.Next();
            if (needMore)
            {
                yield return new Read(input, Io.Chunk);
                if (p.Failed)
                {
                    yield return Io.Report(p, "read error");
                    error = "";
                    break;
                }
                if (p.Result.Data.Length == 0) items.End();
                else items.Feed(p.Result.Data);
                continue;
            }
            if (complaint is not null) error = complaint;
            if (item is null) break;
            if (replace is not null)
            {
                foreach (var call in Launch(p, Replaced(command, replace, item), o.Has('t'), fromFile is null, numbers['P'])) yield return call;
                ranAny = true;
                continue;
            }
            if (baseSize + XargsItems.Size(item) > numbers['s'])
            {
                error = "argument line too long";
                break;
            }
            if (size + XargsItems.Size(item) > numbers['s'])
            {
                foreach (var call in Launch(p, [.. command, .. args], o.Has('t'), fromFile is null, numbers['P'])) yield return call;
                args = [];
                (size, lines, ranAny) = (baseSize, 0, true);
            }
            args.Add(item);
            size += XargsItems.Size(item);
            if (endsLine) lines++;
            if ((numbers['n'] > 0 && args.Count >= numbers['n']) || (numbers['L'] > 0 && lines >= numbers['L']))
            {
                foreach (var call in Launch(p, [.. command, .. args], o.Has('t'), fromFile is null, numbers['P'])) yield return call;
                args = [];
                (size, lines, ranAny) = (baseSize, 0, true);
            }
        }
        if (!_stop && replace is null && (args.Count > 0 || (!ranAny && !o.Has('r') && error is null)))
        {
            foreach (var call in Launch(p, [.. command, .. args], o.Has('t'), fromFile is null, numbers['P'])) yield return call;
        }
        while (_running.Count > 0)
            foreach (var call in Reap(p)) yield return call;
        if (error is { Length: > 0 }) yield return Io.Complain(p, error);
        yield return new Exit(error is not null && _status == 0 ? 1 : _status);
    }

    /// <summary>Runs one command line in a child, first waiting for one of -P children to end if as many run.</summary>
    private IEnumerable<SystemCall> Launch(ProcessContext p, string[] argv, bool verbose, bool nullInput, int parallel)
    {
        while (parallel > 0 && _running.Count >= parallel && !_stop)
            foreach (var call in Reap(p)) yield return call;
        if (_stop) yield break;
        if (verbose) yield return Io.Err(string.Join(' ', argv) + "\n");
        yield return new Fork();
        if (p.Failed)
        {
            yield return Io.Report(p, "cannot fork");
            (_status, _stop) = (1, true);
            yield break;
        }
        if (p.Result.Value == 0)
        {
            if (nullInput)
            {
                yield return new Open("/dev/null");
                if (!p.Failed && p.Result.Fd != Io.Stdin) yield return new Dup2(p.Result.Fd, Io.Stdin);
            }
            yield return new Exec(argv[0].Contains('/') ? argv[0] : "/bin/" + argv[0], argv);
            var failure = p.Result.Error ?? Errno.EIO;
            yield return Io.Complain(p, $"{argv[0]}: {failure.Describe()}");
            yield return new Exit(failure is Errno.ENOENT or Errno.ENOTDIR ? 127 : 126);
            yield break;
        }
        _running[p.Result.Int] = argv[0];
    }

    // Kept out of the iterators: a lambda's delegate may not be part of a program's state.
    private static string[] Replaced(string[] command, string replace, string item) => [.. command.Select(a => a.Replace(replace, item))];

    // Waits for any child and folds its status into xargs's, as GNU does.
    private IEnumerable<SystemCall> Reap(ProcessContext p)
    {
        yield return new Wait();
        if (p.Failed)
        {
            if (p.Result.Error == Errno.EINTR) yield break;
            _running.Clear();
            yield break;
        }
        var name = _running.GetValueOrDefault(p.Result.Int, "command");
        _running.Remove(p.Result.Int);
        var status = p.Result.Status;
        if (WaitStatus.IfSignaled(status))
        {
            yield return Io.Complain(p, $"{name}: terminated by signal {WaitStatus.TermSig(status)}");
            (_status, _stop) = (125, true);
            yield break;
        }
        var code = WaitStatus.ExitStatus(status);
        if (code == 255)
        {
            yield return Io.Complain(p, $"{name}: exited with status 255; aborting");
            (_status, _stop) = (124, true);
        }
        else if (code is 126 or 127)
            (_status, _stop) = (code, true);
        else if (code != 0 && _status == 0) _status = 123;
    }
}
