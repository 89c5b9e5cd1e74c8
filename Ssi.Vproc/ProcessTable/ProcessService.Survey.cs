// The lost-process survey: which processes died with a node, asked of every node that is up (pipes and sessions ask it).
using Ssi.Cfs.Pipes;
using Akka.Actor;
using Akka.Event;
using Akka.Cluster;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;

namespace Ssi.Vproc.ProcessTable;

public sealed partial class ProcessService
{
    /// <summary>Questions of the last <see cref="SurveyGathering"/>: every pipe and session asks at once when a node leaves.</summary>
    private readonly List<(Pid[] Pids, IActorRef ReplyTo)> _surveyAsked = [];

    /// <summary>How long questions about lost processes are gathered into one survey of every node.</summary>
    private static readonly TimeSpan SurveyGathering = TimeSpan.FromMilliseconds(200);

    private sealed record SurveyDue;

    private void AskSurvey(Pid[] pids, IActorRef replyTo)
    {
        if (_surveyAsked.Count == 0) Timers.StartSingleTimer("survey", new SurveyDue(), SurveyGathering);
        _surveyAsked.Add((pids, replyTo));
    }

    /// <summary>One survey for all that was asked; each asker hears about its own PIDs.</summary>
    private void RunSurvey()
    {
        var asked = _surveyAsked.ToList();
        _surveyAsked.Clear();
        var all = asked.SelectMany(a => a.Pids).Distinct().ToArray();
        GoneAsync(all).ContinueWith(t =>
        {
            var gone = t.IsCompletedSuccessfully ? t.Result.Pids.ToHashSet() : [];
            foreach (var (pids, replyTo) in asked) replyTo.Tell(new ProcessesGone([.. pids.Where(gone.Contains)]));
        }, TaskScheduler.Default);
    }

    /// <summary>
    /// Which of <paramref name="pids"/> died with a node (<see cref="WhichAreGone"/>). Every node that is up is asked
    /// which of them it hosts: one hosted nowhere, twice <see cref="SurveyConfirm"/> apart (a process moving off the lost
    /// node just then is in no index for a moment), is gone. If a node does not answer, each PID is asked of its shard
    /// instead, which takes longer: ESRCH twice, 3 s apart.
    /// </summary>
    private async Task<ProcessesGone> GoneAsync(Pid[] pids)
    {
        var (system, self, timeout, region, confirm, log) = (Context.System, Self, _timeout, Region, _settings.SessionLostConfirm, _log);
        if (await HostedNowhereAsync(system, self, pids, timeout, log) is { } absent)
        {
            if (absent.Length == 0) return new ProcessesGone([]);
            await Task.Delay(SurveyConfirm);
            if (await HostedNowhereAsync(system, self, absent, timeout, log) is { } still)
            {
                // A process moving just then may be in no index for longer: its shard, asked last, still knows it.
                var shardSays = await Task.WhenAll(still.Select(pid => AliveAtShardAsync(region, pid, timeout)));
                if (shardSays.Any(alive => alive))
                    log.Info("lost-process survey: hosted nowhere but alive at their shard: {0}", string.Join(", ", still.Where((_, i) => shardSays[i])));
                return new ProcessesGone([.. still.Where((_, i) => !shardSays[i])]);
            }
        }
        var gone = await Task.WhenAll(pids.Select(pid => IsGoneAsync(region, pid, confirm)));
        if (gone.Any(g => !g)) log.Info("lost-process survey: their shards keep {0}", string.Join(", ", pids.Where((_, i) => !gone[i])));
        return new ProcessesGone([.. pids.Where((_, i) => gone[i])]);
    }

    private static async Task<bool> AliveAtShardAsync(IActorRef region, Pid pid, TimeSpan timeout)
    {
        try
        {
            return await region.Ask<object>(new GetProcessInfo(pid), timeout) is ProcessInfo;
        }
        catch (AskTimeoutException)
        {
            return false;
        }
    }

    /// <summary>The wait between the two surveys that find a process hosted nowhere.</summary>
    private static readonly TimeSpan SurveyConfirm = TimeSpan.FromSeconds(1);

    /// <summary>The PIDs no node that is up hosts, or null if a node did not answer.</summary>
    private static async Task<Pid[]?> HostedNowhereAsync(ActorSystem system, IActorRef self, Pid[] pids, TimeSpan timeout, ILoggingAdapter log)
    {
        var nodes = UpNodeNumbers(system).ToList();
        var answers = await Task.WhenAll(nodes.Select(async node =>
        {
            try
            {
                return await AskOn(system, self, node, new HostsAny(pids), timeout);
            }
            catch (AskTimeoutException)
            {
                return null;
            }
        }));
        // Why a session stays open after its node died must show in the log (a hang found by `ssi chaos`).
        var unanswered = nodes.Where((_, i) => answers[i] is not HostedHere).ToList();
        if (unanswered.Count > 0)
        {
            log.Info("lost-process survey: nodes {0} did not answer ({1})", string.Join(", ", unanswered),
                string.Join("; ", answers.Where(a => a is not HostedHere).Select(a => a?.ToString() ?? "timed out")));
            return null;
        }
        var hostedBy = nodes.Zip(answers, (node, a) => (node, ((HostedHere)a!).Pids)).Where(h => h.Pids.Length > 0).ToList();
        if (hostedBy.Count > 0) log.Info("lost-process survey: hosted {0}", string.Join("; ", hostedBy.Select(h => $"node {h.node}: {string.Join(", ", h.Pids)}")));
        var hosted = hostedBy.SelectMany(h => h.Pids).ToHashSet();
        return [.. pids.Where(p => !hosted.Contains(p))];
    }

    /// <summary>ESRCH twice, <paramref name="confirm"/> apart; no answer is asked again, and after ten tries the process is kept.</summary>
    private static async Task<bool> IsGoneAsync(IActorRef region, Pid pid, TimeSpan confirm)
    {
        var goneOnce = false;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            object? reply;
            try
            {
                reply = await region.Ask<object>(new GetProcessInfo(pid), confirm);
            }
            catch (AskTimeoutException)
            {
                reply = null;
            }
            if (reply is ProcessInfo) return false;
            if (reply is Failed { Errno: Errno.ESRCH } && goneOnce) return true;
            goneOnce = reply is Failed { Errno: Errno.ESRCH };
            await Task.Delay(confirm);
        }
        return false;
    }
}
