// `ssi start [N]`: boot a local cluster of N node processes and wait until all are UP.
using System.CommandLine;
using Ssi.Actors.Identity;

namespace Ssi.Host.Cli.Commands;

public static class StartCommand
{
    public static Command Create()
    {
        var count = new Argument<int>("count")
        {
            Description = $"how many nodes to boot, 1..{NodeNumber.LocalMax}",
            DefaultValueFactory = _ => 3,
        };
        var config = SsiCommandLine.ConfigOption("HOCON file that overrides the embedded defaults, for the launcher and every node");
        var command = new Command("start", """
            Boot nodes 1..N of a local cluster as real processes and return when all are UP.
            Refused if a cluster is already running in $SSI_HOME. Creates the cluster secret ($SSI_HOME/secret, mode 0600).

            Examples:
              ssi start
              ssi start 5
              ssi start 3 --config HOCON/local-cluster.conf
            """);
        command.Arguments.Add(count);
        command.Options.Add(config);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("start", async token =>
        {
            var files = parse.GetValue(config) ?? [];
            var launcher = SsiCommandLine.Launcher(SsiCommandLine.LoadConfig(files));
            await launcher.StartAsync(parse.GetValue(count), files, token);
            Console.WriteLine($"cluster is UP; logs in {launcher.Home.LogDir}; try 'ssi cluster'");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
