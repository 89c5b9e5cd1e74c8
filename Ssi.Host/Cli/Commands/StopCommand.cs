// `ssi stop`: shut every node down in order (leave, hand off, exit); no node process is left behind.
using System.CommandLine;

namespace Ssi.Host.Cli.Commands;

public static class StopCommand
{
    public static Command Create()
    {
        var command = new Command("stop", """
            Shut the local cluster down in order, highest node first: each node leaves the cluster, hands off its work
            and exits. A node that does not leave within ssi.launcher.stop-timeout is killed.

            Example:
              ssi stop
            """);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("stop", async token =>
        {
            await SsiCommandLine.LauncherForRunningCluster().StopAsync(token);
            Console.WriteLine("cluster stopped");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
