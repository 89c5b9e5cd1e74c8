// `ssi run [--node N] PROGRAM ARGS...` and `ssi onnode N PROGRAM ARGS...`: a program on a node, attached to this terminal.
using System.Collections.Immutable;
using System.CommandLine;
using System.Runtime.InteropServices;
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Host.Client;
using Ssi.Vproc.Programs;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Host.Cli.Commands.Processes;

public static class RunCommand
{
    private static readonly string[] ValueOptions = ["--node", "--user", "--cwd"];

    public static Command Create()
    {
        var client = new ClientOptions(new NodeOption("run on this node (default: the contact node)"), User);
        var command = new Command("run", """
            Run a program of the cluster's /bin (or a path) as a new process on a node, with stdin, stdout and stderr
            attached to this terminal through a terminal device on the contact node. Everything after PROGRAM is its
            arguments. ssi exits with the program's status: its exit code, or 128 + the signal that killed it.
            When stdin is a terminal, the cluster's terminal edits lines and echoes (stty changes it there), and
            Ctrl-C sends SIGINT to the program (Ctrl-\ SIGQUIT, Ctrl-Z SIGTSTP, Ctrl-D ends input); a signal sent
            to ssi itself is forwarded alike. Closing a piped stdin gives the program end of file.

            Examples:
              ssi run --node 2 cat /etc/motd
              echo hello | ssi run wc -c
              ssi run --user ann ls -l /home/ann
            """);
        Add(command, client);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("run", token =>
            RunAsync(client.NodeIn(parse) ?? 0, client, parse, token), ct));
        return command;
    }

    public static Command CreateOnnode()
    {
        var node = NodeNumberOption.Argument("node", "the node to run on");
        var command = new Command("onnode", """
            Run a program on node N, attached to this terminal: the same as 'ssi run --node N PROGRAM ARGS...'.

            Examples:
              ssi onnode 2 cat /etc/motd
              ssi onnode 3 sleep 60
            """);
        command.Arguments.Add(node);
        var client = new ClientOptions(User: User);
        Add(command, client);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("onnode", token =>
            RunAsync(parse.GetValue(node), client, parse, token), ct));
        return command;
    }

    private static readonly UserOption User = new("run as this user: root, a name from the cluster's /etc/passwd, or a numeric uid");

    private static readonly Option<bool> Pin = new("--pin") { Description = "pin the process to its node: it never migrates" };

    private static readonly Option<string> Cwd = new("--cwd") { Description = "the working directory (default /)", DefaultValueFactory = _ => "/" };

    private static readonly Argument<string[]> Program = new("program") { Description = "the program and its arguments", Arity = ArgumentArity.OneOrMore };

    private static void Add(Command command, ClientOptions client)
    {
        client.AddTo(command);
        command.Options.Add(Cwd);
        command.Options.Add(Pin);
        command.Arguments.Add(Program);
    }

    /// <summary>
    /// Everything after the program's name is the program's, even words that look like ssi's options
    /// (<c>ssi run ls -l</c>): a "--" is put before the program, once ssi's own options and arguments are passed.
    /// </summary>
    public static string[] SeparateProgramArguments(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("run" or "onnode") || args.Contains("--")) return args;
        var i = 1;
        var positionalsOfSsi = args[0] == "onnode" ? 1 : 0;
        while (i < args.Length)
        {
            if (ValueOptions.Contains(args[i])) i += 2;
            else if (args[i] == "--pin") i++;
            else if (args[i] is "-h" or "--help" or "-?") return args;
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && args[i].Contains('=')) i++;
            else if (positionalsOfSsi > 0)
            {
                positionalsOfSsi--;
                i++;
            }
            else break;
        }
        return i >= args.Length ? args : [.. args[..i], "--", .. args[i..]];
    }

    private static Task<int> RunAsync(int node, ClientOptions client, ParseResult parse, CancellationToken ct)
    {
        var argv = parse.GetValue(Program) ?? [];
        if (argv.Length == 0) throw CliException.Usage("a program to run is needed");
        return RunAttachedAsync(node, argv, client, parse, parse.GetValue(Cwd) ?? "/", parse.GetValue(Pin), null, ct);
    }

    /// <summary>
    /// Runs <paramref name="argv"/> on <paramref name="node"/> (0: the contact node) attached to this terminal, and
    /// returns its shell status. <paramref name="environment"/> adds to (or replaces) the variables every run gets.
    /// </summary>
    internal static async Task<int> RunAttachedAsync(int node, string[] argv, ClientOptions client, ParseResult parse, string cwd, bool pin,
        Func<SsiClient, IReadOnlyDictionary<string, string>>? environmentFor, CancellationToken ct)
    {
        await using var cluster = await client.ConnectAsync(parse, ct);
        var ended = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stdout = StandardOutput.Open(StandardOutput.StdoutFd);
        var stderr = StandardOutput.Open(StandardOutput.StderrFd);
        var attachment = cluster.ActorOf(TerminalAttachment.Props(stdout, stderr, ended, cluster.Settings), "terminal");
        // The attachment dies with the client's actor system, which the transport stops if its contact node is killed
        // mid-handshake: then the terminal is as lost as if its node had gone (and it may have).
        _ = cluster.ActorsLost.ContinueWith(_ => ended.TrySetException(new TerminalAttachment.TerminalLost()), TaskScheduler.Default);
        var environment = ImmutableDictionary<string, string>.Empty
            .Add("PATH", "/bin")
            .Add("USER", client.UserIn(parse) ?? cluster.UserName)
            .Add("TERM", Environment.GetEnvironmentVariable("TERM") ?? "dumb");
        // The program sees a terminal where the host has one, and the host terminal's width (as ls asks the kernel for it).
        var streams = new HostStreams(HostTerminal.IsTerminal(StandardOutput.StdinFd), HostTerminal.IsTerminal(StandardOutput.StdoutFd),
            HostTerminal.IsTerminal(StandardOutput.StderrFd));
        if (streams.StdoutIsTerminal && HostTerminal.Columns(StandardOutput.StdoutFd) is { } columns)
            environment = environment.Add("COLUMNS", columns.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (environmentFor is not null) environment = environment.SetItems(environmentFor(cluster));
        // Keys go raw to the terminal device, whose line discipline edits, echoes and signals (a host pipe stays a
        // pipe); from before the program starts, so that what is typed meanwhile is echoed by that terminal only.
        if (streams.StdinIsTerminal) HostTerminal.SetRaw();
        ProgramStarted started;
        try
        {
            started = await cluster.Processes.RunAsync(node, argv, environment, cwd, attachment, pin, ct, streams);
        }
        catch
        {
            HostTerminal.Restore();
            throw;
        }
        attachment.Tell(new TerminalAttachment.Attach(started.Terminal));
        using var keys = ForwardKeys(attachment);
        new Thread(() => PumpStdin(attachment)) { IsBackground = true, Name = "ssi-run-stdin" }.Start();
        int status;
        try
        {
            status = await ended.Task;
        }
        catch (TerminalAttachment.ProcessLost e)
        {
            return Killed(argv[0], e.Message);
        }
        catch (TerminalAttachment.TerminalLost e)
        {
            // Its terminal's node is gone; the process may have been there too, or live on elsewhere without it.
            if (await LostWithANodeAsync(cluster, started.Pid, ct)) return Killed(argv[0], "its node and its terminal's left the cluster");
            throw new CliException(Errno.EHOSTDOWN, $"process {started.Pid}: {e.Message}; it runs on without it");
        }
        finally
        {
            HostTerminal.Restore();
        }
        if (WaitStatus.IfSignaled(status) && WaitStatus.TermSig(status) is not (Signal.SIGINT or Signal.SIGPIPE) and var signal)
            Console.Error.WriteLine($"ssi: {argv[0]}: {Signal.Describe(signal)}{(WaitStatus.CoreDumped(status) ? " (core dumped)" : "")}");
        return WaitStatus.ShellCode(status);
    }

    /// <summary>A process that died with its node: killed, as Linux reports a SIGKILL (exit status 137).</summary>
    private static int Killed(string program, string why)
    {
        Console.Error.WriteLine($"ssi: {program}: {Signal.Describe(Signal.SIGKILL)} ({why})");
        return WaitStatus.ShellCode(WaitStatus.Signaled(Signal.SIGKILL));
    }

    /// <summary>
    /// Whether process <paramref name="pid"/> died with a node. The terminal was on the contact node, so that node is
    /// likely gone too: the question goes to another, which asks every node that is up whether it hosts the process.
    /// </summary>
    private static async Task<bool> LostWithANodeAsync(SsiClient cluster, Pid pid, CancellationToken ct)
    {
        cluster.LeaveContact();
        try
        {
            return await cluster.Processes.LostAsync(pid, ct) == true;
        }
        catch (ClientException)
        {
            return false; // no node answered: nothing can be said
        }
    }

    /// <summary>SIGINT, SIGQUIT and SIGTSTP sent to ssi (from a host that still has ISIG, or kill) go to the program's process group.</summary>
    private static IDisposable ForwardKeys(IActorRef attachment)
    {
        var registrations = new List<PosixSignalRegistration>();
        foreach (var (posix, signal) in new[] { (PosixSignal.SIGINT, Signal.SIGINT), (PosixSignal.SIGQUIT, Signal.SIGQUIT), (PosixSignal.SIGTSTP, Signal.SIGTSTP) })
        {
            registrations.Add(PosixSignalRegistration.Create(posix, context =>
            {
                context.Cancel = true;
                attachment.Tell(new TerminalAttachment.Key(signal));
            }));
        }
        return new Registrations(registrations);
    }

    private sealed class Registrations(List<PosixSignalRegistration> all) : IDisposable
    {
        public void Dispose() => all.ForEach(r => r.Dispose());
    }

    /// <summary>
    /// Reads descriptor 0 itself on a thread of its own (a read may wait for a key for ever), so a terminal in
    /// non-canonical mode gives each key as it is typed; each chunk waits until the terminal has room for it.
    /// </summary>
    internal static void PumpStdin(IActorRef attachment)
    {
        using var stdin = StandardOutput.OpenInput();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int n;
            try
            {
                n = stdin.Read(buffer);
            }
            catch (IOException)
            {
                n = 0;
            }
            var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            attachment.Tell(new TerminalAttachment.Input(n == 0 ? null : buffer[..n], sent));
            sent.Task.Wait();
            if (n == 0) return;
        }
    }
}
