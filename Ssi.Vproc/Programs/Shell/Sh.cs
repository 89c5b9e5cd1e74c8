// /bin/sh: the cluster's POSIX shell, a program like any other, so it runs on any node and migrates mid-script.
using Ssi.Actors.Errors;
using Ssi.Actors.Signals;

namespace Ssi.Vproc.Programs.Shell;

/// <summary>
/// sh [-eufxCnvai] [-o option] [-c SCRIPT [NAME [ARG...]] | FILE [ARG...] | -s [ARG...]]. With no script it reads
/// commands from standard input; with -i (or on a terminal) it prompts, keeps jobs and reports them. A name starting
/// with '-' (or -l) makes a login shell, which reads /etc/profile and $HOME/.profile first.
/// </summary>
public sealed class Sh : Program
{
    private ShellInterpreter? _shell;

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var shell = _shell = new ShellInterpreter(p);
        var state = shell.State;
        foreach (var (name, value) in p.Environment)
            if (ShellParser.IsName(name)) state.Set(name, value, export: true);
        state.Set("IFS", " \t\n");
        if (!state.IsSet("PS1")) state.Set("PS1", "$ ");
        if (!state.IsSet("PS2")) state.Set("PS2", "> ");
        if (!state.IsSet("PS4")) state.Set("PS4", "+ ");
        if (!state.IsSet("PATH")) state.Set("PATH", "/bin:/usr/bin");
        state.Set("OPTIND", "1");
        yield return new GetPid();
        state.ShellPid = p.Result.Int;
        yield return new GetCwd();
        if (!p.Failed) state.Set("PWD", state.Get("PWD") is { } pwd && pwd.TrimEnd('/') == p.Result.Text.TrimEnd('/') ? pwd : p.Result.Text, export: true);

        var args = p.Args;
        var login = p.Name.StartsWith('-');
        var fromString = false;
        var fromStdin = false;
        var i = 1;
        for (; i < args.Length; i++)
        {
            var a = args[i];
            if (a is "--" or "-")
            {
                i++;
                break;
            }
            if (a.Length < 2 || a[0] is not ('-' or '+')) break;
            var on = a[0] == '-';
            for (var k = 1; k < a.Length; k++)
            {
                var letter = a[k];
                if (letter == 'c') fromString = true;
                else if (letter == 's') fromStdin = true;
                else if (letter == 'l') login = true;
                else if (letter == 'o' && i + 1 < args.Length)
                {
                    var option = args[++i];
                    var known = new Dictionary<string, char> { ["errexit"] = 'e', ["nounset"] = 'u', ["xtrace"] = 'x', ["noglob"] = 'f', ["noclobber"] = 'C', ["noexec"] = 'n', ["verbose"] = 'v', ["allexport"] = 'a', ["monitor"] = 'm' };
                    if (known.TryGetValue(option, out var l)) shell.SetOption(l, on);
                }
                else if (!shell.SetOption(letter, on))
                {
                    yield return Io.Err($"sh: Illegal option {a[0]}{letter}\n");
                    yield return new Exit(2);
                }
            }
        }

        string? script = null;
        if (fromString)
        {
            if (i >= args.Length)
            {
                yield return Io.Err("sh: -c requires an argument\n");
                yield return new Exit(2);
            }
            script = args[i++];
            if (i < args.Length) state.ArgZero = args[i++];
            state.Positional = args[i..];
        }
        else if (!fromStdin && i < args.Length)
        {
            state.ArgZero = args[i];
            state.Positional = args[(i + 1)..];
            var text = new Box<string?>();
            foreach (var call in shell.ReadFile(args[i], text)) yield return call;
            if (text.Value is null)
            {
                var error = p.Result.Error ?? Errno.ENOENT;
                yield return Io.Err($"sh: 0: cannot open {args[i]}: {(error == Errno.ENOENT ? "No such file" : error.Describe())}\n");
                yield return new Exit(error == Errno.ENOENT ? 127 : 2);
            }
            script = text.Value;
        }
        else
        {
            state.Positional = args[i..];
            // Commands from a terminal, with a terminal for messages, make an interactive shell (POSIX), as -i does.
            if (!state.Interactive)
            {
                yield return new IsATerminal(Io.Stdin);
                var stdinIsTerminal = !p.Failed;
                yield return new IsATerminal(Io.Stderr);
                if (stdinIsTerminal && !p.Failed) state.Interactive = true;
            }
            if (state.Interactive)
            {
                yield return new IsATerminal(Io.Stdin);
                if (!p.Failed) state.Monitor = true;
            }
        }

        if (login)
        {
            if (state.Interactive && state.Get("HOME") is { Length: > 0 } start)
            {
                yield return new Chdir(start);
                if (!p.Failed) state.Set("PWD", start, export: true);
            }
            foreach (var call in Profile(shell, "/etc/profile")) yield return call;
            if (state.Get("HOME") is { Length: > 0 } home)
                foreach (var call in Profile(shell, home.TrimEnd('/') + "/.profile")) yield return call;
        }

        if (script is not null)
        {
            foreach (var call in shell.RunScript(script, execLast: fromString)) yield return call;
        }
        else if (state.Interactive)
        {
            foreach (var call in Interactive(shell)) yield return call;
        }
        else
        {
            var input = new List<byte[]>();
            foreach (var call in Io.ReadAll(p, Io.Stdin, input)) yield return call;
            foreach (var call in shell.RunScript(Io.Text(Io.Concat(input)))) yield return call;
        }
        foreach (var call in shell.ReportAbort()) yield return call;
        foreach (var call in shell.ExitShell(state.LastStatus)) yield return call;
    }

    private static IEnumerable<SystemCall> Profile(ShellInterpreter shell, string path)
    {
        var text = new Box<string?>();
        foreach (var call in shell.ReadFile(path, text)) yield return call;
        if (text.Value is null) yield break;
        foreach (var call in shell.RunScript(text.Value)) yield return call;
        shell.ClearAbort();
        if (shell.State.Flow != Flow.Exit) shell.State.Flow = Flow.Normal;
    }

    /// <summary>Prompt, read a command (more lines while it is incomplete), run it, report jobs; until end of input or exit.</summary>
    private static IEnumerable<SystemCall> Interactive(ShellInterpreter shell)
    {
        var p = shell.P;
        var state = shell.State;
        yield return new SigAction(Signal.SIGINT, Disposition.Handle);
        yield return new SigAction(Signal.SIGQUIT, Disposition.Ignore);
        yield return new SigAction(Signal.SIGTERM, Disposition.Ignore);
        state.OwnSignals.AddRange([Signal.SIGINT, Signal.SIGQUIT, Signal.SIGTERM]);
        if (state.Monitor)
        {
            yield return new SigAction(Signal.SIGTSTP, Disposition.Ignore);
            yield return new SigAction(Signal.SIGTTIN, Disposition.Ignore);
            yield return new SigAction(Signal.SIGTTOU, Disposition.Ignore);
            state.OwnSignals.AddRange([Signal.SIGTSTP, Signal.SIGTTIN, Signal.SIGTTOU]);
            // The shell leads a process group of its own and holds the terminal between jobs.
            yield return new GetPgid(0);
            if (p.Result.Int != state.ShellPid)
            {
                yield return new SetPgid(0, 0);
            }
            state.ShellProcessGroup = state.ShellPid;
            yield return new TcSetPgrp(Io.Stdin, state.ShellPid);
            if (p.Failed) state.Monitor = false;
        }
        var buffer = "";
        while (true)
        {
            foreach (var call in shell.ReportDoneJobs()) yield return call;
            var prompt = new Box<string>();
            foreach (var call in shell.ExpandString(state.Get(buffer.Length == 0 ? "PS1" : "PS2") ?? "$ ", prompt)) yield return call;
            shell.ClearAbort();
            yield return Io.Err(prompt.Value);
            yield return new Read(Io.Stdin, 4096);
            if (p.Failed)
            {
                if (p.Result.Error == Errno.EINTR)
                {
                    state.PendingSignals.Clear();
                    buffer = "";
                    yield return Io.Err("\n");
                    continue;
                }
                break;
            }
            if (p.Result.Data.Length == 0)
            {
                if (buffer.Length == 0) break;
                buffer += "\n";
            }
            else buffer += Io.Text(p.Result.Data);
            if (ShellParser.IsIncomplete(buffer) && p.Result.Data.Length > 0) continue;
            var text = buffer;
            buffer = "";
            foreach (var call in shell.RunScript(text)) yield return call;
            foreach (var call in shell.ReportAbort()) yield return call;
            shell.ClearAbort();
            if (state.Flow == Flow.Exit) yield break;
            state.Flow = Flow.Normal;
        }
        yield return Io.Err("\n");
    }

    public override IEnumerable<SystemCall> OnSignal(ProcessContext p, int signal)
    {
        _shell?.State.PendingSignals.Add(signal);
        yield break;
    }
}
