// End to end over "hosts": real node processes, each in its own network namespace with its own home and certificate,
// started by hand with `ssi node` as docs/operations.md says, and a partition made by dropping packets between them.
using System.Diagnostics;
using Akka.Configuration;
using Ssi.Actors.Security;
using Ssi.Cfs.Service;
using Ssi.Host.Node;
using Ssi.Tests.Harness;
using Xunit.Abstractions;

namespace Ssi.Tests.EndToEnd;

[Trait("Category", "EndToEnd")]
public sealed class HostsEndToEndTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static string StoreConfig(string connectionString) =>
        $"ssi.cfs.store {{ kind = postgres, postgres.connection-string = \"{connectionString}\" }}";

    private static Task AwaitAsync(Func<Task<bool>> probe, Func<string> what) => CliPolling.UntilAsync(probe, Deadline, what, 500);

    /// <summary>Network namespaces need root; CI runs as root, so there these tests always run.</summary>
    private static void SkipUnlessRoot() =>
        Skip.IfNot(Environment.IsPrivilegedProcess, "network namespaces need root: run the tests as root to include the hosts tests");

    [SkippableFact]
    public Task Three_hosts_on_one_SQLite_file_cut_1_from_2_and_3_the_minority_exits_the_majority_keeps_processes_and_files_and_node_1_rejoins_anew()
    {
        SkipUnlessRoot();
        return CutOneOfThreeAsync(postgres: null);
    }

    [SkippableFact]
    public async Task Three_hosts_on_PostgreSQL_cut_1_from_2_and_3_the_same_holds()
    {
        SkipUnlessRoot();
        var server = Environment.GetEnvironmentVariable(Cfs.Storage.PostgresInodeStoreSpecs.Variable);
        Skip.If(string.IsNullOrEmpty(server), "SSI_TEST_POSTGRES is not set: no PostgreSQL server to test against");
        Skip.If(new Npgsql.NpgsqlConnectionStringBuilder(server).Host?.StartsWith('/') != false, "the hosts reach PostgreSQL over TCP: SSI_TEST_POSTGRES must name a TCP host");
        var schema = "hosts_" + Guid.NewGuid().ToString("N")[..10];
        using (var admin = new Npgsql.NpgsqlConnection(server))
        {
            admin.Open();
            new Npgsql.NpgsqlCommand($"CREATE SCHEMA {schema}", admin).ExecuteNonQuery();
        }
        try
        {
            await CutOneOfThreeAsync(new Npgsql.NpgsqlConnectionStringBuilder(server) { SearchPath = schema });
            using var check = new Npgsql.NpgsqlConnection(server);
            check.Open();
            // The file the majority kept lives in PostgreSQL, not in a SQLite file.
            Assert.Equal(1L, new Npgsql.NpgsqlCommand($"SELECT count(*) FROM {schema}.dirents WHERE name = 'written-on-1'", check).ExecuteScalar());
        }
        finally
        {
            using var admin = new Npgsql.NpgsqlConnection(server);
            admin.Open();
            new Npgsql.NpgsqlCommand($"DROP SCHEMA {schema} CASCADE", admin).ExecuteNonQuery();
        }
    }

    /// <param name="postgres">The store's server, reached from the hosts through a relay; null: a SQLite file they share.</param>
    private async Task CutOneOfThreeAsync(Npgsql.NpgsqlConnectionStringBuilder? postgres)
    {
        using var hosts = new NetnsHosts(3); // disposed after the CLI harness, which kills the nodes first
        using var ssi = new SsiCli();
        // `ssi start` makes the secret, the CA and the root image here; `ssi host add` makes each host's home, with a
        // member certificate of its own. The hosts share one store, which holds the root and arbitrates the downing
        // lease: this home's SQLite file (their file system is one, as hosts sharing a file system could), or PostgreSQL.
        var localStore = Path.Combine(ssi.Home.Root, "store.conf");
        if (postgres is not null) File.WriteAllText(localStore, StoreConfig(postgres.ConnectionString));
        (await ssi.RunAsync(postgres is null ? ["start", "1"] : ["start", "1", "--config", localStore])).Succeeded();
        (await ssi.RunAsync("stop")).Succeeded();
        string HomeOf(int n) => Path.Combine(ssi.Home.Root, "hosts", $"{n}");
        for (var n = 1; n <= 3; n++) (await ssi.RunAsync("host", "add", $"host-{n}", "--out", HomeOf(n))).Succeeded();
        var secret = ClusterSecret.Load(ssi.Home.SecretFile);
        var certificates = Enumerable.Range(1, 3).Select(n => ClusterTls.ForMember(Path.Combine(HomeOf(n), "tls"), secret).Identity).ToList();
        Assert.Equal(3, certificates.Select(c => c.Thumbprint).Distinct().Count());
        Assert.All(Enumerable.Range(1, 3), n => Assert.False(File.Exists(ClusterTls.CaKeyFile(Path.Combine(HomeOf(n), "tls")))));
        var store = postgres is null
            ? $"ssi.cfs.store.sqlite.path = \"{CfsSettings.Create(NodeHost.ComposeConfig(Config.Empty, []), ssi.Home).SqlitePath}\""
            : StoreConfig(new Npgsql.NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Host = hosts.Gateway, Port = hosts.Relay(postgres.Host!, postgres.Port) }.ConnectionString);
        for (var n = 1; n <= 3; n++)
            File.WriteAllText(Path.Combine(ssi.Home.Root, $"host-{n}.conf"), $$"""
                ssi.cluster {
                  hostname = "{{hosts.Address(n)}}"
                  base-port = 7100
                  client-base-port = 7200
                  seed-nodes = ["{{hosts.Address(1)}}:7101", "{{hosts.Address(2)}}:7102"]
                }
                {{store}}
                """);
        Process StartNode(int n, string log) => ssi.StartLogged(Path.Combine(ssi.Home.Root, log), new Dictionary<string, string> { ["SSI_HOME"] = HomeOf(n) },
            hosts.Exec(n, SsiCli.Command("node", "--node", $"{n}", "--config", Path.Combine(ssi.Home.Root, $"host-{n}.conf"), "--config", "HOCON/multi-host.conf")));
        var nodes = Enumerable.Range(1, 3).ToDictionary(n => n, n => StartNode(n, $"host-{n}.log"));
        var credential = Path.Combine(ssi.Home.Root, "hosts-root.cred");
        (await ssi.RunAsync(["user", "add", "root", "--out", credential,
            .. Enumerable.Range(1, 3).SelectMany(n => new[] { "--contact", $"{hosts.Address(n)}:{7200 + n}" })])).Succeeded();
        // The attached clients contact only nodes 2 and 3: a client whose gateway (and so its terminal) was on node 1
        // would lose its process with node 1 (SIGHUP), whichever node the process ran on.
        var majority = Path.Combine(ssi.Home.Root, "hosts-majority.cred");
        (await ssi.RunAsync(["user", "add", "root", "--out", majority,
            .. Enumerable.Range(2, 2).SelectMany(n => new[] { "--contact", $"{hosts.Address(n)}:{7200 + n}" })])).Succeeded();
        var env = new Dictionary<string, string> { ["SSI_CREDENTIAL"] = credential };
        var onMajority = new Dictionary<string, string> { ["SSI_CREDENTIAL"] = majority };
        Task<CliResult> Cli(params string[] args) => ssi.RunWithEnvironmentAsync(env, args);
        string Logs() => string.Join('\n', Directory.GetFiles(ssi.Home.Root, "host-*.log").Select(f => $"--- {Path.GetFileName(f)}\n" +
            string.Join('\n', File.ReadLines(f).Where(l => l.Contains("WARN") || l.Contains("ERR") || l.Contains("ssi:")).TakeLast(15))));

        var last = "";
        await AwaitAsync(async () =>
        {
            var r = await Cli("cluster", "--json");
            last = r.ToString();
            return r.ExitCode == 0 && CliPolling.States(r.Json) is var s && s.Count == 3 && s.Values.All(v => v == "UP");
        }, () => $"three hosts UP ({last}; {Logs()})");
        (await Cli("run", "--node", "1", "sh", "-c", "echo acknowledged > /tmp/written-on-1")).Succeeded();
        var kept = ssi.Start(onMajority, "run", "--node", "2", "sleep", "900");
        var lost = ssi.Start(onMajority, "run", "--node", "1", "sleep", "901");
        List<(string Command, int Node, int Pid)> sleeps = [];
        await AwaitAsync(async () =>
        {
            var ps = await Cli("ps", "--json");
            sleeps = ps.ExitCode != 0 ? [] : ps.Json.EnumerateArray()
                .Select(p => (p.GetProperty("command").GetString()!, p.GetProperty("node").GetInt32(), p.GetProperty("pid").GetInt32()))
                .Where(p => p.Item1.StartsWith("sleep", StringComparison.Ordinal)).ToList();
            return sleeps.Count == 2;
        }, () => "the two sleeps");
        var keptPid = sleeps.Single(s => s.Node == 2).Pid;
        var clock = Stopwatch.StartNew();

        hosts.Cut([1], [2, 3]);

        await nodes[1].WaitForExitAsync().WaitAsync(Deadline);
        output.WriteLine($"node 1 exited {clock.Elapsed.TotalSeconds:0.0} s after the cut, status {nodes[1].ExitCode}");
        Assert.Equal(75, nodes[1].ExitCode); // downed: a temporary failure, which it says in its last line
        Assert.Contains("ssi: node 1: stopped because the cluster downed it", File.ReadAllText(Path.Combine(ssi.Home.Root, "host-1.log")));
        Assert.False(nodes[2].HasExited || nodes[3].HasExited, Logs());
        await AwaitAsync(async () =>
        {
            var r = await Cli("cluster", "--json");
            return r.ExitCode == 0 && CliPolling.States(r.Json) is var s && s.GetValueOrDefault(2) == "UP" && s.GetValueOrDefault(3) == "UP" && s.GetValueOrDefault(1) != "UP";
        }, () => "nodes 2 and 3 serving without node 1");
        var ps = (await Cli("ps", "--json")).Succeeded();
        var left = ps.Json.EnumerateArray().Select(p => (Command: p.GetProperty("command").GetString()!, Pid: p.GetProperty("pid").GetInt32()))
            .Where(p => p.Command.StartsWith("sleep", StringComparison.Ordinal)).ToList();
        Assert.Equal([keptPid], left.Select(p => p.Pid));
        Assert.Equal("acknowledged\n", (await Cli("fs", "cat", "/tmp/written-on-1")).Succeeded().Stdout);
        await lost.WaitForExitAsync().WaitAsync(Deadline);
        Assert.Equal(137, lost.ExitCode); // its client heard the process was killed with its node
        Assert.False(kept.HasExited, $"the client of the process on node 2 ended: {(kept.HasExited ? kept.ExitCode : 0)}");

        hosts.Mend([1], [2, 3]);
        nodes[1] = StartNode(1, "host-1-again.log");

        await AwaitAsync(async () =>
        {
            var r = await Cli("cluster", "--json");
            last = r.ToString();
            return r.ExitCode == 0 && CliPolling.States(r.Json) is var s && s.Count == 3 && s.Values.All(v => v == "UP");
        }, () => $"node 1 back as a new incarnation ({last}; {Logs()})");
        output.WriteLine($"node 1 UP again {clock.Elapsed.TotalSeconds:0.0} s after the cut");
        Assert.Equal("acknowledged\n", (await Cli("run", "--node", "1", "cat", "/tmp/written-on-1")).Succeeded().Stdout);
        Assert.False(kept.HasExited);
    }
}
