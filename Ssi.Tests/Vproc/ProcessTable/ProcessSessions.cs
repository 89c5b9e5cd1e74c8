// Starting programs in the multi-node specs as `ssi run` does: a terminal on the contact node, a client collecting it.
using System.Collections.Immutable;
using Akka.Actor;
using Ssi.Actors.Identity;
using Ssi.Cfs.Permissions;
using Ssi.Tests.Harness;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Tests.Vproc.ProcessTable;

public static class ProcessSessions
{
    /// <summary>What the specs' client is by default: stdin a pipe, stdout and stderr terminals.</summary>
    public static readonly HostStreams PipedStdin = new(StdinIsTerminal: false, StdoutIsTerminal: true, StderrIsTerminal: true);

    /// <summary>Asks the process service (/user/proc) of a node.</summary>
    public static Task<object> AskProcesses(this ClusterHarness cluster, int node, object message, TimeSpan timeout) =>
        cluster[node].System.ActorSelection("/user/" + ProcessService.Name).Ask<object>(message, timeout);

    /// <summary>
    /// Starts <paramref name="args"/> on <paramref name="node"/> with its terminal on <paramref name="contact"/>, the
    /// client living in the contact node's system; fails the test if it does not start. The client's stdin is a pipe
    /// unless <paramref name="streams"/> says otherwise (a terminal's would echo what the spec sends, and edit it).
    /// </summary>
    public static async Task<(ProgramStarted Started, TerminalClient Client)> RunAsync(
        this ClusterHarness cluster, int contact, int node, Credentials who, string[] args, TimeSpan timeout, HostStreams? streams = null)
    {
        var clientRef = cluster[contact].System.ActorOf(Props.Create(() => new TerminalClient()));
        var client = await clientRef.Ask<TerminalClient>(new TerminalClient.Itself(), timeout);
        var reply = await cluster.AskProcesses(contact, new RunProgram(who, new NodeNumber(node), args[0], args, ImmutableDictionary<string, string>.Empty, "/", clientRef,
            Streams: streams ?? PipedStdin), timeout);
        var started = reply as ProgramStarted ?? throw new Xunit.Sdk.XunitException($"run {string.Join(' ', args)} on node {node}: {reply}");
        clientRef.Tell(new TerminalClient.Attach(started.Terminal));
        return (started, client);
    }

    /// <summary>
    /// One attempt to find a process, as a client would make it: a message sent just as a node dies may go to it and
    /// be lost, so an attempt that gets no answer in 3 s counts as "not yet" (null) and the caller tries again.
    /// </summary>
    public static async Task<object?> QueryOnceAsync(this ClusterHarness cluster, int via, int pid)
    {
        try
        {
            return await cluster.AskProcesses(via, new ProcessQuery(new Pid(pid)), TimeSpan.FromSeconds(3));
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    /// <summary>The shards (and their entities, by PID) that a node's process region hosts now.</summary>
    public static Task<Akka.Cluster.Sharding.CurrentShardRegionState> ProcessShardsAsync(this ClusterHarness cluster, int node, TimeSpan timeout) =>
        Akka.Cluster.Sharding.ClusterSharding.Get(cluster[node].System).ShardRegion(ProcessEntity.TypeName)
            .Ask<Akka.Cluster.Sharding.CurrentShardRegionState>(Akka.Cluster.Sharding.GetShardRegionState.Instance, timeout);
}
