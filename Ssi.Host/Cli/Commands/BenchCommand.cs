// `ssi bench boot`: boot and failure-detection benchmarks over real node processes.
using System.CommandLine;
using Ssi.Host.Bench;

namespace Ssi.Host.Cli.Commands;

public static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks that print medians (a table, or JSON with --json).");
        command.Subcommands.Add(BootBenchmark.Command());
        command.Subcommands.Add(FsBenchmark.Command());
        command.Subcommands.Add(ProcBenchmark.Command());
        command.Subcommands.Add(MigrateBenchmark.Command());
        command.Subcommands.Add(PipeBenchmark.Command());
        command.Subcommands.Add(ShBenchmark.Command());
        command.Subcommands.Add(ToolsBenchmark.Command());
        return command;
    }
}
