// `ssi migrate PID NODE` and `ssi pin PID [--off]`: move a running process to another node, or keep it where it is.
using System.CommandLine;
using System.Globalization;
using Ssi.Actors.Identity;

namespace Ssi.Host.Cli.Commands.Processes;

public static class MigrateCommand
{
    private static ClientOptions Client() => new(User: new UserOption("act as this user (root, a name from /etc/passwd, or a uid); only root or the owner may"));

    public static Command Create()
    {
        var pid = new Argument<int>("pid") { Description = "the process" };
        var node = NodeNumberOption.Argument("node", "the node to move it to");
        var client = Client();
        var command = new Command("migrate", """
            Move a running process to another node. It keeps its PID, its open files and their offsets, its terminal,
            its parent and children, its signals and its place in the program; messages sent to it while it moves
            are delivered once, in order. Moving to the node it is on does nothing; a pinned process refuses (EPERM);
            a down or unknown node is refused and the process stays where it was (EHOSTDOWN). Init (PID 1) cannot move
            (EINVAL).

            Examples:
              ssi migrate 1000004 3
              ssi migrate 2000011 1 --user ann
            """);
        command.Arguments.Add(pid);
        command.Arguments.Add(node);
        client.AddTo(command);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("migrate", async token =>
        {
            var (p, n) = (parse.GetValue(pid), parse.GetValue(node));
            if (p < 1) throw CliException.Usage($"{p}: not a process id");
            await using var cluster = await client.ConnectAsync(parse, token);
            Console.WriteLine((await cluster.Processes.MigrateAsync(new Pid(p), new NodeNumber(n), token)).ToString());
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static Command CreatePin()
    {
        var pid = new Argument<int>("pid") { Description = "the process" };
        var off = new Option<bool>("--off") { Description = "unpin: let it move again" };
        var client = Client();
        var command = new Command("pin", """
            Pin a process to the node it runs on: migrate and load leveling leave it there (EPERM). --off unpins it.
            'ssi run --pin' starts a program pinned. Init (PID 1) never moves, so pinning or unpinning it is refused
            (EINVAL), as migrating it is.

            Examples:
              ssi pin 1000004
              ssi pin 1000004 --off
            """);
        command.Arguments.Add(pid);
        command.Options.Add(off);
        client.AddTo(command);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("pin", async token =>
        {
            var p = parse.GetValue(pid);
            if (p < 1) throw CliException.Usage($"{p}: not a process id");
            await using var cluster = await client.ConnectAsync(parse, token);
            await cluster.Processes.PinAsync(new Pid(p), !parse.GetValue(off), token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
