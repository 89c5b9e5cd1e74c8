// `ssi kill [-SIG | -s SIG] PID|-PGID...` and `ssi kill -l`: signals to processes anywhere in the cluster.
using System.CommandLine;
using System.Globalization;
using Ssi.Actors.Signals;

namespace Ssi.Host.Cli.Commands.Processes;

public static class KillCommand
{
    public static Command Create()
    {
        var signal = new Option<string>("--signal", "-s") { Description = "the signal, by name (TERM, SIGTERM) or number (default TERM)", DefaultValueFactory = _ => "TERM" };
        var list = new Option<bool>("--list", "-l") { Description = "list the signal names" };
        var client = new ClientOptions(User: new UserOption());
        var targets = new Argument<string[]>("target") { Description = "PIDs, or -PGID for a process group", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("kill", """
            Send a signal to processes on any node: a PID, or -PGID for every process of a group. The sender must be
            root or the processes' user (EPERM otherwise). Signal 0 only checks that the process exists.

            Examples:
              ssi kill 2000017            (SIGTERM)
              ssi kill -9 2000017
              ssi kill -INT -- -1000004   (the process group 1000004)
              ssi kill -s HUP 3000002 --user ann
              ssi kill -l
            """);
        command.Options.Add(signal);
        command.Options.Add(list);
        client.AddTo(command);
        command.Arguments.Add(targets);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("kill", async token =>
        {
            if (parse.GetValue(list))
            {
                Console.WriteLine(string.Join(' ', Enumerable.Range(1, Signal.Max).Select(Signal.Name)));
                return ExitCodes.Ok;
            }
            var spec = parse.GetValue(signal) ?? "TERM";
            if (!Signal.TryParse(spec, out var number))
                throw CliException.Usage($"{spec}: invalid signal specification");
            var pids = new List<int>();
            foreach (var text in parse.GetValue(targets) ?? [])
            {
                if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pid) || pid == 0)
                    throw CliException.Usage($"{text}: arguments must be process or job IDs");
                pids.Add(pid);
            }
            if (pids.Count == 0) throw CliException.Usage("a PID or -PGID is needed (see 'ssi kill --help')");
            await using var cluster = await client.ConnectAsync(parse, token);
            var status = ExitCodes.Ok;
            foreach (var pid in pids)
            {
                var killed = await cluster.Processes.KillAsync(pid, number, ct: token);
                if (!killed.IsOk) status = CliErrors.Report("kill", killed); // a target that is gone or not ours: on to the next
            }
            return status;
        }, ct));
        return command;
    }

    /// <summary>
    /// kill's first word may be a signal written as an option (<c>-9</c>, <c>-TERM</c>, <c>-SIGHUP</c>): it becomes
    /// <c>--signal X</c>. A negative number elsewhere is a process group; the parser takes it as an argument as it is,
    /// so nothing else is rewritten and options after the targets still parse.
    /// </summary>
    public static string[] SeparateSignal(string[] args)
    {
        if (args.Length < 2 || args[0] != "kill") return args;
        var first = args[1];
        if (first.Length < 2 || first[0] != '-' || first.StartsWith("--", StringComparison.Ordinal) || first is "-s" or "-l" or "-h" or "-?")
            return args;
        return ["kill", "--signal", first[1..], .. args[2..]];
    }
}
