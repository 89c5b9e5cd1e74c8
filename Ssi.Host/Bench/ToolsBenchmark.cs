// Tools benchmark: cat, wc, grep and sort of /bin on a large text file in the cluster, each beside the host's tool on a host copy.
using System.CommandLine;
using System.Diagnostics;
using System.Text;
using Ssi.Cfs.Permissions;
using Ssi.Host.Cli;
using Ssi.Host.Client;
using Ssi.Host.Launcher;
using Row = Ssi.Host.Bench.ProcBenchmark.Row;

namespace Ssi.Host.Bench;

public static class ToolsBenchmark
{
    private const int Block = 256 * 1024;
    private const string ClusterFile = "/tmp/bench-tools.txt";
    private const string Warm = "/tmp/bench-tools-warm.txt";
    private const int ToolNode = 2;

    /// <summary>Each case: a name and the sh script run on the file (the same script in the cluster and on the host).</summary>
    private static readonly (string Name, string Script)[] Cases =
    [
        ("cat FILE > /dev/null", "cat {0} > /dev/null"),
        ("wc FILE", "wc {0}"),
        ("grep -c WORD FILE", "grep -c needle {0}"),
        ("sort FILE > /dev/null", "sort {0} > /dev/null"),
        ("sort -S 16M FILE > /dev/null", "sort -S 16M {0} > /dev/null"),
    ];

    public static Command Command()
    {
        var megabytes = new Option<int>("--megabytes") { Description = "MiB of text in the file", DefaultValueFactory = _ => 100 };
        var rounds = new Option<int>("--rounds") { Description = "timed runs of each tool", DefaultValueFactory = _ => 3 };
        var warmup = new Option<double>("--warmup") { Description = "seconds of untimed runs (on a tenth of the file) before each tool is timed", DefaultValueFactory = _ => 3 };
        var json = new JsonOption();
        var command = new Command("tools", """
            Boots a 3-node cluster in a temporary $SSI_HOME, writes --megabytes MiB of text lines (seeded, so every run
            has the same file) to /tmp in the cluster and to a host temporary directory, and times the cluster's
            cat, wc, grep and sort on node 2 against the host's tools on the host copy (LC_ALL=C), in the same run:
              cat FILE > /dev/null;  wc FILE;  grep -c WORD FILE;  sort FILE > /dev/null;  sort -S 16M FILE > /dev/null
            Rates are MB/s of the file (10^6 bytes a second); ratio = ssi / host. The growth of node 2's resident
            memory while sort runs is printed too (sort spills to temporary files past its buffer, see sort --help).
            Each tool runs untimed on a tenth of the file for --warmup seconds first.

            Examples:
              ssi bench tools
              ssi bench tools --megabytes 16 --rounds 1 --json
            """);
        foreach (var o in new Option[] { megabytes, rounds, warmup, json }) command.Options.Add(o);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("bench tools", async token =>
        {
            if (parse.GetValue(megabytes) < 1 || parse.GetValue(rounds) < 1 || parse.GetValue(warmup) < 0)
                throw CliException.Usage("--megabytes and --rounds must be at least 1, --warmup at least 0");
            var quiet = parse.GetValue(json);
            var rows = new List<Row>();
            await BootBenchmark.WithClusterAsync(3, token, async (cluster, _) => rows.AddRange(await MeasureAsync(cluster,
                (long)parse.GetValue(megabytes) << 20, parse.GetValue(rounds), parse.GetValue(warmup), quiet, token)));
            Console.Write(quiet ? ProcBenchmark.Json(rows, "tools") : ProcBenchmark.Table(rows));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static async Task<List<Row>> MeasureAsync(LocalCluster cluster, long bytes, int rounds, double warmup, bool quiet, CancellationToken ct)
    {
        void Say(string line) => (quiet ? Console.Error : Console.Out).WriteLine(line);
        await using var client = new SsiClient(cluster.Connect(), Credentials.Root);
        var hostDir = Directory.CreateTempSubdirectory("ssi-bench-tools-").FullName;
        try
        {
            var hostFile = Path.Combine(hostDir, "text");
            var hostWarm = Path.Combine(hostDir, "warm");
            WriteText(hostFile, bytes);
            WriteText(hostWarm, Math.Max(1 << 20, bytes / 10));
            var files = client.Files();
            Say($"writing {bytes >> 20} MiB of text to {ClusterFile}");
            await CopyInAsync(files, hostFile, ClusterFile, ct);
            await CopyInAsync(files, hostWarm, Warm, ct);
            var owner = (await files.WhereAsync(ClusterFile, ct)).Node;
            Say($"the tools run on node {ToolNode}; the file's inode is owned by node {owner}");

            var rows = new List<Row>();
            var nodePid = NodeProcess.LivePid(cluster.Home, ToolNode) ?? throw new CliException(Ssi.Actors.Errors.Errno.ESRCH, $"node {ToolNode} is not up");
            foreach (var (name, script) in Cases)
            {
                Say(name);
                var clock = Stopwatch.StartNew();
                do await InClusterAsync(client, string.Format(script, Warm), ct);
                while (clock.Elapsed.TotalSeconds < warmup);
                var ssi = new List<double>();
                var growth = new List<double>();
                for (var i = 0; i < rounds; i++)
                {
                    var before = ProcBenchmark.RssKib(nodePid);
                    using var watch = new PeakRss(nodePid);
                    ssi.Add(bytes / 1e6 / await InClusterAsync(client, string.Format(script, ClusterFile), ct));
                    growth.Add(Math.Max(0, watch.PeakKib - before) / 1024);
                }
                clock.Restart();
                do OnHost(string.Format(script, hostWarm));
                while (clock.Elapsed.TotalSeconds < warmup);
                var host = Enumerable.Range(0, rounds).Select(_ => bytes / 1e6 / OnHost(string.Format(script, hostFile))).ToList();
                rows.Add(new Row(name, "MB/s", ssi, "host " + name.Split(' ')[0], host));
                if (name.StartsWith("sort", StringComparison.Ordinal))
                    rows.Add(new Row($"{name}: growth of node 2's resident memory", "MiB", growth, "size of the file", [bytes / (double)(1 << 20)]));
            }
            await files.UnlinkAsync(ClusterFile, ct);
            await files.UnlinkAsync(Warm, ct);
            return rows;
        }
        finally
        {
            Directory.Delete(hostDir, recursive: true);
        }
    }

    /// <summary>Lines of eight words from a fixed vocabulary of 5,000, seeded; about one line in a thousand holds "needle".</summary>
    private static void WriteText(string path, long bytes)
    {
        var random = new Random(1);
        var words = Enumerable.Range(0, 5000).Select(_ => new string([.. Enumerable.Range(0, random.Next(2, 10)).Select(_ => (char)('a' + random.Next(10)))])).ToArray();
        words[0] = "needle";
        using var output = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        var line = new StringBuilder();
        long written = 0;
        while (written < bytes)
        {
            line.Clear();
            for (var w = 0; w < 8; w++) line.Append(w == 0 ? "" : " ").Append(words[random.Next(words.Length)]);
            line.Append('\n');
            if (written + line.Length > bytes) break;
            output.Write(line);
            written += line.Length;
        }
    }

    private static async Task CopyInAsync(FileClient files, string local, string path, CancellationToken ct)
    {
        await files.CreateAsync(path, 0x1A4, ct: ct);
        var buffer = new byte[Block];
        await using var input = File.OpenRead(local);
        long offset = 0;
        int read;
        while ((read = await input.ReadAsync(buffer, ct)) > 0)
        {
            await files.WriteAsync(path, offset, buffer.AsSpan(0, read).ToArray(), ct: ct);
            offset += read;
        }
    }

    /// <summary>Seconds for 'sh -c SCRIPT' on node 2, from its start to its exit.</summary>
    private static async Task<double> InClusterAsync(SsiClient client, string script, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await ProcBenchmark.RunAsync(client, ToolNode, ["sh", "-c", script], ct);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Seconds for the host's sh to run SCRIPT under LC_ALL=C.</summary>
    private static double OnHost(string script)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", script]) { UseShellExecute = false, RedirectStandardOutput = true };
        start.Environment["LC_ALL"] = "C";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new CliException(Ssi.Actors.Errors.Errno.EIO, $"sh -c '{script}' exited {process.ExitCode}");
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>The highest resident memory of a process, sampled every 20 ms until disposed.</summary>
    private sealed class PeakRss : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _sampler;
        private double _peak;

        public PeakRss(int pid)
        {
            _peak = ProcBenchmark.RssKib(pid);
            _sampler = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
                while (await timer.WaitForNextTickAsync(_stop.Token).AsTask().ContinueWith(t => !t.IsCanceled && t.Result))
                    _peak = Math.Max(_peak, ProcBenchmark.RssKib(pid));
            });
        }

        public double PeakKib => Volatile.Read(ref _peak);

        public void Dispose()
        {
            _stop.Cancel();
            _sampler.Wait();
            _stop.Dispose();
        }
    }
}
