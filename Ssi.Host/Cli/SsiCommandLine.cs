// The command tree of `ssi`, and the one place where a command's failure becomes a message and an exit code.
using System.CommandLine;
using Akka.Configuration;
using Ssi.Actors.Configuration;
using Ssi.Actors.Errors;
using Ssi.Host.Cli.Commands;
using Ssi.Host.Client;
using Ssi.Host.Launcher;
using Ssi.Host.Node;

namespace Ssi.Host.Cli;

public static class SsiCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("""
            ssi: a single-system-image cluster runtime. Boot a local cluster of node processes and drive it.
            All state of a local cluster lives under $SSI_HOME (default ~/.ssi).

            Examples:
              ssi start            boot nodes 1..3 and wait until all are UP
              ssi cluster          list every node with its state
              ssi rm 3             crash node 3 (SIGKILL); the others notice by themselves
              ssi add 3            boot node 3 again
              ssi onnode 2 cat /etc/motd   run a program on node 2, attached to this terminal
              ssi sh               the cluster's shell: pipelines across nodes, jobs, scripts
              ssi ps               every process of the cluster, with its node
              ssi stop             shut the whole cluster down
            """);
        root.Subcommands.Add(StartCommand.Create());
        root.Subcommands.Add(AddCommand.Create());
        root.Subcommands.Add(RmCommand.Create());
        root.Subcommands.Add(StopCommand.Create());
        root.Subcommands.Add(ClusterCommand.Create());
        root.Subcommands.Add(NodeCommand.Create());
        root.Subcommands.Add(Commands.Fs.FsCommand.Create());
        root.Subcommands.Add(MkrootCommand.Create());
        root.Subcommands.Add(Commands.Processes.RunCommand.Create());
        root.Subcommands.Add(Commands.Processes.RunCommand.CreateOnnode());
        root.Subcommands.Add(Commands.Processes.ShCommand.Create());
        root.Subcommands.Add(ConsoleCommand.Create());
        root.Subcommands.Add(Commands.Processes.PsCommand.Create());
        root.Subcommands.Add(Commands.Processes.WhereCommand.Create());
        root.Subcommands.Add(Commands.Processes.KillCommand.Create());
        root.Subcommands.Add(Commands.Processes.MigrateCommand.Create());
        root.Subcommands.Add(Commands.Processes.MigrateCommand.CreatePin());
        root.Subcommands.Add(Commands.Processes.LoadLevelCommand.Create());
        root.Subcommands.Add(UserCommand.Create());
        root.Subcommands.Add(HostCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ChaosCommand.Create());
        // The help's width from the terminal itself: asking Console for it writes terminfo's keypad sequence to the terminal.
        foreach (var help in root.Options.OfType<System.CommandLine.Help.HelpOption>())
            if (help.Action is System.CommandLine.Help.HelpAction action) action.MaxWidth = HostTerminal.Columns(StandardOutput.StdoutFd) ?? int.MaxValue;
        return root;
    }

    /// <summary>Parses argv as ssi does: kill's signal and run's program arguments are set apart first.</summary>
    public static ParseResult Parse(string[] args) =>
        Build().Parse(Commands.Processes.KillCommand.SeparateSignal(Commands.Processes.ShCommand.SeparateShellArguments(Commands.Processes.RunCommand.SeparateProgramArguments(args))));

    /// <summary>
    /// The one line for a parse that failed, in the format of every other failure: "ssi: VERB: message (EINVAL)".
    /// The most telling error is chosen (an unknown word explains the others).
    /// </summary>
    public static string UsageError(ParseResult parse)
    {
        var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
        var verbs = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            if (r.Command is not RootCommand) verbs.Insert(0, r.Command.Name);
        var verb = string.Join(' ', verbs);
        var message = ForPeople(error.Message);
        if (verb.Length == 0 && parse.UnmatchedTokens.Count > 0)
            return CliErrors.Line(parse.UnmatchedTokens[0], Errno.EINVAL, "unknown command; see 'ssi --help'");
        return verb.Length == 0
            ? $"ssi: {message}; see 'ssi --help' (EINVAL)"
            : CliErrors.Line(verb, Errno.EINVAL, $"{message}; see 'ssi {verb} --help'");
    }

    /// <summary>The parser names .NET types ("System.Nullable`1[System.Int32]"); people want to hear "a number".</summary>
    private static string ForPeople(string message)
    {
        message = System.Text.RegularExpressions.Regex.Replace(message, @"as expected type '[^']*(Int32|Int64|Double)[^']*'", "as a number");
        message = System.Text.RegularExpressions.Regex.Replace(message, @"\s*\n\s*", " ").TrimEnd('.');
        return message.Length > 0 && char.IsUpper(message[0]) && !(message.Length > 1 && char.IsUpper(message[1]))
            ? char.ToLowerInvariant(message[0]) + message[1..]
            : message;
    }

    /// <summary>Files given with --config, over the embedded defaults.</summary>
    public static Option<string[]> ConfigOption(string description) => new("--config")
    {
        Description = description,
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public static Config LoadConfig(IEnumerable<string>? files)
    {
        try
        {
            return NodeHost.ComposeConfig(Config.Empty, (files ?? []).Select(SsiConfig.FromFile));
        }
        catch (FileNotFoundException e)
        {
            throw new CliException(Errno.ENOENT, e.Message, FailureKind.Usage);
        }
        catch (Exception e) when (e is ConfigurationException or FormatException)
        {
            throw new CliException(Errno.EINVAL, "bad config: " + e.Message, FailureKind.Usage);
        }
    }

    public static LocalCluster Launcher(Config config) =>
        new(SsiHome.FromEnvironment(), config, line => Console.WriteLine(line));

    /// <summary>
    /// A launcher for the cluster already running in $SSI_HOME, with the config files it was started with; its
    /// <see cref="LocalCluster.Connect"/> is how every command reaches the cluster (<see cref="ClientOptions.ConnectAsync"/>).
    /// </summary>
    public static LocalCluster LauncherForRunningCluster() =>
        Launcher(LoadConfig(ClusterRunFile.Read(SsiHome.FromEnvironment())?.ExtraConfigs));

    /// <summary>Runs a command body; expected failures print one line, never a stack trace.</summary>
    public static async Task<int> RunAsync(string verb, Func<CancellationToken, Task<int>> body, CancellationToken ct)
    {
        try
        {
            return await body(ct);
        }
        catch (ErrnoException e)
        {
            // The client's, the launcher's and the CLI's own failures alike: one line, one exit status.
            Console.Error.WriteLine(CliErrors.Line(verb, e));
            return CliErrors.ExitCode(e);
        }
        catch (IOException e) when (StandardOutput.IsBrokenPipe(e))
        {
            return ExitCodes.BrokenPipe; // the reader is gone (| head): stop at once and quietly, as SIGPIPE would
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine(CliErrors.Line(verb, Errno.EINTR, "interrupted"));
            return 130;
        }
        catch (Exception e)
        {
            var log = LogInternalError(verb, e);
            Console.Error.WriteLine($"ssi: {verb}: internal error: {e.Message} (EIO; details in {log})");
            return ExitCodes.Failure;
        }
    }

    private static string LogInternalError(string verb, Exception e)
    {
        var home = SsiHome.FromEnvironment();
        try
        {
            Directory.CreateDirectory(home.LogDir);
            var file = Path.Combine(home.LogDir, "cli.log");
            File.AppendAllText(file, $"{DateTimeOffset.UtcNow:O} ssi {verb}: {e}{Environment.NewLine}");
            return file;
        }
        catch (IOException)
        {
            return "(no log: cannot write under " + home.Root + ")";
        }
    }
}
