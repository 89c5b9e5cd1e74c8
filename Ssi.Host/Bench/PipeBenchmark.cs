// Pipe benchmark: throughput on one node and across nodes, a ping-pong's latency and the memory of idle pipes, each beside a same-run baseline.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Ssi.Cfs.Permissions;
using Ssi.Host.Cli;
using Ssi.Host.Client;
using Ssi.Host.Launcher;
using Row = Ssi.Host.Bench.ProcBenchmark.Row;

namespace Ssi.Host.Bench;

public static class PipeBenchmark
{
    public static Command Command()
    {
        var megabytes = new Option<int>("--megabytes") { Description = "MiB piped in each timed round", DefaultValueFactory = _ => 64 };
        var rounds = new Option<int>("--rounds") { Description = "timed rounds of each throughput case", DefaultValueFactory = _ => 5 };
        var samples = new Option<int>("--samples") { Description = "timed ping-pong round trips", DefaultValueFactory = _ => 2000 };
        var warmup = new Option<double>("--warmup") { Description = "seconds of untimed work before each case is timed", DefaultValueFactory = _ => 3 };
        var idle = new Option<int>("--idle") { Description = "idle open pipes whose memory is measured", DefaultValueFactory = _ => 10_000 };
        var json = new JsonOption();
        var command = new Command("pipe", """
            Boots a 3-node cluster in a temporary $SSI_HOME and measures pipe(2), each beside a baseline measured in
            the same run (medians):
              - throughput from a writer to a reader through a pipe made on node 1, for 64 KiB and 4 KiB writes, with
                the writer on node 1 (one node) and on node 2 (across nodes), against a host pipe between two dd
                processes with the same block size, and against a bare Akka.Remote stream of the same chunks
                between the same two nodes (at most 4 chunks unacknowledged);
              - the round trip of one byte through two pipes (ping-pong) with the echoing process on node 1 and on
                node 2, against the host's ping-pong through cat, and against a plain Akka round trip between nodes;
              - memory per idle open pipe (--idle of them on node 1: node RSS growth divided by the count).
            Each case runs untimed for --warmup seconds first (.NET optimises a path once it has run a while).

            Examples:
              ssi bench pipe
              ssi bench pipe --megabytes 16 --rounds 3 --json
            """);
        foreach (var o in new Option[] { megabytes, rounds, samples, warmup, idle, json }) command.Options.Add(o);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("bench pipe", async token =>
        {
            if (parse.GetValue(megabytes) < 1 || parse.GetValue(rounds) < 1 || parse.GetValue(samples) < 1 || parse.GetValue(warmup) < 0 || parse.GetValue(idle) < 1)
                throw CliException.Usage("--megabytes, --rounds, --samples and --idle must be at least 1, --warmup at least 0");
            var quiet = parse.GetValue(json);
            var rows = new List<Row>();
            await BootBenchmark.WithClusterAsync(3, token, async (cluster, _) => rows.AddRange(await MeasureAsync(cluster,
                (long)parse.GetValue(megabytes) << 20, parse.GetValue(rounds), parse.GetValue(samples), parse.GetValue(warmup), parse.GetValue(idle), quiet, token)));
            Console.Write(quiet ? ProcBenchmark.Json(rows, "pipe") : ProcBenchmark.Table(rows));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static async Task<List<Row>> MeasureAsync(LocalCluster cluster, long bytes, int rounds, int samples, double warmup, int idle, bool quiet, CancellationToken ct)
    {
        void Say(string line) => (quiet ? Console.Error : Console.Out).WriteLine(line);
        await using var client = new SsiClient(cluster.Connect(), Credentials.Root);
        await ProcBenchmark.InstallAsync(client, ct);
        var rows = new List<Row>();
        var w = warmup.ToString(CultureInfo.InvariantCulture);

        foreach (var chunk in new[] { 65536, 4096 })
        {
            Say($"{rounds} x {bytes >> 20} MiB in {chunk / 1024} KiB writes: host pipe");
            var host = Enumerable.Range(0, rounds + 1).Select(_ => HostPipe(bytes, chunk)).Skip(1).ToList();
            Say($"  bare Akka.Remote stream node 1 -> node 2");
            var akka = new List<double>();
            await client.Processes.StreamAsync(1, 2, chunk, bytes / 4, 4, TimeSpan.FromMinutes(10), ct); // warm-up
            for (var i = 0; i < rounds; i++) akka.Add((await client.Processes.StreamAsync(1, 2, chunk, bytes, 4, TimeSpan.FromMinutes(10), ct)).MegabytesPerSecond);
            foreach (var (writer, where) in new[] { (1, "on one node"), (2, "across nodes") })
            {
                Say($"  pipe {where}");
                var rates = ProcBenchmark.Numbers(await ProcBenchmark.RunAsync(client, 1,
                    ["bench-pipeflow", w, $"{rounds}", $"{bytes}", $"{chunk}", $"{writer}"], ct), "pipe-mbps");
                rows.Add(new Row($"pipe {where}, {chunk / 1024} KiB writes", "MB/s", rates, $"host pipe, {chunk / 1024} KiB blocks", host));
                if (writer == 2) rows.Add(new Row($"pipe across nodes, {chunk / 1024} KiB writes", "MB/s", rates, $"Akka.Remote stream, {chunk / 1024} KiB chunks", akka));
            }
        }

        Say($"ping-pong through two pipes, {samples} round trips");
        var hostPingPong = HostPingPong(samples, TimeSpan.FromSeconds(Math.Min(warmup, 2)));
        var akkaTrip = (await client.Processes.PingAsync(1, 2, samples, TimeSpan.FromMinutes(5), ct)).Microseconds.ToList();
        foreach (var (echo, where) in new[] { (1, "on one node"), (2, "across nodes") })
        {
            var trips = ProcBenchmark.Numbers(await ProcBenchmark.RunAsync(client, 1, ["bench-pingpong", w, $"{samples}", $"{echo}"], ct), "pingpong-us");
            rows.Add(new Row($"pipe ping-pong {where}", "us", trips, "host ping-pong through cat", hostPingPong));
            if (echo == 2) rows.Add(new Row("pipe ping-pong across nodes", "us", trips, "Akka round trip node 1 -> node 2", akkaTrip));
        }

        Say($"{idle} idle open pipes on node 1");
        var node1 = NodeProcess.LivePid(cluster.Home, 1)!.Value;
        var before = ProcBenchmark.RssKib(node1);
        var holders = new List<ProcBenchmark.Attached>();
        const int perHolder = 500; // two descriptors a pipe, under RLIMIT_NOFILE
        for (var left = idle; left > 0; left -= perHolder)
            holders.Add(await ProcBenchmark.StartAsync(client, 1, ["bench-holdpipes", $"{Math.Min(perHolder, left)}"], ct));
        foreach (var h in holders)
            while (!h.Output.ToString().Contains('\n'))
            {
                if (h.Ended.Task.IsCompleted) throw new CliException(Ssi.Actors.Errors.Errno.EIO, $"bench-holdpipes ended early: {h.Output}");
                await Task.Delay(100, ct);
            }
        var after = ProcBenchmark.RssKib(node1);
        rows.Add(new Row($"memory per idle open pipe ({idle} on node 1, with their {holders.Count} processes)", "KiB", [(after - before) / idle], "-", []));
        foreach (var h in holders) (await client.Processes.KillAsync(h.Started.Pid.Value, 9, ct: ct)).OrThrow();
        return rows;
    }

    /// <summary>MB/s of a host pipe between two dd processes with the given block size.</summary>
    private static double HostPipe(long bytes, int chunk)
    {
        var clock = Stopwatch.StartNew();
        using var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", $"dd if=/dev/zero bs={chunk} count={bytes / chunk} status=none | dd of=/dev/null bs={chunk} status=none"]) { UseShellExecute = false })!;
        shell.WaitForExit();
        return bytes / clock.Elapsed.TotalMicroseconds;
    }

    /// <summary>Microseconds per one-byte round trip through cat's stdin and stdout (two host pipes), after a warm-up.</summary>
    private static List<double> HostPingPong(int count, TimeSpan warmup)
    {
        using var cat = Process.Start(new ProcessStartInfo("/bin/cat") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true })!;
        var input = cat.StandardInput.BaseStream;
        var output = cat.StandardOutput.BaseStream;
        var one = new byte[1];
        var times = new List<double>();
        var warm = Stopwatch.StartNew();
        while (times.Count < count)
        {
            var clock = Stopwatch.StartNew();
            input.Write(one);
            input.Flush();
            if (output.Read(one, 0, 1) != 1) break;
            if (warm.Elapsed >= warmup) times.Add(clock.Elapsed.TotalMicroseconds);
        }
        cat.StandardInput.Close();
        cat.WaitForExit();
        return times;
    }
}
