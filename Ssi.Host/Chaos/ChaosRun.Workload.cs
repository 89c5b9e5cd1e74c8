// `ssi chaos`: the workload's loops (writes, families, sleepers, moves) and the sampler that watches every node.
using System.Diagnostics;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Akka.Actor;
using Ssi.Host.Cli;
using Ssi.Host.Client;
using Ssi.Host.Launcher;
using Ssi.Vproc.Programs;
using static Ssi.Host.Bench.ProcBenchmark;

namespace Ssi.Host.Chaos;

public sealed partial class ChaosRun
{
    private static async Task Pace(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WriterAsync(CancellationToken ct)
    {
        var random = new Random(seed * 31 + 1);
        var next = new int[DataFiles];
        while (!ct.IsCancellationRequested)
        {
            var f = random.Next(DataFiles);
            var index = next[f]++;
            var clock = Stopwatch.StartNew();
            try
            {
                await client.Files(1 + random.Next(nodes), Ask * 3).WriteAsync(DataFile(f), (long)index * RecordSize, Record(seed, f, index), ct: ct);
                lock (_acked[f]) _acked[f].Add(index);
                lock (_counts.WriteMilliseconds) _counts.WriteMilliseconds.Add(clock.Elapsed.TotalMilliseconds);
                Interlocked.Increment(ref _counts.WritesAcked);
            }
            catch (ClientException)
            {
                Interlocked.Increment(ref _counts.WritesFailed);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await Pace(TimeSpan.FromMilliseconds(random.Next(10, 50)), ct);
        }
    }

    private async Task FamiliesAsync(CancellationToken ct)
    {
        var random = new Random(seed * 31 + 2);
        var running = new List<Task>();
        var family = 0;
        var spread = string.Join(",", Enumerable.Range(1, nodes));
        while (!ct.IsCancellationRequested)
        {
            running.RemoveAll(t => t.IsCompleted);
            if (running.Count < 2)
            {
                var task = FamilyAsync(++family, 1 + random.Next(nodes), spread);
                running.Add(task);
                _pending.Add(task);
            }
            await Pace(TimeSpan.FromMilliseconds(250), ct);
        }
    }

    private async Task FamilyAsync(int family, int node, string spread)
    {
        var log = $"{Dir}/family-{family}.log";
        Attached started;
        try
        {
            started = await StartAsync(client, node, ["/bin/bench-chaosfamily", "4", log, spread], CancellationToken.None);
        }
        catch (ClientException)
        {
            Interlocked.Increment(ref _counts.FamiliesNotStarted);
            return;
        }
        _familyLogs.Add(log);
        _movable.TryAdd(started.Started.Pid.Value, 0);
        var (status, how) = await EndOfAsync(started, $"family {family} (pid {started.Started.Pid})");
        _movable.TryRemove(started.Started.Pid.Value, out _);
        switch (how)
        {
            case End.Status when status == 0: Interlocked.Increment(ref _counts.FamiliesFinished); break;
            case End.Status or End.Lost:
                Interlocked.Increment(ref _counts.FamiliesKilled);
                say($"  {_clock.Elapsed.TotalSeconds,6:0.0} s    family {family} (pid {started.Started.Pid}) ended {(how == End.Lost ? "with its node" : $"with wait status {status}")} {started.Output.ToString().Trim()}");
                break;
            case End.Cut: Interlocked.Increment(ref _counts.FamiliesCut); break;
        }
    }

    private async Task SleepersAsync(CancellationToken ct)
    {
        var random = new Random(seed * 31 + 3);
        while (!ct.IsCancellationRequested)
        {
            Attached sleeper;
            try
            {
                sleeper = await StartAsync(client, 1 + random.Next(nodes), ["/bin/sleep", SleeperSeconds], ct);
            }
            catch (ClientException)
            {
                Interlocked.Increment(ref _counts.SleepersNotStarted);
                await Pace(TimeSpan.FromMilliseconds(500), ct);
                continue;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var pid = sleeper.Started.Pid.Value;
            _movable.TryAdd(pid, 0);
            await Pace(TimeSpan.FromMilliseconds(random.Next(300, 3000)), ct);
            var signal = random.Next(2) == 0 ? Signal.SIGTERM : Signal.SIGKILL;
            _pending.Add(SignalAsync(sleeper, signal));
        }
    }

    /// <summary>Signals a sleeper; one that took the signal must end with it (or with SIGKILL, if its node died).</summary>
    private async Task SignalAsync(Attached sleeper, int signal)
    {
        var pid = sleeper.Started.Pid.Value;
        _movable.TryRemove(pid, out _);
        bool delivered;
        try
        {
            delivered = (await client.Processes.KillAsync(pid, signal, Ask * 5)).IsOk;
        }
        catch (ClientException)
        {
            delivered = false; // no answer: it may or may not have arrived
        }
        var (status, how) = await EndOfAsync(sleeper, $"sleeper {pid}");
        switch (how)
        {
            case End.Status when delivered && WaitStatus.IfSignaled(status) && WaitStatus.TermSig(status) is var s && (s == signal || s == Signal.SIGKILL):
            case End.Status when !delivered: // the signal may not have arrived: it was killed or slept its time out
                Interlocked.Increment(ref _counts.SleepersSignalled);
                break;
            case End.Status:
                Violate(new(Violation.SignalStatus, $"sleeper {pid} ended with wait status {status} after {(delivered ? "taking" : "an unanswered")} {Signal.Describe(signal)}"));
                break;
            case End.Lost:
                Interlocked.Increment(ref _counts.SleepersLost);
                break;
            case End.Cut:
                Interlocked.Increment(ref _counts.SleepersCut);
                try
                {
                    await client.Processes.KillAsync(pid, Signal.SIGKILL, Ask * 5); // its terminal is gone; it may run on
                }
                catch (ClientException)
                {
                    // Nobody answered; the cluster's own cleanup is what is under test, not this.
                }
                break;
        }
    }

    private enum End { Status, Lost, Cut, Hung }

    /// <summary>How an attached process ended: its status, lost with its node, or its terminal lost while it may run on.</summary>
    private async Task<(int Status, End How)> EndOfAsync(Attached attached, string what)
    {
        try
        {
            return (await attached.Ended.Task.WaitAsync(ClientEndsWithin), End.Status);
        }
        catch (TerminalAttachment.ProcessLost)
        {
            return (0, End.Lost);
        }
        catch (TerminalAttachment.TerminalLost)
        {
            var lost = await LostAsync(attached.Started.Pid);
            return (0, lost ? End.Lost : End.Cut);
        }
        catch (TimeoutException)
        {
            Violate(new(Violation.ClientHangs, $"the client of {what} had no end {ClientEndsWithin.TotalSeconds:0} s after it was due "
                + $"(its terminal at {attached.Started.Terminal.Path.Address}; the process: {await DescribeAsync(attached.Started.Pid)})"));
            return (0, End.Hung);
        }
        finally
        {
            attached.Attachment.Tell(PoisonPill.Instance, ActorRefs.NoSender);
        }
    }

    /// <summary>What the cluster says of a process, for a violation's post-mortem.</summary>
    private async Task<string> DescribeAsync(Pid pid)
    {
        try
        {
            var info = await client.Processes.QueryAsync(pid);
            return info.IsOk ? $"{info.Value.State} on node {info.Value.Node}, {info.Value.Command}" : info.ToString();
        }
        catch (ClientException e)
        {
            return "no answer: " + e.Message;
        }
    }

    private async Task<bool> LostAsync(Pid pid)
    {
        try
        {
            return await client.Processes.LostAsync(pid) == true;
        }
        catch (ClientException)
        {
            return false;
        }
    }

    private async Task MoverAsync(CancellationToken ct)
    {
        var random = new Random(seed * 31 + 4);
        while (!ct.IsCancellationRequested)
        {
            await Pace(TimeSpan.FromMilliseconds(300), ct);
            var candidates = _movable.Keys.ToList();
            if (candidates.Count == 0) continue;
            var pid = candidates[random.Next(candidates.Count)];
            try
            {
                await client.Processes.MigrateAsync(new Pid(pid), new NodeNumber(1 + random.Next(nodes)), ct);
                Interlocked.Increment(ref _counts.Moves);
            }
            catch (ClientException)
            {
                Interlocked.Increment(ref _counts.MovesRefused);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SamplerAsync(CancellationToken ct)
    {
        IReadOnlyList<NodeSample> previous = [];
        var downedSince = new Dictionary<int, TimeSpan>();
        while (!ct.IsCancellationRequested)
        {
            var round = await Task.WhenAll(Enumerable.Range(1, nodes).Select(n => SampleAsync(n, ct)));
            Interlocked.Increment(ref _counts.Rounds);
            if (round.Any(s => s.Pids is null || s.View is null)) Interlocked.Increment(ref _counts.PartialRounds);
            foreach (var violation in ChaosChecks.Round(previous, round)) Violate(violation);
            var downed = ChaosChecks.DownedButServing(round);
            foreach (var gone in downedSince.Keys.Except(downed.Select(d => d.Node)).ToList()) downedSince.Remove(gone);
            foreach (var (node, violation) in downed)
                if (_clock.Elapsed - (downedSince.TryAdd(node, _clock.Elapsed) ? _clock.Elapsed : downedSince[node]) >= ChaosChecks.DownedNodeGrace)
                    Violate(violation);
            previous = round;
            await Pace(TimeSpan.FromSeconds(1), ct);
        }
    }

    private async Task<NodeSample> SampleAsync(int node, CancellationToken ct)
    {
        if (NodeProcess.LivePid(cluster.Home, node) is null) return new NodeSample(node, null, null, null);
        var direct = Direct(node);
        async Task<T?> Try<T>(Func<Task<T>> ask) where T : class
        {
            try
            {
                return await ask();
            }
            catch (Exception e) when (e is ClientException or OperationCanceledException)
            {
                return null;
            }
        }
        var pids = Try(async () => (await direct.Processes.ListOnAsync(node, Ask, ct)).Select(p => p.Pid.Value).ToList());
        var view = Try(async () => (await direct.StatusAsync(node, Ask, ct)).View);
        var owners = Enumerable.Range(0, DataFiles).Select(f => Try(async () => (await direct.Files(node, Ask).WhereAsync(DataFile(f), ct)).Node.Value.ToString())).ToList();
        await Task.WhenAll([pids, view, .. owners]);
        var known = new Dictionary<string, int>();
        for (var f = 0; f < DataFiles; f++)
            if (owners[f].Result is { } owner) known[DataFile(f)] = int.Parse(owner, System.Globalization.CultureInfo.InvariantCulture);
        return new NodeSample(node, pids.Result, view.Result, known);
    }
}
