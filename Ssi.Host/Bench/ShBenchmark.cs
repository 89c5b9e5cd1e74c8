// Shell benchmark: a loop of fork+exec under the cluster's sh and a 3-node pipeline, each beside dash and a host pipeline in the same run.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Ssi.Cfs.Permissions;
using Ssi.Host.Cli;
using Ssi.Host.Client;
using Ssi.Host.Launcher;
using Row = Ssi.Host.Bench.ProcBenchmark.Row;

namespace Ssi.Host.Bench;

public static class ShBenchmark
{
    public static Command Command()
    {
        var commands = new Option<int>("--commands") { Description = "commands in the timed loop", DefaultValueFactory = _ => 1000 };
        var megabytes = new Option<int>("--megabytes") { Description = "MiB through the 3-stage pipeline", DefaultValueFactory = _ => 100 };
        var rounds = new Option<int>("--rounds") { Description = "timed rounds of each case", DefaultValueFactory = _ => 5 };
        var warmup = new Option<double>("--warmup") { Description = "seconds of untimed work before each case is timed", DefaultValueFactory = _ => 3 };
        var json = new JsonOption();
        var command = new Command("sh", """
            Boots a 3-node cluster in a temporary $SSI_HOME and measures the cluster's sh, each beside a baseline
            measured in the same run (medians of --rounds):
              - a loop of --commands /bin/true commands (each a fork and an exec) under 'sh -c' on node 1, against
                the same script under the host's dash;
              - 'onnode 1 head -c N /dev/zero | onnode 2 cat | onnode 3 wc -c' moving --megabytes MiB, against the
                same pipeline of host processes, and against a bare Akka.Remote stream of 64 KiB chunks from node 1
                to node 2 (at most 4 unacknowledged).
            Each case runs untimed for --warmup seconds first (.NET optimises a path once it has run a while).

            Examples:
              ssi bench sh
              ssi bench sh --commands 200 --megabytes 16 --rounds 3 --json
            """);
        foreach (var o in new Option[] { commands, megabytes, rounds, warmup, json }) command.Options.Add(o);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("bench sh", async token =>
        {
            if (parse.GetValue(commands) < 1 || parse.GetValue(megabytes) < 1 || parse.GetValue(rounds) < 1 || parse.GetValue(warmup) < 0)
                throw CliException.Usage("--commands, --megabytes and --rounds must be at least 1, --warmup at least 0");
            var quiet = parse.GetValue(json);
            var rows = new List<Row>();
            await BootBenchmark.WithClusterAsync(3, token, async (cluster, _) => rows.AddRange(await MeasureAsync(cluster,
                parse.GetValue(commands), (long)parse.GetValue(megabytes) << 20, parse.GetValue(rounds), parse.GetValue(warmup), quiet, token)));
            Console.Write(quiet ? ProcBenchmark.Json(rows, "sh") : ProcBenchmark.Table(rows));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static string Loop(int count) => $"i=0; while [ $i -lt {count} ]; do /bin/true; i=$((i+1)); done";

    private static string Pipeline(long bytes, bool onNodes) =>
        onNodes ? $"onnode 1 head -c {bytes} /dev/zero | onnode 2 cat | onnode 3 wc -c" : $"head -c {bytes} /dev/zero | cat | wc -c";

    private static async Task<List<Row>> MeasureAsync(LocalCluster cluster, int commands, long bytes, int rounds, double warmup, bool quiet, CancellationToken ct)
    {
        void Say(string line) => (quiet ? Console.Error : Console.Out).WriteLine(line);
        await using var client = new SsiClient(cluster.Connect(), Credentials.Root);
        var rows = new List<Row>();
        var warm = TimeSpan.FromSeconds(warmup);

        Say($"a loop of {commands} fork+exec commands: sh on node 1, dash on the host");
        await WarmAsync(warm, () => ShellAsync(client, Loop(Math.Max(1, commands / 10)), ct));
        var ssiLoop = new List<double>();
        for (var i = 0; i < rounds; i++) ssiLoop.Add(await ShellAsync(client, Loop(commands), ct) * 1e6 / commands);
        await WarmAsync(warm, () => Task.FromResult(Host(Loop(Math.Max(1, commands / 10)))));
        var dashLoop = Enumerable.Range(0, rounds).Select(_ => Host(Loop(commands)) * 1e6 / commands).ToList();
        rows.Add(new Row($"sh loop of {commands} /bin/true, per command", "us", ssiLoop, "dash on the host, per command", dashLoop));

        Say($"{bytes >> 20} MiB through a 3-stage pipeline across nodes 1, 2, 3");
        var small = Math.Max(1L << 20, bytes / 10);
        await WarmAsync(warm, () => ShellAsync(client, Pipeline(small, onNodes: true), ct));
        var ssiPipe = new List<double>();
        for (var i = 0; i < rounds; i++) ssiPipe.Add(bytes / (await ShellAsync(client, Pipeline(bytes, onNodes: true), ct) * 1e6));
        var hostPipe = Enumerable.Range(0, rounds + 1).Select(_ => bytes / (Host(Pipeline(bytes, onNodes: false)) * 1e6)).Skip(1).ToList();
        await client.Processes.StreamAsync(1, 2, 65536, bytes / 4, 4, TimeSpan.FromMinutes(10), ct);
        var akka = new List<double>();
        for (var i = 0; i < rounds; i++) akka.Add((await client.Processes.StreamAsync(1, 2, 65536, bytes, 4, TimeSpan.FromMinutes(10), ct)).MegabytesPerSecond);
        rows.Add(new Row("sh pipeline across 3 nodes", "MB/s", ssiPipe, "host pipeline head | cat | wc", hostPipe));
        rows.Add(new Row("sh pipeline across 3 nodes", "MB/s", ssiPipe, "Akka.Remote stream, 64 KiB chunks", akka));
        return rows;
    }

    private static async Task WarmAsync(TimeSpan warmup, Func<Task<double>> run)
    {
        var clock = Stopwatch.StartNew();
        do await run();
        while (clock.Elapsed < warmup);
    }

    /// <summary>Seconds for 'sh -c SCRIPT' on node 1, from its start to its exit.</summary>
    private static async Task<double> ShellAsync(SsiClient client, string script, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await ProcBenchmark.RunAsync(client, 1, ["sh", "-c", script], ct);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Seconds for the host's dash (or /bin/sh) to run SCRIPT.</summary>
    private static double Host(string script)
    {
        var shell = File.Exists("/bin/dash") ? "/bin/dash" : "/bin/sh";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo(shell, ["-c", script]) { UseShellExecute = false, RedirectStandardOutput = true })!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new CliException(Ssi.Actors.Errors.Errno.EIO, $"{shell} -c '{script}' exited {process.ExitCode}");
        return clock.Elapsed.TotalSeconds;
    }
}
