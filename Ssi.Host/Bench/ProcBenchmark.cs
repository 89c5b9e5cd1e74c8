// Process benchmark: spawn, signals, spawn rate, memory of idle processes and ps, each beside a baseline of the same run.
using System.Collections.Immutable;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using BenchPrograms;
using Ssi.Cfs.Permissions;
using Ssi.Host.Cli;
using Ssi.Host.Client;
using Ssi.Host.Launcher;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Host.Bench;

public static class ProcBenchmark
{
    public sealed record Row(string Name, string Unit, List<double> Ssi, string Baseline, List<double> Host)
    {
        public double SsiMedian => Median(Ssi);
        public double HostMedian => Median(Host);

        /// <summary>The first operation of its kind in the run (cold), apart from the warm samples; null where not timed apart.</summary>
        public double? SsiFirst { get; init; }

        public double? HostFirst { get; init; }

        /// <summary>The 99th percentile (nearest rank) of some samples.</summary>
        public static double P99(List<double> xs) => xs.Count == 0 ? double.NaN : xs.Order().ElementAt(Math.Max(0, (int)Math.Ceiling(0.99 * xs.Count) - 1));
        public static double Median(List<double> xs)
        {
            if (xs.Count == 0) return double.NaN;
            var s = xs.Order().ToList();
            return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
        }
    }

    private const string Library = "/usr/lib/ssi-bench.dll";

    public static Command Command()
    {
        var samples = new Option<int>("--samples") { Description = "spawns, signals and round trips timed one at a time", DefaultValueFactory = _ => 2000 };
        var warmup = new Option<double>("--warmup") { Description = "seconds of untimed spawns, signals and round trips before the timed ones", DefaultValueFactory = _ => 3 };
        var burst = new Option<int>("--burst") { Description = "processes of the spawn-rate burst", DefaultValueFactory = _ => 300 };
        var sleepers = new Option<int>("--sleepers") { Description = "idle processes created, spread over the 3 nodes", DefaultValueFactory = _ => 100_000 };
        var json = new JsonOption();
        var command = new Command("proc", """
            Boots a 3-node cluster in a temporary $SSI_HOME and measures the process layer, each beside a baseline
            measured in the same run (medians and p99; the timed ones after --warmup seconds of untimed ones of the
            same kind, since .NET optimises a path only after it has run a while, with the cold first one apart):
              - spawn+exit+wait of 'true' on node 2 by a process on node 1 (fork to node 2, exec, exit, wait), against
                the host's fork+exec+wait of /bin/true;
              - a signal from a process on node 2 to one on node 3, delivered and acknowledged, against a plain Akka
                round trip (Identify) between the same nodes;
              - the rate of a burst of --burst such spawns, against the host's rate of the same burst;
              - memory per idle process with --sleepers sleeping processes on the 3 nodes (node RSS growth divided
                by the count), against the RSS of a sleeping host /bin/sleep;
              - the time 'ssi ps' takes to list them all, against listing the host's processes.
            The programs it runs are installed the way users add programs: this build's assembly in /usr/lib.

            Examples:
              ssi bench proc
              ssi bench proc --sleepers 1000 --json
            """);
        foreach (var o in new Option[] { samples, warmup, burst, sleepers, json }) command.Options.Add(o);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("bench proc", async token =>
        {
            if (parse.GetValue(samples) < 1 || parse.GetValue(burst) < 1 || parse.GetValue(sleepers) < 3)
                throw CliException.Usage("--samples and --burst must be at least 1, --sleepers at least 3");
            if (parse.GetValue(warmup) is < 0 or > 600) throw CliException.Usage("--warmup must be between 0 and 600 seconds");
            var quiet = parse.GetValue(json);
            var rows = new List<Row>();
            await BootBenchmark.WithClusterAsync(3, token, async (cluster, _) =>
                rows.AddRange(await MeasureAsync(cluster, parse.GetValue(samples), TimeSpan.FromSeconds(parse.GetValue(warmup)), parse.GetValue(burst), parse.GetValue(sleepers), quiet, token)));
            Console.Write(quiet ? Json(rows) : Table(rows));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static async Task<List<Row>> MeasureAsync(LocalCluster cluster, int samples, TimeSpan warmup, int burst, int sleepers, bool quiet, CancellationToken ct)
    {
        void Say(string line) => (quiet ? Console.Error : Console.Out).WriteLine(line);
        await using var client = new SsiClient(cluster.Connect(), Credentials.Root);
        await InstallAsync(client, ct);
        var rows = new List<Row>();

        var warmSeconds = warmup.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        Say($"spawn+exit+wait of true, node 1 -> node 2, {samples} times after {warmSeconds} s untimed");
        var spawnOutput = await RunAsync(client, 1, ["bench-spawnwait", $"{samples}", "2", "/bin/true", warmSeconds], ct);
        var spawn = Numbers(spawnOutput, "spawn-wait-us");
        var hostSpawns = HostSpawns(samples, warmup);
        rows.Add(new Row("spawn+exit+wait `true` on another node", "ms", [.. spawn.Select(us => us / 1000)],
            "host fork+exec+wait /bin/true", hostSpawns.Skip(1).ToList())
            { SsiFirst = Numbers(spawnOutput, "spawn-wait-first-us")[0] / 1000, HostFirst = hostSpawns[0] });

        Say($"signals node 2 -> node 3, {samples} times after {warmSeconds} s untimed");
        var target = await StartAsync(client, 3, ["sleep", "100000"], ct);
        var signalOutput = await RunAsync(client, 2, ["bench-signalloop", $"{samples}", $"{target.Started.Pid}", warmSeconds], ct);
        var signals = Numbers(signalOutput, "signal-us");
        var firstPing = await client.Processes.PingAsync(2, 3, 1, TimeSpan.FromMinutes(5), ct);
        for (var warming = Stopwatch.StartNew(); warming.Elapsed < warmup;) await client.Processes.PingAsync(2, 3, 200, TimeSpan.FromMinutes(5), ct);
        var pings = await client.Processes.PingAsync(2, 3, samples, TimeSpan.FromMinutes(5), ct);
        rows.Add(new Row("signal to another node, acknowledged", "ms", [.. signals.Select(us => us / 1000)],
            "Akka round trip between the same nodes", [.. pings.Microseconds.Select(us => us / 1000)])
            { SsiFirst = Numbers(signalOutput, "signal-first-us")[0] / 1000, HostFirst = firstPing.Microseconds[0] / 1000 });
        (await client.Processes.KillAsync(target.Started.Pid.Value, 9, ct: ct)).OrThrow();

        Say($"a burst of {burst} spawns, node 1 -> node 2");
        var burstLine = (await RunAsync(client, 1, ["bench-spawnburst", $"{burst}", "2", "/bin/true"], ct)).Split(' ');
        var made = double.Parse(burstLine[1], CultureInfo.InvariantCulture);
        var seconds = double.Parse(burstLine[2], CultureInfo.InvariantCulture) / 1e6;
        rows.Add(new Row($"spawn rate (burst of {burst})", "/s", [made / seconds], "host, the same burst", [HostBurstRate(burst)]));

        Say($"{sleepers} sleeping processes on 3 nodes");
        var before = cluster.LiveNodes().Sum(n => RssKib(NodeProcess.LivePid(cluster.Home, n)!.Value));
        var perNode = sleepers / 3;
        var clock = Stopwatch.StartNew();
        var groups = new List<Attached>();
        foreach (var node in new[] { 1, 2, 3 }) groups.Add(await StartAsync(client, node, ["bench-sleepers", $"{perNode}"], ct));
        foreach (var g in groups)
        {
            while (!g.Output.ToString().Contains('\n'))
            {
                if (g.Ended.Task.IsCompleted) throw new CliException(Ssi.Actors.Errors.Errno.EIO, $"bench-sleepers ended early: {g.Output}");
                await Task.Delay(100, ct);
            }
            if (!g.Output.ToString().StartsWith($"sleepers {perNode}", StringComparison.Ordinal))
                throw new CliException(Ssi.Actors.Errors.Errno.EIO, $"bench-sleepers: {g.Output}");
        }
        var createSeconds = clock.Elapsed.TotalSeconds;
        Say($"  created in {createSeconds:0.0} s ({3 * perNode / createSeconds:0}/s)");
        var after = cluster.LiveNodes().Sum(n => RssKib(NodeProcess.LivePid(cluster.Home, n)!.Value));
        rows.Add(new Row($"memory per idle process ({3 * perNode} on 3 nodes)", "KiB", [(after - before) / (3.0 * perNode)],
            "RSS of a sleeping host /bin/sleep", [HostSleepRss()]));
        rows.Add(new Row($"creating {3 * perNode} sleeping processes (3 parents forking at once)", "/s", [3 * perNode / createSeconds], "-", []));

        var listTimes = new List<double>();
        var listed = 0;
        for (var i = 0; i < 3; i++)
        {
            var t = Stopwatch.StartNew();
            listed = (await client.Processes.ListAsync(ct)).Count;
            listTimes.Add(t.Elapsed.TotalSeconds);
        }
        rows.Add(new Row($"ssi ps of {listed} processes (whole listing)", "s", listTimes, "-", []));
        rows.Add(new Row("ssi ps, per process listed", "us", [.. listTimes.Select(s => s * 1e6 / listed)],
            "host: read /proc for each of its processes", [.. Enumerable.Range(0, 3).Select(_ => HostListPerProcess())]));
        foreach (var g in groups)
            // Sent once: a repeat after a slow reply (a third of 100,000 processes) would find the group gone (ESRCH).
            (await client.Processes.KillAsync(-g.Started.Pid.Value, 9, TimeSpan.FromMinutes(2), ct)).OrThrow();
        return rows;
    }

    internal sealed record Attached(ProgramStarted Started, StringBuilder Output, TaskCompletionSource<int> Ended, IActorRef Attachment, CollectingStream Sink);

    private static int _attachments;

    /// <summary>Starts a program on a node with its output collected in memory.</summary>
    internal static async Task<Attached> StartAsync(SsiClient client, int node, string[] argv, CancellationToken ct, bool closeInput = true)
    {
        var output = new StringBuilder();
        var ended = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new CollectingStream(output);
        var attachment = client.ActorOf(TerminalAttachment.Props(sink, sink, ended, client.Settings), $"bench-{Interlocked.Increment(ref _attachments)}");
        var started = await client.Processes.RunAsync(node, argv, ImmutableDictionary<string, string>.Empty, "/", attachment, ct: ct);
        attachment.Tell(new TerminalAttachment.Attach(started.Terminal));
        if (closeInput) attachment.Tell(new TerminalAttachment.Input(null, new TaskCompletionSource()));
        return new Attached(started, output, ended, attachment, sink);
    }

    internal static async Task<string> RunAsync(SsiClient client, int node, string[] argv, CancellationToken ct)
    {
        var started = await StartAsync(client, node, argv, ct);
        var status = await started.Ended.Task.WaitAsync(TimeSpan.FromMinutes(30), ct);
        if (status != 0) throw new CliException(Ssi.Actors.Errors.Errno.EIO, $"{argv[0]} ended with status {status}: {started.Output}");
        return started.Output.ToString().Trim();
    }

    /// <summary>The numbers of the line of <paramref name="output"/> that starts with <paramref name="label"/>.</summary>
    internal static List<double> Numbers(string output, string label)
    {
        var line = output.Split('\n').FirstOrDefault(l => l.Split(' ', 2)[0] == label) ?? "";
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || parts[0] != label) throw new CliException(Ssi.Actors.Errors.Errno.EIO, $"unexpected output (no {label} line): {output}");
        return [.. parts.Skip(1).Select(p => double.Parse(p, CultureInfo.InvariantCulture))];
    }

    /// <summary>This build's bench-programs assembly as /usr/lib/ssi-bench.dll, and /bin/bench-* naming its programs.</summary>
    internal static async Task InstallAsync(SsiClient client, CancellationToken ct)
    {
        var files = client.Files();
        foreach (var dir in new[] { "/usr", "/usr/lib" })
        {
            var made = await files.TryMkdirAsync(dir, 0x1ED, ct);
            if (made.Error != Ssi.Actors.Errors.Errno.EEXIST) made.OrThrow(); // already there is as good
        }
        var bytes = await File.ReadAllBytesAsync(typeof(SpawnWait).Assembly.Location, ct);
        await files.CreateAsync(Library, 0x1A4, ct: ct);
        for (var offset = 0; offset < bytes.Length; offset += 256 * 1024)
            await files.WriteAsync(Library, offset, bytes[offset..Math.Min(bytes.Length, offset + 256 * 1024)], ct: ct);
        foreach (var type in new[] { typeof(SpawnWait), typeof(SpawnBurst), typeof(Sleepers), typeof(SignalLoop), typeof(HoldFiles), typeof(PipeFlow), typeof(PingPong), typeof(HoldPipes), typeof(ChaosFamily) })
        {
            var path = "/bin/bench-" + type.Name.ToLowerInvariant();
            await files.CreateAsync(path, 0x1ED, ct: ct);
            await files.WriteAsync(path, 0, Encoding.UTF8.GetBytes($"{ProgramCatalog.Magic}{type.FullName} @{Library}\n"), ct: ct);
        }
    }

    /// <summary>Milliseconds of the host's fork+exec+wait of /bin/true: the first (cold), then <paramref name="count"/> after <paramref name="warmup"/> untimed.</summary>
    private static List<double> HostSpawns(int count, TimeSpan warmup)
    {
        static double Once()
        {
            var clock = Stopwatch.StartNew();
            using var p = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
            p.WaitForExit();
            return clock.Elapsed.TotalMilliseconds;
        }
        var times = new List<double> { Once() };
        for (var warming = Stopwatch.StartNew(); warming.Elapsed < warmup;) Once();
        for (var i = 0; i < count; i++) times.Add(Once());
        return times;
    }

    private static double HostBurstRate(int count)
    {
        var clock = Stopwatch.StartNew();
        var all = Enumerable.Range(0, count).Select(_ => Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!).ToList();
        foreach (var p in all)
        {
            p.WaitForExit();
            p.Dispose();
        }
        return count / clock.Elapsed.TotalSeconds;
    }

    private static double HostSleepRss()
    {
        using var p = Process.Start(new ProcessStartInfo("/bin/sleep", "30") { UseShellExecute = false })!;
        try
        {
            // The RSS is read once sleep itself is asleep: exec'd (its command line says so) and in its nanosleep.
            var until = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < until && !(File.ReadAllText($"/proc/{p.Id}/cmdline").StartsWith("/bin/sleep", StringComparison.Ordinal)
                       && File.ReadLines($"/proc/{p.Id}/status").Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains("sleeping"))))
                Thread.Yield();
            return RssKib(p.Id);
        }
        finally
        {
            p.Kill();
            p.WaitForExit();
        }
    }

    /// <summary>Microseconds per process to list the host's processes with their state and command line, as ps does.</summary>
    private static double HostListPerProcess()
    {
        var clock = Stopwatch.StartNew();
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                _ = File.ReadAllText(Path.Combine(dir, "stat"));
                _ = File.ReadAllText(Path.Combine(dir, "cmdline"));
                count++;
            }
            catch (IOException)
            {
                // the process exited meanwhile
            }
        }
        return clock.Elapsed.TotalMicroseconds / Math.Max(1, count);
    }

    internal static double RssKib(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    public static string Table(IReadOnlyList<Row> rows)
    {
        var width = rows.Max(r => r.Name.Length);
        var baseWidth = rows.Max(r => r.Baseline.Length);
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine($"{"metric".PadRight(width)}  {"ssi",11}  {"baseline".PadRight(baseWidth)}  {"baseline",11}  {"ratio",8}  unit");
        foreach (var r in rows)
        {
            var ratio = r.Host.Count > 0 ? (r.SsiMedian / r.HostMedian).ToString("0.000", CultureInfo.InvariantCulture) : "-";
            var host = r.Host.Count > 0 ? r.HostMedian.ToString("0.000", CultureInfo.InvariantCulture) : "-";
            w.WriteLine($"{r.Name.PadRight(width)}  {r.SsiMedian,11:0.000}  {r.Baseline.PadRight(baseWidth)}  {host,11}  {ratio,8}  {r.Unit}");
        }
        w.WriteLine("(medians; ratio = ssi / baseline)");
        // Tails and cold first operations, where a metric has enough samples for a tail or timed its first one apart.
        var detailed = rows.Where(r => r.Ssi.Count >= 10 || r.SsiFirst is not null).ToList();
        if (detailed.Count == 0) return w.ToString();
        static string Or(double? x) => x is { } v && double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";
        w.WriteLine();
        w.WriteLine($"{"metric".PadRight(width)}  {"ssi p99",11}  {"base p99",11}  {"ratio p99",9}  {"ssi first",11}  {"base first",11}  unit");
        foreach (var r in detailed)
        {
            double? hostP99 = r.Host.Count > 0 ? Row.P99(r.Host) : null;
            w.WriteLine($"{r.Name.PadRight(width)}  {Or(Row.P99(r.Ssi)),11}  {Or(hostP99),11}  {Or(Row.P99(r.Ssi) / hostP99),9}  {Or(r.SsiFirst),11}  {Or(r.HostFirst),11}  {r.Unit}");
        }
        w.WriteLine("(p99 of the timed samples; first = the run's first operation of that kind, cold)");
        return w.ToString();
    }

    public static string Json(IReadOnlyList<Row> rows, string benchmark = "proc") =>
        JsonSerializer.Serialize(new
        {
            benchmark,
            cpus = Environment.ProcessorCount,
            metrics = rows.Select(r => new
            {
                name = r.Name, unit = r.Unit, median = r.SsiMedian, samples = r.Ssi,
                baseline = r.Baseline, baseline_median = r.Host.Count > 0 ? r.HostMedian : (double?)null,
                ratio = r.Host.Count > 0 ? r.SsiMedian / r.HostMedian : (double?)null,
                p99 = Row.P99(r.Ssi),
                baseline_p99 = r.Host.Count > 0 ? Row.P99(r.Host) : (double?)null,
                ratio_p99 = r.Host.Count > 0 ? Row.P99(r.Ssi) / Row.P99(r.Host) : (double?)null,
                first = r.SsiFirst,
                baseline_first = r.HostFirst,
            }),
        }, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + Environment.NewLine;

    /// <summary>Output of a program collected as text (the terminal's two channels in one).</summary>
    internal sealed class CollectingStream(StringBuilder into) : Stream
    {
        private int _lines;

        /// <summary>Newlines written so far, counted as they come (re-reading the text would cost as much as the run).</summary>
        public int Lines => Volatile.Read(ref _lines);

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (into) into.Append(Encoding.UTF8.GetString(buffer, offset, count));
            Interlocked.Add(ref _lines, buffer.AsSpan(offset, count).Count((byte)'\n'));
        }

        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
