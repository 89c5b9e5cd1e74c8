// Entry point of `ssi`: the CLI verbs, and `ssi node`, which runs a node process.
using System.CommandLine;
using Ssi.Host.Cli;

namespace Ssi.Host;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = SsiCommandLine.Build();
        if (args.Length == 0) return await root.Parse(["--help"]).InvokeAsync();
        args = Cli.Commands.Processes.KillCommand.SeparateSignal(Cli.Commands.Processes.RunCommand.SeparateProgramArguments(args));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line: the most telling error (an unknown word explains the others).
            var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            Console.Error.WriteLine($"ssi: {ForPeople(error.Message)} (see 'ssi --help')");
            return ExitCodes.Usage;
        }
        // A program attached by run or onnode gets Ctrl-C as SIGINT; ssi itself must not stop on it.
        var attached = args[0] is "run" or "onnode";
        return await parse.InvokeAsync(attached ? new InvocationConfiguration { ProcessTerminationTimeout = null } : null);
    }

    /// <summary>The parser names .NET types ("System.Nullable`1[System.Int32]"); people want to hear "a number".</summary>
    private static string ForPeople(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message, @"as expected type '[^']*(Int32|Int64|Double)[^']*'", "as a number");
}
