// `ssi add N...`: boot more nodes into the running cluster; nodes already up are skipped.
using System.CommandLine;

namespace Ssi.Host.Cli.Commands;

public static class AddCommand
{
    public static Command Create()
    {
        var nodes = NodeNumberOption.LocalArguments("node", "node numbers to boot");
        var command = new Command("add", """
            Boot more nodes into the running local cluster and wait until they are UP. Nodes already up are skipped.

            Examples:
              ssi add 4
              ssi add 3 5
            """);
        command.Arguments.Add(nodes);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("add", async token =>
        {
            await SsiCommandLine.LauncherForRunningCluster().AddAsync(parse.GetValue(nodes) ?? [], token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
