// Entry point of `ssi`: the CLI verbs, and `ssi node`, which runs a node process.
using System.CommandLine;
using Ssi.Host.Cli;

namespace Ssi.Host;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0) return await SsiCommandLine.Build().Parse(["--help"]).InvokeAsync();
        var parse = SsiCommandLine.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine(SsiCommandLine.UsageError(parse));
            return ExitCodes.Usage;
        }
        // A program attached by run or onnode gets Ctrl-C as SIGINT; ssi itself must not stop on it.
        var attached = args[0] is "run" or "onnode";
        return await parse.InvokeAsync(attached ? new InvocationConfiguration { ProcessTerminationTimeout = null } : null);
    }
}
