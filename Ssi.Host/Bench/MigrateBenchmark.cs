// Migration benchmark: how long a move takes, and whether anything sent to a process is lost, repeated or reordered
// while it hops back and forth thousands of times.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Cfs.Permissions;
using Ssi.Host.Cli;
using Ssi.Host.Client;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Host.Bench;

public static class MigrateBenchmark
{
    public sealed record Result(
        List<double> MoveMs, List<double> RoundTripMs, List<double> HopMs, int Hops, int HopFailures, Failed? FirstFailure,
        int SignalsSent, int Delivered, int Lost, int Duplicated, int Reordered, double HopSeconds, Leveling? Spread = null)
    {
        /// <summary>The very first move of the run (cold).</summary>
        public double FirstMoveMs { get; init; }

        /// <summary>The very first Akka round trip of the run (cold).</summary>
        public double FirstRoundTripMs { get; init; }

        /// <summary>The first move of the computing process (its code warm, its state new).</summary>
        public double ComputingFirstMoveMs { get; init; }

        /// <summary>How long each kind of operation ran untimed before its samples, and how many ran.</summary>
        public Warmed Warmup { get; init; } = new(0, 0, 0, 0);

        /// <summary>Moves of a process that is computing (between two system calls) rather than waiting for its terminal.</summary>
        public List<double> ComputingMoveMs { get; init; } = [];

        /// <summary>Where the time of each timed move went, for the process waiting for its terminal and the computing one.</summary>
        public List<MovePhases> MoveSteps { get; init; } = [];

        public List<MovePhases> ComputingSteps { get; init; } = [];
    }

    /// <summary>The steps of a move, as <see cref="MovePhases"/> names them, for the table and the JSON.</summary>
    private static readonly (string Key, string Label, Func<MovePhases, double> Of)[] Steps =
    [
        ("to_process", "request reaches the process", p => p.ToProcess),
        ("to_boundary", "process reaches a system-call boundary", p => p.ToBoundary),
        ("capture", "state captured", p => p.Capture),
        ("to_target", "state reaches the target's entity", p => p.ToTarget),
        ("restore", "state restored on the target", p => p.Restore),
        ("confirm", "target's answer reaches the old place", p => p.Confirm),
        ("reply", "reply reaches the asker", p => p.Reply),
    ];

    /// <summary>
    /// The untimed work before the samples, so that they measure a warm system (.NET compiles a path with full
    /// optimisation only after it has run a while): for <see cref="Seconds"/> each, this many round trips, moves of the
    /// process waiting for its terminal, and moves of the computing one.
    /// </summary>
    public sealed record Warmed(double Seconds, int RoundTrips, int Moves, int ComputingMoves);

    /// <summary>Moves asked of a node in one request: its answer must come within the client's response timeout.</summary>
    private const int MovesPerRequest = 1000;

    /// <summary>
    /// Load leveling of <see cref="Burners"/> CPU-bound processes started on node 1: when the last one moved (seconds
    /// after leveling was turned on), how many moves were seen, and where they ended (processes per node).
    /// </summary>
    public sealed record Leveling(int Burners, double SettledSeconds, int Moves, int[] PerNode, double QuietSeconds);

    // How long this benchmark waits for each part of a run. They are the measurement's own terms, not a node's or a
    // cluster's, so they stay here rather than in config: round trips and timed moves are asked once (generously, on 2
    // busy cores), a signal unanswered this long counts as lost, and leveling is watched until it has been quiet a while.
    private static readonly TimeSpan RoundTripsPatience = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MovesPatience = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan SignalLostAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ProcessPatience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LevelingPatience = TimeSpan.FromMinutes(5);

    public static Command Command()
    {
        var samples = new Option<int>("--samples") { Description = "single moves timed (and Akka round trips for the baseline)", DefaultValueFactory = _ => 2000 };
        var warmup = new Option<double>("--warmup") { Description = "seconds of untimed round trips, and of moves of each process, before the timed ones", DefaultValueFactory = _ => 3 };
        var hops = new Option<int>("--hops") { Description = "back-and-forth moves while the process is signalled", DefaultValueFactory = _ => 10_000 };
        var burners = new Option<int>("--burners") { Description = "CPU-bound processes started on node 1 for load leveling to spread (0: skip)", DefaultValueFactory = _ => 12 };
        var json = new JsonOption();
        var config = SsiCommandLine.ConfigOption("HOCON file over the embedded defaults for the benchmark's nodes (to compare settings)");
        var command = new Command("migrate", """
            Boots a 3-node cluster in a temporary $SSI_HOME and measures migration (medians and p99):
              - moving a process that holds 3 open files (with offsets) and waits for its terminal between nodes 2 and
                3, one move at a time, asked on node 2, against a plain Akka round trip (Identify) between the same
                nodes in the same run; each kind first runs untimed for --warmup seconds (.NET optimises a path
                only after it has run a while), and the very first move and round trip are shown on their own;
              - the same for a computing process (burn), which needs no terminal read cancelled before it leaves;
              - --hops moves of that process back and forth, asked on node 1, while this benchmark keeps sending it
                SIGUSR1 and reading what its handler writes to its terminal (one numbered line per signal): signals
                lost, duplicated and reordered are counted;
              - load leveling: --burners CPU-bound processes (burn) started on node 1, then leveling turned on on
                every node; where each process is is polled until nothing has moved for 12 s (longer than a moved
                process is left to settle), and the time of the last move, the moves and the final spread are shown.

            Examples:
              ssi bench migrate
              ssi bench migrate --hops 1000 --json
              ssi bench migrate --samples 2 --warmup 0 --hops 2 --burners 3
              ssi bench migrate --burners 0 --config HOCON/plain-tcp.conf
            """);
        foreach (var o in new Option[] { samples, warmup, hops, burners, json, config }) command.Options.Add(o);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("bench migrate", async token =>
        {
            if (parse.GetValue(samples) < 2 || parse.GetValue(hops) < 2) throw CliException.Usage("--samples and --hops must be at least 2");
            if (parse.GetValue(burners) is < 0 or > 1000) throw CliException.Usage("--burners must be between 0 and 1000");
            if (parse.GetValue(warmup) is < 0 or > 600) throw CliException.Usage("--warmup must be between 0 and 600 seconds");
            Result? result = null;
            await BootBenchmark.WithClusterAsync(3, token, async (cluster, _) =>
            {
                result = await MeasureAsync(cluster, parse.GetValue(samples), TimeSpan.FromSeconds(parse.GetValue(warmup)), parse.GetValue(hops), parse.GetValue(json), token);
                if (parse.GetValue(burners) > 0)
                    result = result with { Spread = await MeasureLevelingAsync(cluster, parse.GetValue(burners), parse.GetValue(json), token) };
            }, [.. (parse.GetValue(config) ?? []).Select(Path.GetFullPath)]);
            Console.Write(parse.GetValue(json) ? Json(result!) : Table(result!));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static async Task<Result> MeasureAsync(Launcher.LocalCluster cluster, int samples, TimeSpan warmup, int hops, bool quiet, CancellationToken ct)
    {
        void Say(string line) => (quiet ? Console.Error : Console.Out).WriteLine(line);
        await using var client = new SsiClient(cluster.Connect(), Credentials.Root);
        await ProcBenchmark.InstallAsync(client, ct);
        var process = await ProcBenchmark.StartAsync(client, 2, ["bench-holdfiles", "/etc/motd", "/etc/passwd", "/etc/group"], ct, closeInput: false);
        await UntilAsync(() => Text(process).Contains("ready\n"), process, ct);
        var pid = process.Started.Pid;

        Say($"{samples} Akka round trips and {samples} moves between nodes 2 and 3, each after {warmup.TotalSeconds:0.#} s untimed");
        // Measurements are asked once: a client's retry would run a second one alongside. The first of each kind is
        // timed on its own: it pays for setting up serializers and code on both nodes.
        var firstPing = await client.Processes.PingAsync(2, 3, 1, RoundTripsPatience, ct);
        var warmPings = await WarmUpAsync(warmup, async () => (await client.Processes.PingAsync(2, 3, 200, RoundTripsPatience, ct)).Microseconds.Length, ct);
        var pings = await client.Processes.PingAsync(2, 3, samples, RoundTripsPatience, ct);
        var firstMove = await MovesAsync(client.Processes, pid, 2, ct); // there and back: it ends on node 2 again
        var warmMoves = await WarmUpAsync(warmup, async () => (await MovesAsync(client.Processes, pid, 100, ct)).Microseconds.Length, ct);
        var moves = await MovesAsync(client.Processes, pid, samples, ct);

        Say($"{samples} moves of a computing process (burn) between nodes 2 and 3, after {warmup.TotalSeconds:0.#} s untimed");
        var burner = await ProcBenchmark.StartAsync(client, 2, ["burn"], ct);
        var firstComputing = await MovesAsync(client.Processes, burner.Started.Pid, 2, ct);
        var warmComputing = await WarmUpAsync(warmup, async () => (await MovesAsync(client.Processes, burner.Started.Pid, 100, ct)).Microseconds.Length, ct);
        var computing = await MovesAsync(client.Processes, burner.Started.Pid, samples, ct);
        (await client.Processes.KillAsync(burner.Started.Pid.Value, Signal.SIGKILL, ct: ct)).OrThrow();

        Say($"{hops} hops while signalling the process");
        var lines = () => Text(process).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        var handled = () => process.Sink.Lines - 1; // after "ready"
        var clock = Stopwatch.StartNew();
        var hopping = HopAsync(client.Processes, pid, hops, ct);
        var sent = 0;
        var lost = 0;
        while (!hopping.IsCompleted)
        {
            sent++;
            (await client.Processes.KillAsync(pid.Value, Signal.SIGUSR1, ct: ct)).OrThrow();
            var expected = sent - lost;
            var until = DateTime.UtcNow + SignalLostAfter;
            while (handled() < expected && DateTime.UtcNow < until) await Task.Delay(1, ct);
            if (handled() < expected) lost++;
        }
        var hopTimes = await hopping;
        var hopSeconds = clock.Elapsed.TotalSeconds;
        var seen = lines().Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList();
        var duplicated = seen.Count - seen.Distinct().Count();
        var reordered = seen.Zip(seen.Skip(1)).Count(pair => pair.Second < pair.First);

        process.Attachment.Tell(new TerminalAttachment.Input(null, new TaskCompletionSource()));
        await process.Ended.Task.WaitAsync(ProcessPatience, ct);
        return new Result([.. moves.Microseconds.Select(us => us / 1000)], [.. pings.Microseconds.Select(us => us / 1000)],
            [.. hopTimes.Microseconds.Select(us => us / 1000)], hops, hopTimes.Failures, hopTimes.FirstFailure,
            sent, seen.Count, lost, duplicated, reordered, hopSeconds)
        {
            FirstMoveMs = firstMove.Microseconds[0] / 1000,
            FirstRoundTripMs = firstPing.Microseconds[0] / 1000,
            ComputingFirstMoveMs = firstComputing.Microseconds[0] / 1000,
            ComputingMoveMs = [.. computing.Microseconds.Select(us => us / 1000)],
            MoveSteps = [.. moves.Phases],
            ComputingSteps = [.. computing.Phases],
            Warmup = new Warmed(warmup.TotalSeconds, warmPings, warmMoves, warmComputing),
        };
    }

    /// <summary>Runs <paramref name="batch"/> (untimed) until <paramref name="duration"/> has passed; returns how many operations ran.</summary>
    private static async Task<int> WarmUpAsync(TimeSpan duration, Func<Task<int>> batch, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var done = 0;
        while (clock.Elapsed < duration)
        {
            ct.ThrowIfCancellationRequested();
            done += await batch();
        }
        return done;
    }

    /// <summary>
    /// <paramref name="count"/> timed moves between nodes 2 and 3, asked of node 2 in requests of at most
    /// <see cref="MovesPerRequest"/>, each an even number so the process starts every request on node 2 (an odd count
    /// makes one more move, which is not reported). Any failed move fails the benchmark.
    /// </summary>
    private static async Task<MigrationTimes> MovesAsync(ProcessClient processes, Pid pid, int count, CancellationToken ct)
    {
        var times = new List<double>();
        var phases = new List<MovePhases>();
        for (var done = 0; done < count; done += MovesPerRequest)
        {
            var asked = Math.Min(MovesPerRequest, count - done);
            var part = await processes.MeasureMigrationsAsync(pid, new NodeNumber(2), new NodeNumber(3), asked + asked % 2, through: 2, MovesPatience, ct);
            if (part.Failures > 0) throw new CliException(Ssi.Actors.Errors.Errno.EIO, $"{part.Failures} moves of process {pid} failed: {part.FirstFailure}");
            times.AddRange(part.Microseconds.Take(asked));
            phases.AddRange(part.Phases.Take(asked));
        }
        return new MigrationTimes([.. times], 0, null) { Phases = [.. phases] };
    }

    /// <summary>
    /// The hops, asked of node 1 in batches of an even number (the process ends each where it began): a reply through
    /// the cluster client's receptionist must come within its response-tunnel timeout (30 s), and 10,000 hops take longer.
    /// </summary>
    private static async Task<MigrationTimes> HopAsync(ProcessClient processes, Pid pid, int hops, CancellationToken ct)
    {
        const int batch = 1000;
        var times = new List<double>();
        var failures = 0;
        Failed? first = null;
        for (var done = 0; done < hops; done += batch)
        {
            var count = Math.Min(batch, hops - done);
            var part = await processes.MeasureMigrationsAsync(pid, new NodeNumber(2), new NodeNumber(3), count, through: 1, TimeSpan.FromMinutes(10), ct);
            times.AddRange(part.Microseconds);
            failures += part.Failures;
            first ??= part.FirstFailure;
        }
        return new MigrationTimes([.. times], failures, first);
    }

    private static readonly TimeSpan LevelingQuiet = TimeSpan.FromSeconds(12);

    private static async Task<Leveling> MeasureLevelingAsync(Launcher.LocalCluster cluster, int count, bool quiet, CancellationToken ct)
    {
        void Say(string line) => (quiet ? Console.Error : Console.Out).WriteLine(line);
        await using var client = new SsiClient(cluster.Connect(), Credentials.Root);
        Say($"load leveling: {count} CPU-bound processes started on node 1 of 3");
        var pids = new List<Pid>();
        for (var i = 0; i < count; i++) pids.Add((await ProcBenchmark.StartAsync(client, 1, ["burn"], ct)).Started.Pid);
        var where = pids.ToDictionary(p => p, _ => new NodeNumber(1));
        await client.Processes.LoadLevelAsync(0, enabled: true, ct: ct);
        var clock = Stopwatch.StartNew();
        var lastMove = TimeSpan.Zero;
        var moves = 0;
        while (clock.Elapsed - lastMove < LevelingQuiet && clock.Elapsed < LevelingPatience)
        {
            await Task.Delay(100, ct);
            foreach (var pid in pids)
            {
                var info = (await client.Processes.QueryAsync(pid, ct)).OrThrow();
                if (info.Node == where[pid]) continue;
                where[pid] = info.Node;
                moves++;
                lastMove = clock.Elapsed;
            }
        }
        var perNode = Enumerable.Range(1, 3).Select(n => where.Values.Count(v => v.Value == n)).ToArray();
        Say($"  settled after {lastMove.TotalSeconds:0.0} s: {string.Join(" / ", perNode)}");
        await client.Processes.LoadLevelAsync(0, enabled: false, ct: ct);
        foreach (var pid in pids)
            (await client.Processes.KillAsync(pid.Value, Signal.SIGKILL, ct: ct)).OrThrow();
        return new Leveling(count, lastMove.TotalSeconds, moves, perNode, (clock.Elapsed - lastMove).TotalSeconds);
    }

    private static string Text(ProcBenchmark.Attached process)
    {
        lock (process.Output) return process.Output.ToString();
    }

    private static async Task UntilAsync(Func<bool> condition, ProcBenchmark.Attached process, CancellationToken ct)
    {
        var until = DateTime.UtcNow + ProcessPatience;
        while (!condition())
        {
            if (process.Ended.Task.IsCompleted || DateTime.UtcNow > until)
                throw new CliException(Ssi.Actors.Errors.Errno.EIO, $"bench-holdfiles did not get ready: {Text(process)}");
            await Task.Delay(20, ct);
        }
    }

    private static double Percentile(List<double> xs, double p)
    {
        if (xs.Count == 0) return double.NaN;
        var sorted = xs.Order().ToList();
        var rank = p * (sorted.Count - 1);
        var (lo, hi) = ((int)Math.Floor(rank), (int)Math.Ceiling(rank));
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    public static string Table(Result r)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine($"{"metric",-52} {"p50",9} {"p99",9}  unit");
        w.WriteLine($"{"move, 3 open files, node 2 <-> 3, asked on node 2",-52} {Percentile(r.MoveMs, 0.5),9:0.000} {Percentile(r.MoveMs, 0.99),9:0.000}  ms");
        w.WriteLine($"{"Akka round trip node 2 -> 3 (baseline)",-52} {Percentile(r.RoundTripMs, 0.5),9:0.000} {Percentile(r.RoundTripMs, 0.99),9:0.000}  ms");
        w.WriteLine($"{"ratio move / round trip",-52} {Percentile(r.MoveMs, 0.5) / Percentile(r.RoundTripMs, 0.5),9:0.00} {Percentile(r.MoveMs, 0.99) / Percentile(r.RoundTripMs, 0.99),9:0.00}");
        w.WriteLine($"{"move of a computing process (burn), node 2 <-> 3",-52} {Percentile(r.ComputingMoveMs, 0.5),9:0.000} {Percentile(r.ComputingMoveMs, 0.99),9:0.000}  ms");
        w.WriteLine($"{"first move of the run (cold)",-52} {r.FirstMoveMs,9:0.000} {"",9}  ms");
        w.WriteLine($"{"first Akka round trip of the run (cold)",-52} {r.FirstRoundTripMs,9:0.000} {"",9}  ms");
        w.WriteLine($"{"first move of the computing process",-52} {r.ComputingFirstMoveMs,9:0.000} {"",9}  ms");
        w.WriteLine($"{"ratio computing move / round trip",-52} {Percentile(r.ComputingMoveMs, 0.5) / Percentile(r.RoundTripMs, 0.5),9:0.00} {Percentile(r.ComputingMoveMs, 0.99) / Percentile(r.RoundTripMs, 0.99),9:0.00}");
        w.WriteLine($"{$"move during {r.Hops} hops (signalled), asked on node 1",-52} {Percentile(r.HopMs, 0.5),9:0.000} {Percentile(r.HopMs, 0.99),9:0.000}  ms");
        if (r.MoveSteps.Count > 0 && r.ComputingSteps.Count > 0)
        {
            w.WriteLine($"{"where a move's time goes (medians)",-52} {"3 files",9} {"burn",9}");
            foreach (var (_, label, of) in Steps)
                w.WriteLine($"{"  " + label,-52} {Percentile([.. r.MoveSteps.Select(of)], 0.5) / 1000,9:0.000} {Percentile([.. r.ComputingSteps.Select(of)], 0.5) / 1000,9:0.000}  ms");
        }
        w.WriteLine($"samples: {r.MoveMs.Count} of each, after {r.Warmup.Seconds:0.#} s untimed of each kind ({r.Warmup.RoundTrips} round trips, {r.Warmup.Moves} moves, {r.Warmup.ComputingMoves} moves of burn)");
        w.WriteLine($"hops: {r.Hops} in {r.HopSeconds:0.0} s, {r.HopFailures} failed{(r.FirstFailure is null ? "" : $" (first: {r.FirstFailure})")}");
        w.WriteLine($"signals during the hops: {r.SignalsSent} sent, {r.Delivered} delivered, {r.Lost} lost, {r.Duplicated} duplicated, {r.Reordered} reordered");
        if (r.Spread is { } l)
            w.WriteLine($"load leveling of {l.Burners} burners from node 1: last move after {l.SettledSeconds:0.0} s, {l.Moves} moves "
                + $"(fewest possible: {l.Burners - (l.Burners + 2) / 3}), spread {string.Join(" / ", l.PerNode)} (even: {Even(l.Burners)}), "
                + $"then quiet for {l.QuietSeconds:0} s");
        return w.ToString();
    }

    /// <summary>The most even spread over 3 nodes, as "4 / 4 / 4".</summary>
    private static string Even(int n) => string.Join(" / ", Enumerable.Range(0, 3).Select(i => n / 3 + (i < n % 3 ? 1 : 0)));

    public static string Json(Result r) => JsonSerializer.Serialize(new
    {
        benchmark = "migrate",
        cpus = Environment.ProcessorCount,
        move_ms = new { p50 = Percentile(r.MoveMs, 0.5), p99 = Percentile(r.MoveMs, 0.99), samples = r.MoveMs.Count },
        round_trip_ms = new { p50 = Percentile(r.RoundTripMs, 0.5), p99 = Percentile(r.RoundTripMs, 0.99), samples = r.RoundTripMs.Count },
        ratio_p50 = Percentile(r.MoveMs, 0.5) / Percentile(r.RoundTripMs, 0.5),
        computing_move_ms = new { p50 = Percentile(r.ComputingMoveMs, 0.5), p99 = Percentile(r.ComputingMoveMs, 0.99), samples = r.ComputingMoveMs.Count },
        first_move_ms = r.FirstMoveMs,
        first_round_trip_ms = r.FirstRoundTripMs,
        computing_first_move_ms = r.ComputingFirstMoveMs,
        computing_ratio_p50 = Percentile(r.ComputingMoveMs, 0.5) / Percentile(r.RoundTripMs, 0.5),
        ratio_p99 = Percentile(r.MoveMs, 0.99) / Percentile(r.RoundTripMs, 0.99),
        steps_p50_ms = Steps.ToDictionary(step => step.Key, step => new
        {
            waiting = Percentile([.. r.MoveSteps.Select(step.Of)], 0.5) / 1000,
            computing = Percentile([.. r.ComputingSteps.Select(step.Of)], 0.5) / 1000,
        }),
        steps_p99_ms = Steps.ToDictionary(step => step.Key, step => new
        {
            waiting = Percentile([.. r.MoveSteps.Select(step.Of)], 0.99) / 1000,
            computing = Percentile([.. r.ComputingSteps.Select(step.Of)], 0.99) / 1000,
        }),
        warmup = r.Warmup.Moves,
        warmup_seconds = r.Warmup.Seconds,
        warmup_round_trips = r.Warmup.RoundTrips,
        warmup_moves = r.Warmup.Moves,
        warmup_computing_moves = r.Warmup.ComputingMoves,
        hops = new { count = r.Hops, failures = r.HopFailures, seconds = r.HopSeconds, p50_ms = Percentile(r.HopMs, 0.5), p99_ms = Percentile(r.HopMs, 0.99) },
        signals = new { sent = r.SignalsSent, delivered = r.Delivered, lost = r.Lost, duplicated = r.Duplicated, reordered = r.Reordered },
        leveling = r.Spread is not { } l ? null : new
        {
            burners = l.Burners,
            settled_seconds = l.SettledSeconds,
            moves = l.Moves,
            fewest_moves = l.Burners - (l.Burners + 2) / 3,
            per_node = l.PerNode,
            quiet_seconds = l.QuietSeconds,
        },
    }, new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;
}
