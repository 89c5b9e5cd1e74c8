// End to end: a file put through one node is read through another, survives SIGKILL of the node that took it and of
// the node that owned its inode, and survives a stop and start of the whole cluster.
using Ssi.Tests.Harness;

namespace Ssi.Tests.EndToEnd;

[Trait("Category", "EndToEnd")]
public class FileSystemEndToEndTests
{
    [Fact]
    public Task A_file_put_through_node_1_is_read_through_survivors_after_its_owner_and_node_1_are_killed_and_after_a_restart() =>
        PutKillReadRestartAsync(storeConfig: null);

    [SkippableFact]
    public async Task The_same_holds_with_the_store_on_PostgreSQL()
    {
        var server = Environment.GetEnvironmentVariable(Cfs.Storage.PostgresInodeStoreSpecs.Variable);
        Skip.If(string.IsNullOrEmpty(server), "SSI_TEST_POSTGRES is not set: no PostgreSQL server to test against");
        var schema = "e2e_" + Guid.NewGuid().ToString("N")[..10];
        using (var admin = new Npgsql.NpgsqlConnection(server))
        {
            admin.Open();
            new Npgsql.NpgsqlCommand($"CREATE SCHEMA {schema}", admin).ExecuteNonQuery();
        }
        try
        {
            // Three nodes and one kill (the owner's) here: the SQLite variant covers the second kill, and the logic is the store's.
            await PutKillReadRestartAsync($"ssi.cfs.store {{ kind = postgres, postgres.connection-string = \"{server};Search Path={schema}\" }}", nodes: 3);
            using var check = new Npgsql.NpgsqlConnection(server);
            check.Open();
            var stored = new Npgsql.NpgsqlCommand($"SELECT count(*) FROM {schema}.dirents WHERE name = 'upload.bin'", check).ExecuteScalar();
            Assert.Equal(1L, stored); // the file lives in PostgreSQL, not in a SQLite file
        }
        finally
        {
            using var admin = new Npgsql.NpgsqlConnection(server);
            admin.Open();
            new Npgsql.NpgsqlCommand($"DROP SCHEMA {schema} CASCADE", admin).ExecuteNonQuery();
        }
    }

    /// <param name="nodes">5: kill the owner, then node 1 that took the write; 3: kill only the owner (a majority is left).</param>
    private static async Task PutKillReadRestartAsync(string? storeConfig, int nodes = 5)
    {
        using var ssi = new SsiCli();
        string[] config = [];
        if (storeConfig is not null)
        {
            var file = Path.Combine(ssi.Home.Root, "store.conf");
            await File.WriteAllTextAsync(file, storeConfig);
            config = ["--config", file];
        }
        var local = Path.Combine(ssi.Home.Root, "upload.bin");
        var content = new byte[600_000];
        new Random(42).NextBytes(content);
        await File.WriteAllBytesAsync(local, content);
        // For two kills five nodes, so that a strict majority survives the loss of two even before the first is removed
        // (with four, two survivors would be a tie, which the Split Brain Resolver may decide against them).
        (await ssi.RunAsync(["start", nodes.ToString(), .. config])).Succeeded();

        var put = await ssi.RunAsync("fs", "put", local, "/upload.bin", "--node", "1");
        Assert.True(put.ExitCode == 0, put.ToString());
        var where = await ssi.RunAsync("fs", "where", "/upload.bin", "--json", "--node", "2");
        Assert.True(where.ExitCode == 0, where.ToString());
        var owner = where.Json.GetProperty("node").GetInt32();
        Assert.InRange(owner, 1, nodes);

        // Kill the inode's owner, then node 1 that took the write (if it is another node); read through a survivor each time.
        var back = Path.Combine(ssi.Home.Root, "back.bin");
        var killed = new List<int>();
        foreach (var victim in (nodes == 5 ? new[] { owner, 1 } : [owner]).Distinct())
        {
            (await ssi.RunAsync("rm", victim.ToString())).Succeeded();
            killed.Add(victim);
            var reader = Enumerable.Range(2, nodes - 1).First(n => !killed.Contains(n));
            File.Delete(back);
            var get = await ssi.RunAsync("fs", "get", "/upload.bin", back, "--node", reader.ToString());
            Assert.True(get.ExitCode == 0, $"after killing node {victim}, through node {reader}: {get}");
            Assert.Equal(content, await File.ReadAllBytesAsync(back));
        }
        var survivor = Enumerable.Range(2, nodes - 1).First(n => !killed.Contains(n));
        var moved = await ssi.RunAsync("fs", "where", "/upload.bin", "--json", "--node", survivor.ToString());
        Assert.True(moved.ExitCode == 0, moved.ToString());
        Assert.DoesNotContain(moved.Json.GetProperty("node").GetInt32(), killed);

        (await ssi.RunAsync("stop")).Succeeded();
        (await ssi.RunAsync(["start", .. config])).Succeeded();
        var stat = await ssi.RunAsync("fs", "stat", "/upload.bin", "--json", "--node", "3");
        Assert.True(stat.ExitCode == 0, stat.ToString());
        Assert.Equal(600_000, stat.Json.GetProperty("size").GetInt64());
        File.Delete(back);
        (await ssi.RunAsync("fs", "get", "/upload.bin", back, "--node", "1")).Succeeded();
        Assert.Equal(content, await File.ReadAllBytesAsync(back));
        (await ssi.RunAsync("stop")).Succeeded();
    }

    [Fact]
    public async Task Permission_and_path_errors_are_one_line_with_the_errno()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start")).Succeeded();
        (await ssi.RunAsync("fs", "mkdir", "/private", "-m", "700")).Succeeded();

        var denied = await ssi.RunAsync("fs", "ls", "/private", "--user", "1000");
        var missing = await ssi.RunAsync("fs", "cat", "/private/none");
        var badUser = await ssi.RunAsync("fs", "ls", "/", "--user", "nobody");

        Assert.Equal((1, "ssi: fs ls: /private: Permission denied (EACCES)"), (denied.ExitCode, denied.Stderr.Trim()));
        Assert.Equal((1, "ssi: fs cat: /private/none: No such file or directory (ENOENT)"), (missing.ExitCode, missing.Stderr.Trim()));
        Assert.Equal(2, badUser.ExitCode);
        Assert.Contains("unknown user 'nobody'", badUser.Stderr);
        (await ssi.RunAsync("stop")).Succeeded();
    }

    [Fact]
    public async Task Names_are_bytes_so_names_that_differ_only_in_invalid_UTF8_stay_apart_and_print_raw()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "1")).Succeeded();
        const string Names = "a=\"$(printf '/tmp/\\377\\376')\"; b=\"$(printf '/tmp/\\376\\377')\"\n";

        var made = await ssi.RunShellAsync(Names + "ssi fs mkdir \"$a\" && ssi fs mkdir \"$b\"");
        Assert.True(made.ExitCode == 0, made.ToString()); // lossy argv made both /tmp/\uFFFD\uFFFD: EEXIST

        byte[][] names = [[0xFE, 0xFF], [0xFF, 0xFE]];
        var listed = await ssi.RunShellAsync("ssi fs ls /tmp");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Equal(Hex(names), Lines(listed.Stdout));
        var ls = await ssi.RunShellAsync("ssi run ls -1 /tmp"); // the program sees a terminal: -1 for one a line
        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.Equal(Hex(names), Lines(ls.Stdout));

        // A raw name passed to a program of /bin, and a path in an error message, come back as the same bytes.
        var one = await ssi.RunShellAsync(Names + "ssi run ls -d \"$a\"");
        Assert.Equal("2F746D702FFFFE0A", Convert.ToHexString(one.Stdout)); // "/tmp/\xff\xfe\n"
        var again = await ssi.RunShellAsync(Names + "ssi fs mkdir \"$b\" 2>&1");
        Assert.Equal(1, again.ExitCode);
        byte[] exists = [.. "ssi: fs mkdir: /tmp/"u8, 0xFE, 0xFF, .. ": File exists (EEXIST)\n"u8];
        Assert.Equal(exists, again.Stdout);
        (await ssi.RunAsync("stop")).Succeeded();
    }

    private static string[] Hex(byte[][] lines) => [.. lines.Select(Convert.ToHexString).Order()];

    private static string[] Lines(byte[] output) =>
        Hex([.. SplitLines(output)]);

    private static IEnumerable<byte[]> SplitLines(byte[] output)
    {
        for (int start = 0, end; start < output.Length; start = end + 1)
        {
            end = Array.IndexOf(output, (byte)'\n', start);
            if (end < 0) end = output.Length;
            yield return output[start..end];
        }
    }

    [Fact]
    public async Task The_first_start_creates_the_default_root_and_users_act_by_name()
    {
        using var ssi = new SsiCli();
        var start = await ssi.RunAsync("start");
        Assert.Contains("created the default root image", start.Stdout);

        var motd = await ssi.RunAsync("fs", "cat", "/etc/motd", "--node", "2");
        Assert.Equal(Ssi.Cfs.RootImage.DefaultRoot.Motd, motd.Stdout);
        (await ssi.RunAsync("fs", "mkdir", "/home/ann/docs", "--user", "ann")).Succeeded();
        var owned = await ssi.RunAsync("fs", "stat", "/home/ann/docs", "--json");
        Assert.Equal(1000, owned.Json.GetProperty("uid").GetInt32());
        var bob = await ssi.RunAsync("fs", "rm", "-d", "/home/ann/docs", "--user", "bob");
        Assert.Equal("ssi: fs rm: /home/ann/docs: Permission denied (EACCES)", bob.Stderr.Trim());
        var mkroot = await ssi.RunAsync("mkroot", "--from", ssi.Home.LogDir);
        Assert.Equal("ssi: mkroot: the root already has files; use --force to import into it (EEXIST)", mkroot.Stderr.Trim());
        (await ssi.RunAsync("stop")).Succeeded();
    }

    [Fact]
    public async Task The_file_system_benchmark_runs_small_and_reports_every_metric_beside_its_baseline()
    {
        using var ssi = new SsiCli();

        var bench = await ssi.RunAsync("bench", "fs", "--runs", "1", "--size-mib", "1", "--small-files", "5", "--tree-files", "5", "--json");

        Assert.True(bench.ExitCode == 0, bench.ToString());
        var metrics = bench.Json.GetProperty("metrics").EnumerateArray().ToList();
        Assert.Equal(9, metrics.Count);
        Assert.All(metrics, m =>
        {
            Assert.True(m.GetProperty("ssi").GetDouble() > 0, m.ToString());
            Assert.True(m.GetProperty("host").GetDouble() > 0, m.ToString());
        });
    }
}
