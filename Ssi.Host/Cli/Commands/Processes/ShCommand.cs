// `ssi sh [--node N] [-c SCRIPT | FILE] [ARGS...]`: the cluster's shell, interactive on this terminal or running a script.
using System.CommandLine;
using Ssi.Actors.Errors;

namespace Ssi.Host.Cli.Commands.Processes;

public static class ShCommand
{
    private static readonly Option<string> Script = new("-c") { Description = "run SCRIPT (the arguments after it are $0, $1...)", HelpName = "SCRIPT" };

    private static readonly Option<string> Cwd = new("--cwd") { Description = "the working directory (default /; an interactive login shell starts in $HOME)" };

    private static readonly Argument<string[]> Arguments = new("args")
    {
        Description = "a script file on this host and its arguments, or with -c, $0 and the arguments",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Command Create()
    {
        var client = new ClientOptions(new NodeOption("run the shell on this node (default: the contact node)"), new UserOption("run as this user: root, a name from the cluster's /etc/passwd, or a numeric uid"));
        var command = new Command("sh", """
            Run the cluster's shell (/bin/sh) as a process on a node, attached to this terminal. Without a script it is
            an interactive login shell (prompt, $HOME, ~/.profile, job control) when stdin is a terminal, and reads
            commands from stdin otherwise. Each command runs where the shell runs unless placed with 'onnode N CMD';
            the shell itself can move ('migrate N'). ssi exits with the shell's status.

            Examples:
              ssi sh
              ssi sh --node 2 -c 'onnode 2 cat /etc/passwd | onnode 3 grep ann | wc -l'
              ssi sh ./build.sh release
              echo 'echo $((6*7))' | ssi sh
            """);
        client.AddTo(command);
        command.Options.Add(Script);
        command.Options.Add(Cwd);
        command.Arguments.Add(Arguments);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("sh", token => RunAsync(client, parse, token), ct));
        return command;
    }

    private static Task<int> RunAsync(ClientOptions client, ParseResult parse, CancellationToken ct)
    {
        var rest = parse.GetValue(Arguments) ?? [];
        var script = parse.GetValue(Script);
        var interactive = false;
        string[] argv;
        if (script is not null) argv = ["sh", "-c", script, .. rest];
        else if (rest.Length > 0)
        {
            // A script on this host: its text goes as -c, with its name as $0.
            string text;
            try
            {
                text = File.ReadAllText(rest[0]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                var errno = e is FileNotFoundException or DirectoryNotFoundException ? Errno.ENOENT : e is UnauthorizedAccessException ? Errno.EACCES : Errno.EIO;
                throw new CliException(errno, $"{rest[0]}: {errno.Describe()}");
            }
            argv = ["sh", "-c", text, .. rest];
        }
        else
        {
            interactive = HostTerminal.IsTerminal(StandardOutput.StdinFd);
            argv = interactive ? ["sh", "-i", "-l"] : ["sh", "-s"];
        }
        var node = client.NodeIn(parse) ?? 0;
        var cwd = parse.GetValue(Cwd);
        // A login shell goes to $HOME itself, as login(1) would have.
        return RunCommand.RunAttachedAsync(node, argv, client, parse, cwd ?? "/", pin: false, cluster =>
        {
            var user = client.UserIn(parse) ?? cluster.UserName;
            return new Dictionary<string, string> { ["HOME"] = user == "root" ? "/root" : "/home/" + user, ["SHELL"] = "/bin/sh", ["LOGNAME"] = user };
        }, ct);
    }

    /// <summary>Everything after -c SCRIPT or the script's file name is the shell's, even words like ssi's options.</summary>
    public static string[] SeparateShellArguments(string[] args)
    {
        if (args.Length == 0 || args[0] != "sh" || args.Contains("--")) return args;
        var i = 1;
        while (i < args.Length)
        {
            if (args[i] is "--node" or "--user" or "--cwd") i += 2;
            else if (args[i] is "-h" or "--help" or "-?") return args;
            else if (args[i] == "-c") return i + 2 >= args.Length ? args : [.. args[..(i + 2)], "--", .. args[(i + 2)..]];
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && args[i].Contains('=')) i++;
            else break;
        }
        return i >= args.Length ? args : [.. args[..i], "--", .. args[i..]];
    }
}
