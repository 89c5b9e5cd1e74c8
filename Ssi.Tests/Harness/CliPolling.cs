// What the end-to-end tests share when they poll the CLI: node states from `ssi cluster --json`, and waiting on a condition.
using System.Diagnostics;
using System.Text.Json;

namespace Ssi.Tests.Harness;

public static class CliPolling
{
    /// <summary>Each node's state (UP, DOWN, ...) in the output of `ssi cluster --json`, by node number.</summary>
    public static Dictionary<int, string> States(JsonElement cluster) =>
        cluster.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("node").GetInt32(), n => n.GetProperty("state").GetString()!);

    public static string StateOf(JsonElement cluster, int node) => States(cluster)[node];

    /// <summary>
    /// Asks until the condition holds, or fails when the deadline has passed. It pauses between attempts: each CLI run
    /// costs a CPU-second, and the nodes need room to breathe.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> probe, TimeSpan deadline, Func<string> what, int pauseMilliseconds = 200)
    {
        var clock = Stopwatch.StartNew();
        while (!await probe())
        {
            if (clock.Elapsed > deadline) throw new TimeoutException($"{what()} did not happen within {deadline}");
            await Task.Delay(pauseMilliseconds);
        }
    }
}
