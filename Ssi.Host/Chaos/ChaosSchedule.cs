// The faults of one `ssi chaos` run, drawn from its seed alone, so the same seed replays the same schedule.
using System.Globalization;

namespace Ssi.Host.Chaos;

public enum FaultKind
{
    /// <summary>SIGKILL one node; start it again after the hold.</summary>
    Kill,
    /// <summary>SIGKILL all but one node at once (the survivor holds the lease); start them again after the hold.</summary>
    KillAllButOne,
    /// <summary>SIGSTOP one node for the hold, then SIGCONT (a long GC pause, a stalled VM).</summary>
    Pause,
    /// <summary>Cut every link between two sides for the hold, then mend them.</summary>
    Partition,
    /// <summary>Stop one node the polite way (SIGTERM: it leaves), then start it again.</summary>
    Restart,
}

/// <summary>
/// One fault: when (from the start of the workload; later if the fault before it is still recovering), what, to which
/// nodes (for a partition, <see cref="Nodes"/> is the smaller side), and for how long.
/// </summary>
public sealed record Fault(int Index, TimeSpan At, FaultKind Kind, IReadOnlyList<int> Nodes, TimeSpan Hold)
{
    public string Describe()
    {
        var nodes = string.Join(",", Nodes);
        var hold = Hold.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        return Kind switch
        {
            FaultKind.Kill => $"SIGKILL node {nodes}, start it again after {hold} s",
            FaultKind.KillAllButOne => $"SIGKILL nodes {nodes} at once, start them again after {hold} s",
            FaultKind.Pause => $"SIGSTOP node {nodes} for {hold} s, then SIGCONT",
            FaultKind.Partition => $"partition nodes {nodes} from the others for {hold} s",
            _ => $"stop node {nodes} (SIGTERM), start it again",
        };
    }
}

public static class ChaosSchedule
{
    /// <summary>The time given to each fault and its recovery: a run of N minutes has N * 3 faults.</summary>
    public static readonly TimeSpan TypicalEpisode = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The faults for a run of <paramref name="length"/> on <paramref name="nodes"/> nodes: at least one, one at a
    /// time, one in each slot of <see cref="TypicalEpisode"/> (at a drawn point of its first half), each kind drawn
    /// with fixed weights. Pauses range from shorter than failure detection (nothing should
    /// happen) to longer than it (the node must be downed and never run its processes again).
    /// </summary>
    public static IReadOnlyList<Fault> Create(int seed, TimeSpan length, int nodes)
    {
        if (nodes < 3) throw new ArgumentOutOfRangeException(nameof(nodes), "chaos needs at least 3 nodes");
        var random = new Random(seed);
        var count = Math.Max(1, (int)(length.TotalSeconds / TypicalEpisode.TotalSeconds));
        var slot = length / count;
        var faults = new List<Fault>();
        for (var i = 0; i < count; i++)
        {
            var roll = random.Next(100);
            var kind = roll switch
            {
                < 25 => FaultKind.Kill,
                < 37 => FaultKind.KillAllButOne,
                < 62 => FaultKind.Pause,
                < 87 => FaultKind.Partition,
                _ => FaultKind.Restart,
            };
            var order = Enumerable.Range(1, nodes).OrderBy(_ => random.Next()).ToList();
            var minority = (nodes - 1) / 2;
            IReadOnlyList<int> chosen = kind switch
            {
                FaultKind.KillAllButOne => [.. order.Take(nodes - 1).Order()],
                FaultKind.Partition => [.. order.Take(1 + random.Next(minority)).Order()],
                _ => [order[0]],
            };
            var hold = kind switch
            {
                FaultKind.Pause => Seconds(random, 1, 15),
                FaultKind.Partition => Seconds(random, 2, 12),
                FaultKind.Restart => TimeSpan.Zero,
                _ => Seconds(random, 1, 6),
            };
            var at = slot * i + slot * (0.1 + 0.4 * random.NextDouble());
            faults.Add(new Fault(i + 1, TimeSpan.FromSeconds(Math.Round(at.TotalSeconds, 1)), kind, chosen, hold));
        }
        return faults;
    }

    private static TimeSpan Seconds(Random random, double min, double max) =>
        TimeSpan.FromSeconds(Math.Round(min + random.NextDouble() * (max - min), 1));
}
