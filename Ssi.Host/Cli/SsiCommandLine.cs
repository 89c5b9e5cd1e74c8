// The command tree of `ssi`, and the one place where a command's failure becomes a message and an exit code.
using System.CommandLine;
using Akka.Configuration;
using Ssi.Actors.Configuration;
using Ssi.Actors.Errors;
using Ssi.Host.Cli.Commands;
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
        root.Subcommands.Add(Commands.Processes.PsCommand.Create());
        root.Subcommands.Add(Commands.Processes.WhereCommand.Create());
        root.Subcommands.Add(Commands.Processes.KillCommand.Create());
        root.Subcommands.Add(Commands.Processes.MigrateCommand.Create());
        root.Subcommands.Add(Commands.Processes.MigrateCommand.CreatePin());
        root.Subcommands.Add(Commands.Processes.LoadLevelCommand.Create());
        root.Subcommands.Add(UserCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        return root;
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
            throw new CliException(Errno.ENOENT, e.Message, ExitCodes.Usage);
        }
        catch (Exception e) when (e is ConfigurationException or FormatException)
        {
            throw new CliException(Errno.EINVAL, "bad config: " + e.Message, ExitCodes.Usage);
        }
    }

    public static LocalCluster Launcher(Config config) =>
        new(SsiHome.FromEnvironment(), config, line => Console.WriteLine(line));

    /// <summary>A launcher for the cluster already running in $SSI_HOME, with the config files it was started with.</summary>
    public static LocalCluster LauncherForRunningCluster() =>
        Launcher(LoadConfig(ClusterRunFile.Read(SsiHome.FromEnvironment())?.ExtraConfigs));

    /// <summary>Runs a command body; expected failures print one line, never a stack trace.</summary>
    public static async Task<int> RunAsync(string verb, Func<CancellationToken, Task<int>> body, CancellationToken ct)
    {
        try
        {
            return await body(ct);
        }
        catch (CliException e)
        {
            Console.Error.WriteLine(e.Render(verb));
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine($"ssi: {verb}: interrupted");
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
