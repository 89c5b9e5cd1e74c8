// Entry point of `ssi`: the CLI verbs, and `ssi node`, which runs a node process.
using System.CommandLine;
using Ssi.Host.Cli;

namespace Ssi.Host;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = SsiCommandLine.Build();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"ssi: {parse.Errors[0].Message} (see 'ssi --help')");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync();
    }
}
