// Entry point of `ssi`: the CLI verbs, and `ssi node`, which runs a node process.
using System.CommandLine;
using Ssi.Host.Cli;

namespace Ssi.Host;

public static class Program
{
    // How long an interrupted verb has to tidy up before the runtime ends it. Not config: it applies before any
    // config file is read, and it is the CLI's own manners rather than something a node or cluster tunes.
    private static readonly TimeSpan TidyUpAfterInterrupt = TimeSpan.FromSeconds(10);

    public static async Task<int> Main(string[] args)
    {
        // File names are bytes: take them from argv as they were, and write them back the same way.
        args = RawArguments.Recover(args);
        StandardOutput.WriteTextAsFileNameBytes();
        if (args.Length == 0) return await SsiCommandLine.Build().Parse(["--help"]).InvokeAsync();
        var parse = SsiCommandLine.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine(SsiCommandLine.UsageError(parse));
            return ExitCodes.Usage;
        }
        // A program attached by run or onnode gets Ctrl-C as SIGINT, and a node leaves in order on SIGINT/SIGTERM:
        // they handle the signals themselves. Every other verb is cancelled by them, so it can undo what it started
        // (fs put removes its temporary) and say "interrupted"; the parser's default would let the runtime kill it.
        var ownSignals = args[0] is "run" or "onnode" or "node" or "sh";
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = ownSignals ? null : TidyUpAfterInterrupt });
    }
}
