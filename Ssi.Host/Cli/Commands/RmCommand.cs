// `ssi rm N...`: crash nodes with SIGKILL, telling nobody; the survivors find out by node monitoring.
using System.CommandLine;

namespace Ssi.Host.Cli.Commands;

public static class RmCommand
{
    public static Command Create()
    {
        var nodes = NodeNumberOption.LocalArguments("node", "node numbers to kill");
        var command = new Command("rm", """
            Kill nodes abruptly (SIGKILL), as a crash would. Nobody is told: the other nodes detect it,
            and the Split Brain Resolver marks the node DOWN after a few seconds. Refused for a node that is not up.

            Examples:
              ssi rm 3
              ssi rm 2 3
            """);
        command.Arguments.Add(nodes);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("rm", async token =>
        {
            await SsiCommandLine.LauncherForRunningCluster().RemoveAsync(parse.GetValue(nodes) ?? [], token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
