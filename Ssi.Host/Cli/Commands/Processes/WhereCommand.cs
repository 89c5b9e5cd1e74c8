// `ssi where PID...`: the node each process runs on (OpenSSI's where_pid).
using System.CommandLine;
using System.Globalization;
using Ssi.Actors.Identity;

namespace Ssi.Host.Cli.Commands.Processes;

public static class WhereCommand
{
    public static Command Create()
    {
        var pids = new Argument<string[]>("pid") { Description = "process ids", Arity = ArgumentArity.OneOrMore };
        var command = new Command("where", """
            Print the number of the node each process runs on, one line per PID, as where_pid does.

            Examples:
              ssi where 2000017
              ssi where 1 3000002
            """);
        command.Arguments.Add(pids);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("where", async token =>
        {
            var targets = parse.GetValue(pids)!;
            await using var cluster = await new ClientOptions().ConnectAsync(parse, token);
            var status = ExitCodes.Ok;
            foreach (var text in targets)
            {
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid < 1)
                    throw CliException.Usage($"{text}: not a process id");
                var info = await cluster.Processes.QueryAsync(new Pid(pid), token);
                if (!info.IsOk)
                    status = CliErrors.Report("where", info);
                else
                    Console.WriteLine(targets.Length > 1 ? $"{pid} {info.Value.Node}" : info.Value.Node.ToString());
            }
            return status;
        }, ct));
        return command;
    }
}
