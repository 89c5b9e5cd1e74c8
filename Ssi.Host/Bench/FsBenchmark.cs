// File-system benchmark: large sequential I/O, small-file rates and tree creation, each beside the host's own file system.
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Files;
using Ssi.Host.Cli;
using Ssi.Host.Client;
using Ssi.Host.Launcher;

namespace Ssi.Host.Bench;

public static class FsBenchmark
{
    private const int Block = 256 * 1024;

    public sealed record Row(string Name, string Unit, List<double> Ssi, List<double> Host)
    {
        public double SsiMedian => Median(Ssi);
        public double HostMedian => Median(Host);
        private static double Median(List<double> xs) { var s = xs.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
    }

    public static Command Command()
    {
        var runs = new Option<int>("--runs") { Description = "repetitions; medians are taken over them", DefaultValueFactory = _ => 3 };
        var size = new Option<int>("--size-mib") { Description = "size of the sequential write and read", DefaultValueFactory = _ => 256 };
        var small = new Option<int>("--small-files") { Description = "files for the small-file rates", DefaultValueFactory = _ => 300 };
        var tree = new Option<int>("--tree-files") { Description = "files in the tree whose creation is timed", DefaultValueFactory = _ => 5000 };
        var json = new JsonOption();
        var treeOnly = new Option<bool>("--tree-only") { Description = "measure only the tree creation (for very large trees)" };
        var parallel = new Option<int>("--parallel") { Description = "clients creating the tree at once, each in its own directories", DefaultValueFactory = _ => 1 };
        var command = new Command("fs", """
            Boots a 3-node cluster in a temporary $SSI_HOME and measures file-system calls made through node 2 by a
            client, each beside the same work on a host temporary directory in the same run (fsync after each block
            or file on the host, as the cluster's store makes every acknowledged write durable):
              - sequential write and read of --size-mib MiB in 256 KiB blocks, through a node that does not own the
                file's inode: by path at explicit offsets, and through one open file description;
              - small-file create+write+close, open+read+close, stat and unlink rates;
              - the time to create a tree of --tree-files files (100 per directory, --parallel creators at once),
                and each node's memory afterwards.

            Examples:
              ssi bench fs
              ssi bench fs --size-mib 1024 --runs 1 --json
              ssi bench fs --tree-only --tree-files 1000000 --parallel 8 --runs 1
            """);
        foreach (var o in new Option[] { runs, size, small, tree, json, treeOnly, parallel }) command.Options.Add(o);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("bench fs", async token =>
        {
            if (parse.GetValue(runs) < 1 || parse.GetValue(size) < 1 || parse.GetValue(small) < 1 || parse.GetValue(tree) < 1 || parse.GetValue(parallel) < 1)
                throw CliException.Usage("--runs, --size-mib, --small-files, --tree-files and --parallel must be at least 1");
            var quiet = parse.GetValue(json);
            var rows = new Dictionary<string, Row>();
            var memory = new List<string>();
            for (var run = 1; run <= parse.GetValue(runs); run++)
            {
                (quiet ? Console.Error : Console.Out).WriteLine($"run {run}/{parse.GetValue(runs)}");
                await BootBenchmark.WithClusterAsync(3, token, async (cluster, _) =>
                {
                    await using var client = new SsiClient(cluster.Connect(), Credentials.Root);
                    var host = Directory.CreateTempSubdirectory("ssi-bench-fs-").FullName;
                    try
                    {
                        await MeasureAsync(client.Files(through: 2, giveUpAfter: TimeSpan.FromMinutes(2)), host, parse.GetValue(size), parse.GetValue(small), parse.GetValue(tree),
                            parse.GetValue(treeOnly), parse.GetValue(parallel), rows, token);
                        memory.Add(string.Join(", ", cluster.LiveNodes().Select(n => $"node {n} {RssMib(NodeProcess.LivePid(cluster.Home, n)!.Value):0} MiB")));
                    }
                    finally
                    {
                        Directory.Delete(host, recursive: true);
                    }
                });
            }
            Console.Write(quiet ? ToJson(rows.Values, memory) : ToTable(rows.Values, memory));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static async Task MeasureAsync(FileClient viaNode2, string host, int sizeMib, int smallFiles, int treeFiles,
        bool treeOnly, int parallel, Dictionary<string, Row> rows, CancellationToken ct)
    {
        void Add(string name, string unit, double ssi, double hostValue)
        {
            if (!rows.TryGetValue(name, out var row)) rows[name] = row = new Row(name, unit, [], []);
            row.Ssi.Add(ssi);
            row.Host.Add(hostValue);
        }
        var files = viaNode2;

        if (treeOnly)
        {
            await MeasureTreeAsync(viaNode2, host, treeFiles, parallel, Add, ct);
            return;
        }
        var block = new byte[Block];
        new Random(1).NextBytes(block);
        var blocks = sizeMib * 4;
        var bytes = (double)blocks * Block / (1 << 20);

        // Sequential write and read, through a node that does not own the file's inode: by path at explicit offsets
        // (as `ssi fs put/get`), then through one open file description (as a program's read and write calls).
        await files.CreateAsync("/big", 0x1A4, ct: ct);
        var owner = (await files.WhereAsync("/big", ct)).Node;
        var through = owner.Value == 2 ? 3 : 2;
        files = viaNode2.Through(through);
        Console.Error.WriteLine($"sequential I/O through node {through}; the inode's owner is node {owner}");
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < blocks; i++) await files.WriteAsync("/big", (long)i * Block, block, ct: ct);
        var ssiWrite = bytes / clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (var i = 0; i < blocks; i++) await files.ReadAsync("/big", (long)i * Block, Block, ct);
        var ssiRead = bytes / clock.Elapsed.TotalSeconds;
        var open = await files.OpenAsync("/big", OpenFlags.ReadWrite | OpenFlags.Truncate, 0, ct);
        clock.Restart();
        for (var i = 0; i < blocks; i++) await files.WriteOpenAsync(open, block, ct);
        var openWrite = bytes / clock.Elapsed.TotalSeconds;
        await files.SeekAsync(open, 0, Whence.Set, ct);
        clock.Restart();
        for (var i = 0; i < blocks; i++) await files.ReadOpenAsync(open, Block, ct);
        var openRead = bytes / clock.Elapsed.TotalSeconds;
        await files.CloseAsync(open, ct);
        files = viaNode2;
        var hostFile = Path.Combine(host, "big");
        clock.Restart();
        await using (var f = new FileStream(hostFile, FileMode.CreateNew, FileAccess.Write))
            for (var i = 0; i < blocks; i++) { await f.WriteAsync(block, ct); f.Flush(flushToDisk: true); }
        var hostWrite = bytes / clock.Elapsed.TotalSeconds;
        clock.Restart();
        var buffer = new byte[Block];
        await using (var f = new FileStream(hostFile, FileMode.Open, FileAccess.Read))
            while (await f.ReadAsync(buffer, ct) > 0) { }
        var hostRead = bytes / clock.Elapsed.TotalSeconds;
        Add($"sequential write {sizeMib} MiB", "MiB/s", ssiWrite, hostWrite);
        Add($"sequential read {sizeMib} MiB", "MiB/s", ssiRead, hostRead);
        Add($"sequential write {sizeMib} MiB, open file", "MiB/s", openWrite, hostWrite);
        Add($"sequential read {sizeMib} MiB, open file", "MiB/s", openRead, hostRead);
        await files.UnlinkAsync("/big", ct);

        // Small files: 1 KiB each.
        var kib = block[..1024];
        await files.MkdirAsync("/small", 0x1ED, ct);
        var ssi = new double[4];
        var hostRates = new double[4];
        clock.Restart();
        for (var i = 0; i < smallFiles; i++)
        {
            await files.CreateAsync($"/small/{i}", 0x1A4, ct: ct);
            await files.WriteAsync($"/small/{i}", 0, kib, ct: ct);
        }
        ssi[0] = smallFiles / clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (var i = 0; i < smallFiles; i++) await files.ReadAsync($"/small/{i}", 0, 4096, ct);
        ssi[1] = smallFiles / clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (var i = 0; i < smallFiles; i++) await files.StatAsync($"/small/{i}", ct: ct);
        ssi[2] = smallFiles / clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (var i = 0; i < smallFiles; i++) await files.UnlinkAsync($"/small/{i}", ct);
        ssi[3] = smallFiles / clock.Elapsed.TotalSeconds;

        var hostDir = Directory.CreateDirectory(Path.Combine(host, "small")).FullName;
        clock.Restart();
        for (var i = 0; i < smallFiles; i++)
        {
            await using var f = new FileStream(Path.Combine(hostDir, i.ToString()), FileMode.CreateNew, FileAccess.Write);
            await f.WriteAsync(kib, ct);
            f.Flush(flushToDisk: true);
        }
        hostRates[0] = smallFiles / clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (var i = 0; i < smallFiles; i++) await File.ReadAllBytesAsync(Path.Combine(hostDir, i.ToString()), ct);
        hostRates[1] = smallFiles / clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (var i = 0; i < smallFiles; i++) _ = new FileInfo(Path.Combine(hostDir, i.ToString())).Length;
        hostRates[2] = smallFiles / clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (var i = 0; i < smallFiles; i++) File.Delete(Path.Combine(hostDir, i.ToString()));
        hostRates[3] = smallFiles / clock.Elapsed.TotalSeconds;
        string[] names = ["small create+write+close", "small open+read+close", "small stat", "small unlink"];
        for (var k = 0; k < 4; k++) Add(names[k], "ops/s", ssi[k], hostRates[k]);

        await MeasureTreeAsync(viaNode2, host, treeFiles, parallel, Add, ct);
    }

    /// <summary>A tree of 100 files per directory, made by <paramref name="parallel"/> creators each in its own directories.</summary>
    private static async Task MeasureTreeAsync(FileClient files, string host, int treeFiles, int parallel,
        Action<string, string, double, double> add, CancellationToken ct)
    {
        var directories = (treeFiles + 99) / 100;
        var done = 0;
        var clock = Stopwatch.StartNew();
        async Task Creator(int k)
        {
            for (var d = k; d < directories; d += parallel)
            {
                await files.MkdirAsync($"/tree{d}", 0x1ED, ct);
                for (var i = d * 100; i < Math.Min(treeFiles, d * 100 + 100); i++)
                    await files.CreateAsync($"/tree{d}/{i}", 0x1A4, ct: ct);
                var total = Interlocked.Add(ref done, Math.Min(100, treeFiles - d * 100));
                if (treeFiles >= 100_000 && total % (treeFiles / 20 / 100 * 100) < 100)
                    Console.Error.WriteLine($"tree: {total}/{treeFiles} files, {total / clock.Elapsed.TotalSeconds:0}/s");
            }
        }
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(Creator));
        var ssiTree = clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (var i = 0; i < treeFiles; i++)
        {
            if (i % 100 == 0) Directory.CreateDirectory(Path.Combine(host, $"tree{i / 100}"));
            File.Create(Path.Combine(host, $"tree{i / 100}", i.ToString())).Dispose();
        }
        add($"create a tree of {treeFiles} files", "s", ssiTree, clock.Elapsed.TotalSeconds);
    }

    private static double RssMib(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }

    public static string ToTable(IEnumerable<Row> rows, List<string> memory)
    {
        var list = rows.ToList();
        var width = list.Max(r => r.Name.Length);
        var w = new StringWriter();
        w.WriteLine($"{"metric".PadRight(width)}  {"ssi",10}  {"host",10}  unit    ssi/host  runs");
        foreach (var r in list)
            w.WriteLine($"{r.Name.PadRight(width)}  {r.SsiMedian,10:0.0}  {r.HostMedian,10:0.0}  {r.Unit,-6}  {r.SsiMedian / r.HostMedian,8:0.000}  {r.Ssi.Count}");
        foreach (var m in memory) w.WriteLine($"resident memory after the run: {m}");
        return w.ToString();
    }

    public static string ToJson(IEnumerable<Row> rows, List<string> memory) =>
        JsonSerializer.Serialize(new
        {
            benchmark = "fs",
            metrics = rows.Select(r => new { name = r.Name, unit = r.Unit, ssi = r.SsiMedian, host = r.HostMedian, ratio = r.SsiMedian / r.HostMedian, ssiSamples = r.Ssi, hostSamples = r.Host }),
            memory,
        }, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + Environment.NewLine;
}
