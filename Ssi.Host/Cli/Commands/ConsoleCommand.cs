// `ssi console N`: this terminal attached to node N's console, as a serial console or the machine's screen would be.
using System.CommandLine;
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Host.Cli.Commands.Processes;

namespace Ssi.Host.Cli.Commands;

public static class ConsoleCommand
{
    /// <summary>How long the end of input may take to reach the console before ssi leaves anyway.</summary>
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var node = NodeNumberOption.Argument("node", "the node whose console to attach to");
        var command = new Command("console", """
            Attach this terminal to node N's console: what processes write to /devfs/nodeN/console (or to /dev/console
            on node N) appears here, and what is typed here is what they read from it. One client is attached at a
            time (EBUSY for a second); with none, the console's output goes to node N's log and its reads wait. End of
            input (Ctrl-D) detaches, after the reads waiting then get end of file; Ctrl-C detaches at once. Root only:
            the console is root's, as on Linux.

            Examples:
              ssi console 2
              echo hello | ssi run --node 3 tee /devfs/node2/console
            """);
        command.Arguments.Add(node);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("console", token => AttachAsync(parse.GetValue(node), parse, token), ct));
        return command;
    }

    private static async Task<int> AttachAsync(int node, ParseResult parse, CancellationToken ct)
    {
        await using var cluster = await new ClientOptions().ConnectAsync(parse, ct);
        var ended = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var attachment = cluster.ActorOf(TerminalAttachment.Props(StandardOutput.Open(StandardOutput.StdoutFd), StandardOutput.Open(StandardOutput.StderrFd),
            ended, cluster.Settings), "console");
        _ = cluster.ActorsLost.ContinueWith(_ => ended.TrySetException(new TerminalAttachment.TerminalLost()), TaskScheduler.Default);
        var opened = await cluster.Processes.AttachConsoleAsync(node, attachment, ct);
        attachment.Tell(new TerminalAttachment.Attach(opened.Console));
        Console.Error.WriteLine($"ssi: attached to node {node}'s console; end of input (Ctrl-D) detaches");
        new Thread(() =>
        {
            RunCommand.PumpStdin(attachment);
            var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            attachment.Tell(new TerminalAttachment.Flush(flushed));
            flushed.Task.WaitAsync(FlushTimeout).ContinueWith(_ => ended.TrySetResult(ExitCodes.Ok), TaskScheduler.Default);
        }) { IsBackground = true, Name = "ssi-console-stdin" }.Start();
        try
        {
            return await ended.Task;
        }
        catch (TerminalAttachment.TerminalLost)
        {
            throw new CliException(Errno.EHOSTDOWN, $"lost node {node}'s console (its node, or the contact node, left the cluster)");
        }
        finally
        {
            HostTerminal.Restore();
        }
    }
}
