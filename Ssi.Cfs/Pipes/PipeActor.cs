// A pipe on the node where it was made: its ends are descriptors of processes on any node, which reach it remotely.
using Akka.Actor;
using Akka.Cluster;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Devices;

namespace Ssi.Cfs.Pipes;

/// <summary>
/// Holds one <see cref="PipeBuffer"/>. Processes read with a terminal's <see cref="TerminalRead"/> and write with
/// <see cref="PipeWrite"/>; the answers go to <c>processes</c> (the process layer of this node) as
/// <see cref="TerminalReply"/>s, which find each process wherever it runs by then, so a process may move while its
/// call waits. An anonymous pipe stops when no descriptor refers to either end; a FIFO's stays for the next open.
/// References are counted per holding process, so those of a process that died with its node can be dropped.
/// </summary>
public sealed class PipeActor : ReceiveActor
{
    /// <summary>How long the process layer may take to say which holders died with a node (it asks each twice, with retries).</summary>
    private static readonly TimeSpan HoldersCheckTimeout = TimeSpan.FromSeconds(90);

    private readonly IActorRef _processes;
    private readonly bool _fifo;
    private PipeBuffer _pipe;

    /// <param name="holder">The process the new pipe is made for (it holds both ends); null for a FIFO's pipe, whose
    /// ends are opened with <see cref="PipeOpen"/>.</param>
    public PipeActor(IActorRef processes, Pid? holder)
    {
        _processes = processes;
        _fifo = holder is null;
        _pipe = holder is { } h ? PipeBuffer.New(h) : PipeBuffer.Fifo;
        Receive<PipeOpen>(o => Apply(new PipeInput.Open(o.Pid, o.CallId, o.End, o.NonBlocking)));
        Receive<TerminalRead>(r => Apply(new PipeInput.Read(r.Pid, r.CallId, r.Count, r.NonBlocking)));
        Receive<PipeWrite>(w => Apply(new PipeInput.Write(w.Pid, w.CallId, w.Data, w.NonBlocking)));
        Receive<TerminalCancelRead>(c => Apply(new PipeInput.Cancel(c.Pid, c.CallId)));
        Receive<PipeRetain>(r =>
        {
            Apply(new PipeInput.Retain(r.End, r.Holder));
            Sender.Tell(new PipeRetained(r.End));
        });
        Receive<PipeRelease>(r => Apply(new PipeInput.Release(r.End, r.Holder)));
        Receive<PipeHandOver>(h => Apply(new PipeInput.HandOver(h.End, h.From, h.To)));
        // A process that died with its node cannot close its ends: ask which holders are gone, and drop what they held.
        Receive<ClusterEvent.MemberRemoved>(_ =>
        {
            if (_pipe.Holders.IsEmpty) return;
            _processes.Ask<ProcessesGone>(new WhichAreGone([.. _pipe.HolderPids]), HoldersCheckTimeout)
                .PipeTo(Self, failure: _ => new ProcessesGone([]));
        });
        Receive<ProcessesGone>(g =>
        {
            if (g.Pids.Length > 0) Apply(new PipeInput.HoldersGone([.. g.Pids]));
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
    }

    public static Props Props(IActorRef processes, Pid? holder) => Akka.Actor.Props.Create(() => new PipeActor(processes, holder));

    protected override void PreStart() => Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private void Apply(PipeInput input)
    {
        var (pipe, answers) = PipeBuffer.Decide(_pipe, input);
        _pipe = pipe;
        foreach (var answer in answers) _processes.Tell(new TerminalReply(answer.Pid, answer.Reply));
        if (_pipe.Unreferenced && !_fifo) Context.Stop(Self);
    }
}
