// End to end: the edge cases of issue 11 through the real CLI and one real cluster: init, kill, loadlevel, fs put, fs cat.
using System.Diagnostics;
using System.Text;
using Ssi.Tests.Harness;

namespace Ssi.Tests.EndToEnd;

[Trait("Category", "EndToEnd")]
public sealed class EdgeCaseEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Edge_cases_end_in_one_line_errors_and_put_and_cat_behave_as_Unix_tools()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "2")).Succeeded();

        // Init cannot move: a typed refusal, not a timeout.
        AssertFails(await ssi.RunAsync("migrate", "1", "2"), 1, "ssi: migrate: 1: init cannot move (EINVAL)");
        AssertFails(await ssi.RunAsync("pin", "1"), 1, "ssi: pin: 1: init cannot move (EINVAL)");

        // A target that is gone is named first, in the Unix way, by every command that goes on past it.
        AssertFails(await ssi.RunAsync("kill", "99999"), 1, "ssi: kill: 99999: No such process (ESRCH)");
        AssertFails(await ssi.RunAsync("where", "99999"), 1, "ssi: where: 99999: No such process (ESRCH)");

        // loadlevel --node N shows node N alone; a node that is not up is EHOSTDOWN.
        var two = await ssi.RunAsync("loadlevel", "--node", "2", "--json");
        Assert.True(two.ExitCode == 0, two.ToString());
        Assert.Equal([2], two.Json.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("node").GetInt32()));
        AssertFails(await ssi.RunAsync("loadlevel", "--node", "9"), 1, "ssi: loadlevel: node 9 is not up (EHOSTDOWN)");

        // kill: --user after a process group is still an option.
        var sleeper = ssi.Start("run", "--user", "ann", "sleep", "300");
        var pgid = await AwaitAsync(async () =>
        {
            var ps = await ssi.RunAsync("ps", "--json");
            return ps.ExitCode == 0 ? ps.Json.EnumerateArray().Where(p => p.GetProperty("command").GetString() == "sleep 300")
                .Select(p => (int?)p.GetProperty("pgid").GetInt32()).FirstOrDefault() : null;
        }, "the sleeper in ps");
        var killed = await ssi.RunAsync("kill", "-KILL", $"-{pgid}", "--user", "ann");
        Assert.True(killed.ExitCode == 0, killed.ToString());
        await sleeper.WaitForExitAsync().WaitAsync(Deadline);
        Assert.Equal(128 + 9, sleeper.ExitCode);

        // fs put replaces atomically: a reader sees the old file until the rename; its mode is kept.
        var local = Path.Combine(ssi.Home.Root, "old.txt");
        await File.WriteAllTextAsync(local, "old\n");
        (await ssi.RunAsync("fs", "put", local, "/tmp/target", "--user", "ann")).Succeeded();
        (await ssi.RunAsync("fs", "chmod", "640", "/tmp/target", "--user", "ann")).Succeeded();

        // A put that fails midway (its temporary made read-only under it) removes the temporary and changes nothing.
        var fifo = MakeFifo(ssi, "input");
        var failing = ssi.Start("fs", "put", fifo, "/tmp/target", "--user", "ann");
        await using (var writer = await OpenWriterAsync(fifo))
        {
            await writer.WriteAsync(new byte[300 * 1024]);
            await writer.FlushAsync();
            var temporary = await TemporaryAsync(ssi);
            Assert.Equal("old\n", (await ssi.RunAsync("fs", "cat", "/tmp/target")).Stdout);
            (await ssi.RunAsync("fs", "chmod", "400", "/tmp/" + temporary)).Succeeded();
            try
            {
                await writer.WriteAsync(new byte[300 * 1024]);
            }
            catch (IOException)
            {
                // the put failed at the first of these blocks and closed its end, as it should
            }
        }
        await failing.WaitForExitAsync().WaitAsync(Deadline);
        Assert.Equal(1, failing.ExitCode);
        Assert.Equal("ssi: fs put: /tmp/target: Permission denied (EACCES)", (await failing.StandardError.ReadToEndAsync()).Trim());
        Assert.Equal(["target"], await ListTmpAsync(ssi));
        Assert.Equal("old\n", (await ssi.RunAsync("fs", "cat", "/tmp/target")).Stdout);

        // An interrupted put (Ctrl-C) removes its temporary too.
        var interrupted = ssi.Start("fs", "put", fifo, "/tmp/target", "--user", "ann");
        await using (var writer = await OpenWriterAsync(fifo))
        {
            await writer.WriteAsync(new byte[300 * 1024]);
            await writer.FlushAsync();
            await TemporaryAsync(ssi);
            using (var kill = Process.Start("kill", ["-INT", interrupted.Id.ToString()])) await kill.WaitForExitAsync();
            // Each block read lets the put see the interrupt at its next call; keep feeding until it has gone.
            while (!interrupted.HasExited)
            {
                try
                {
                    await writer.WriteAsync(new byte[64 * 1024]).AsTask().WaitAsync(TimeSpan.FromSeconds(1));
                }
                catch (Exception e) when (e is IOException or TimeoutException)
                {
                    break;
                }
            }
        }
        await interrupted.WaitForExitAsync().WaitAsync(Deadline);
        Assert.Equal(130, interrupted.ExitCode);
        Assert.Equal("ssi: fs put: interrupted (EINTR)", (await interrupted.StandardError.ReadToEndAsync()).Trim());
        Assert.Equal(["target"], await ListTmpAsync(ssi));
        Assert.Equal("old\n", (await ssi.RunAsync("fs", "cat", "/tmp/target")).Stdout);

        // A finished put replaces the file and keeps its mode.
        await File.WriteAllTextAsync(local, "new\n");
        (await ssi.RunAsync("fs", "put", local, "/tmp/target", "--user", "ann")).Succeeded();
        Assert.Equal("new\n", (await ssi.RunAsync("fs", "cat", "/tmp/target")).Stdout);
        Assert.Contains("-rw-r-----", (await ssi.RunAsync("fs", "ls", "-l", "/tmp")).Stdout);
        Assert.Equal(["target"], await ListTmpAsync(ssi));

        // fs cat stops when its reader goes (| head -c 1): status 141 as a SIGPIPE'd cat, nothing on stderr.
        var big = Path.Combine(ssi.Home.Root, "big");
        await File.WriteAllBytesAsync(big, new byte[8 << 20]);
        (await ssi.RunAsync("fs", "put", big, "/tmp/big")).Succeeded();
        var cat = ssi.Start("fs", "cat", "/tmp/big");
        Assert.Equal(0, cat.StandardOutput.BaseStream.ReadByte());
        cat.StandardOutput.Close();
        await cat.WaitForExitAsync().WaitAsync(Deadline);
        Assert.Equal(141, cat.ExitCode);
        Assert.Empty(await cat.StandardError.ReadToEndAsync());

        (await ssi.RunAsync("stop")).Succeeded();
    }

    private static void AssertFails(CliResult r, int exit, string line)
    {
        Assert.True(r.ExitCode == exit, r.ToString());
        Assert.Equal(line, r.Stderr.Trim());
    }

    private static string MakeFifo(SsiCli ssi, string name)
    {
        var path = Path.Combine(ssi.Home.Root, name);
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>The FIFO's write end; opening it waits for the put to open the read end.</summary>
    private static Task<FileStream> OpenWriterAsync(string fifo) =>
        Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0)).WaitAsync(Deadline);

    private static async Task<string[]> ListTmpAsync(SsiCli ssi)
    {
        var ls = await ssi.RunAsync("fs", "ls", "/tmp");
        Assert.True(ls.ExitCode == 0, ls.ToString());
        return ls.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(n => n != "big").ToArray();
    }

    /// <summary>The name of the put's temporary beside /tmp/target, once it is there.</summary>
    private static Task<string> TemporaryAsync(SsiCli ssi) => AwaitAsync(async () =>
        (await ListTmpAsync(ssi)).FirstOrDefault(n => n.StartsWith(".target.ssi-put-", StringComparison.Ordinal)), "the put's temporary");

    private static async Task<T> AwaitAsync<T>(Func<Task<T?>> probe, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTime.UtcNow > until) throw new TimeoutException($"{what} did not happen in time");
            await Task.Delay(100);
        }
    }
}
