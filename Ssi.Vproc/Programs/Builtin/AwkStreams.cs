// awk's I/O: the main input over ARGV, getline, output to files and commands, close, system; each a system call.
using Ssi.Actors.Errors;
using System.Globalization;
using System.Text;
using Ssi.Actors.Identity;
using Ssi.Cfs.Files;

namespace Ssi.Vproc.Programs.Builtin;

public sealed partial class AwkInterpreter
{
    private ProcessContext _p = null!;
    private readonly StringBuilder _stdout = new();
    // The record getline or the main loop read; null at the end of the input.
    private string? _got;
    private AwkReader? _main;
    private int _nextArg = 1;
    private bool _anyFile;
    private readonly Dictionary<string, AwkReader> _inputs = [];
    private readonly Dictionary<string, Fd> _outputs = [];
    // The child process behind each command's pipe, waited for by close.
    private readonly Dictionary<string, int> _commands = [];

    public void Start(ProcessContext p) => _p = p;

    private IEnumerable<SystemCall> Flush()
    {
        if (_stdout.Length == 0) yield break;
        var bytes = Io.Bytes(_stdout.ToString());
        _stdout.Clear();
        yield return new Write(Io.Stdout, bytes);
        if (_p.Failed) throw new AwkRuntimeException($"write failure ({_p.Result.Error!.Value.Describe()})");
    }

    private IEnumerable<SystemCall> FlushIfFull() => _stdout.Length >= Io.Chunk ? Flush() : [];

    /// <summary>The next record of the main input into <see cref="_got"/>, opening ARGV's files in turn (NR and FNR counted).</summary>
    private IEnumerable<SystemCall> NextMainRecord(ProcessContext p)
    {
        while (true)
        {
            if (_main is null)
            {
                foreach (var call in OpenNextMain(p)) yield return call;
                if (_main is null)
                {
                    _got = null;
                    yield break;
                }
            }
            foreach (var call in ReadRecord(_main)) yield return call;
            if (_got is not null)
            {
                _globals[NR].Value = AwkValue.Of(_globals[NR].Value.ToNumber() + 1);
                _globals[FNR].Value = AwkValue.Of(_globals[FNR].Value.ToNumber() + 1);
                yield break;
            }
            foreach (var call in EndMainFile()) yield return call;
        }
    }

    private IEnumerable<SystemCall> EndMainFile()
    {
        if (_main is not null && _main.Fd != Io.Stdin) yield return new Close(_main.Fd);
        _main = null;
    }

    // ARGV[1..ARGC-1] as they are now: NAME=VALUE assigns, "" is skipped, anything else is a file ("-" stdin).
    private IEnumerable<SystemCall> OpenNextMain(ProcessContext p)
    {
        var argv = _globals[ARGV].Array ?? [];
        while (_nextArg < _globals[ARGC].Value.ToNumber())
        {
            var key = (_nextArg++).ToString(CultureInfo.InvariantCulture);
            if (!argv.TryGetValue(key, out var value)) continue;
            var arg = Text(value);
            if (arg.Length == 0) continue;
            var eq = arg.IndexOf('=');
            if (eq > 0 && IsName(arg[..eq]))
            {
                Assign(arg[..eq], arg[(eq + 1)..]);
                continue;
            }
            _anyFile = true;
            if (arg is "-" or "/dev/stdin") _main = new AwkReader(Io.Stdin);
            else
            {
                yield return new Open(arg);
                if (p.Failed) throw new AwkRuntimeException($"cannot open {arg} ({p.Result.Error!.Value.Describe()})");
                _main = new AwkReader(p.Result.Fd);
            }
            _globals[FILENAME].Value = AwkValue.Of(arg);
            _globals[FNR].Value = AwkValue.Of(0);
            yield break;
        }
        if (_anyFile) yield break;
        _anyFile = true;
        _main = new AwkReader(Io.Stdin);
        _globals[FNR].Value = AwkValue.Of(0);
    }

    private static bool IsName(string s) =>
        s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private IEnumerable<SystemCall> ReadRecord(AwkReader reader)
    {
        while (true)
        {
            _got = reader.Take(Global(RS));
            if (_got is not null || reader.Eof) yield break;
            if (reader.Fd == Io.Stdin) foreach (var call in Flush()) yield return call;
            yield return new Read(reader.Fd, Io.Chunk);
            if (_p.Failed) throw new AwkRuntimeException($"read error ({_p.Result.Error!.Value.Describe()})");
            if (_p.Result.Data.Length == 0) reader.Eof = true;
            else reader.Append(_p.Result.Data);
        }
    }

    /// <summary>getline in its three forms; _io is 1 for a record, 0 at the end, -1 if the input cannot be read.</summary>
    private IEnumerable<SystemCall> Getline(AwkGetline g)
    {
        if (g.From == AwkGetlineSource.Main)
        {
            foreach (var call in NextMainRecord(_p)) yield return call;
        }
        else
        {
            var name = Text(Eval(g.Source!));
            if (!_inputs.TryGetValue(name, out var reader))
            {
                if (g.From == AwkGetlineSource.Command)
                {
                    foreach (var call in Spawn(name, false)) yield return call;
                }
                else if (name is "-" or "/dev/stdin") _inputs[name] = new AwkReader(Io.Stdin);
                else
                {
                    yield return new Open(name);
                    if (_p.Failed)
                    {
                        _io = AwkValue.Of(-1);
                        yield break;
                    }
                    _inputs[name] = new AwkReader(_p.Result.Fd);
                }
                reader = _inputs[name];
            }
            foreach (var call in ReadRecord(reader)) yield return call;
            if (_got is not null && g.From == AwkGetlineSource.Command)
                _globals[NR].Value = AwkValue.Of(_globals[NR].Value.ToNumber() + 1);
        }
        if (_got is null)
        {
            _io = AwkValue.Of(0);
            yield break;
        }
        if (g.Target is null) SetRecord(_got);
        else Set(Locate(g.Target), AwkValue.Input(_got));
        _io = AwkValue.Of(1);
    }

    /// <summary>print's text to a file ("&gt;" truncates on first use, "&gt;&gt;" appends) or a command ("|").</summary>
    private IEnumerable<SystemCall> Output(string redirect, string name, string text)
    {
        if (redirect != "|" && name is "/dev/stdout" or "-")
        {
            _stdout.Append(text);
            yield break;
        }
        if (redirect != "|" && name == "/dev/stderr")
        {
            foreach (var call in Flush()) yield return call;
            yield return new Write(Io.Stderr, Io.Bytes(text));
            yield break;
        }
        if (!_outputs.TryGetValue(name, out var fd))
        {
            if (redirect == "|")
            {
                foreach (var call in Spawn(name, true)) yield return call;
            }
            else
            {
                yield return new Open(name, OpenFlags.WriteOnly | OpenFlags.Create | (redirect == ">>" ? OpenFlags.Append : OpenFlags.Truncate));
                if (_p.Failed) throw new AwkRuntimeException($"cannot open \"{name}\" for output ({_p.Result.Error!.Value.Describe()})");
                _outputs[name] = _p.Result.Fd;
            }
            fd = _outputs[name];
        }
        yield return new Write(fd, Io.Bytes(text));
        if (_p.Failed) throw new AwkRuntimeException($"write failure on {name} ({_p.Result.Error!.Value.Describe()})");
    }

    /// <summary>Runs "sh -c COMMAND" with a pipe to its stdin (output) or from its stdout (input).</summary>
    private IEnumerable<SystemCall> Spawn(string command, bool output)
    {
        foreach (var call in Flush()) yield return call;
        yield return new Pipe();
        if (_p.Failed) throw new AwkRuntimeException($"cannot make a pipe for {command}");
        var (read, write) = _p.Result.PipeEnds;
        yield return new Fork();
        if (_p.Failed) throw new AwkRuntimeException($"cannot fork for {command}");
        if (_p.Result.Value == 0)
        {
            yield return new Dup2(output ? read : write, output ? Io.Stdin : Io.Stdout);
            yield return new Close(read);
            yield return new Close(write);
            foreach (var c in Shell(command)) yield return c;
        }
        _commands[command] = _p.Result.Int;
        yield return new Close(output ? read : write);
        if (output) _outputs[command] = write;
        else _inputs[command] = new AwkReader(read);
    }

    // In a forked child: become the shell, or say why not and exit 127 as sh would.
    private IEnumerable<SystemCall> Shell(string command)
    {
        yield return new Exec("/bin/sh", ["sh", "-c", command]);
        yield return Io.Complain(_p, $"cannot run /bin/sh: {_p.Result.Error!.Value.Describe()}");
        yield return new Exit(127);
    }

    /// <summary>close, fflush, system and srand: their value into _io.</summary>
    private IEnumerable<SystemCall> IoBuiltin(string name, List<AwkValue> args)
    {
        switch (name)
        {
            case "fflush":
                foreach (var call in Flush()) yield return call;
                _io = AwkValue.Of(0);
                break;
            case "srand":
            {
                var previous = _seed;
                if (args.Count > 0) _seed = args[0].ToNumber();
                else
                {
                    yield return new GetTime();
                    _seed = Math.Floor(_p.Result.Value / 1e6);
                }
                _rand = (ulong)(long)_seed;
                _io = AwkValue.Of(previous);
                break;
            }
            case "close":
            {
                var target = args.Count > 0 ? Text(args[0]) : "";
                foreach (var call in Close(target)) yield return call;
                break;
            }
            default:
            {
                foreach (var call in Flush()) yield return call;
                yield return new Fork();
                if (_p.Failed) throw new AwkRuntimeException("cannot fork for system()");
                if (_p.Result.Value == 0) foreach (var c in Shell(args.Count > 0 ? Text(args[0]) : "")) yield return c;
                var child = _p.Result.Int;
                foreach (var call in WaitFor(child)) yield return call;
                break;
            }
        }
    }

    // Waits for a command; _io is its exit status (256 + the signal if one killed it).
    private IEnumerable<SystemCall> WaitFor(int child)
    {
        do yield return new Wait(child);
        while (_p.Failed && _p.Result.Error == Ssi.Actors.Errors.Errno.EINTR);
        var status = _p.Result.Status;
        _io = AwkValue.Of(_p.Failed ? -1 : WaitStatus.IfExited(status) ? WaitStatus.ExitStatus(status) : 256 + WaitStatus.TermSig(status));
    }

    private IEnumerable<SystemCall> Close(string name)
    {
        _io = AwkValue.Of(-1);
        if (_outputs.Remove(name, out var fd))
        {
            yield return new Close(fd);
            _io = AwkValue.Of(0);
        }
        if (_inputs.Remove(name, out var reader))
        {
            if (reader.Fd != Io.Stdin) yield return new Close(reader.Fd);
            _io = AwkValue.Of(0);
        }
        if (_commands.Remove(name, out var child)) foreach (var call in WaitFor(child)) yield return call;
    }

    private IEnumerable<SystemCall> CloseAll()
    {
        foreach (var call in Flush()) yield return call;
        var names = _outputs.Keys.Concat(_inputs.Keys).Distinct().ToArray();
        for (var i = 0; i < names.Length; i++)
            foreach (var call in Close(names[i])) yield return call;
    }
}
