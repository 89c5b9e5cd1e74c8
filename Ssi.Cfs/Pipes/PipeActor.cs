// A pipe on the node where it was made: its ends are descriptors of processes on any node, which reach it remotely.
using Akka.Actor;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Devices;

namespace Ssi.Cfs.Pipes;

/// <summary>
/// Holds one <see cref="PipeBuffer"/>. Processes read with a terminal's <see cref="TerminalRead"/> and write with
/// <see cref="PipeWrite"/>; the answers go to <c>processes</c> (the process layer of this node) as
/// <see cref="TerminalReply"/>s, which find each process wherever it runs by then, so a process may move while its
/// call waits. It stops when no descriptor refers to either end.
/// </summary>
public sealed class PipeActor : ReceiveActor
{
    private readonly IActorRef _processes;
    private PipeBuffer _pipe = PipeBuffer.New;

    public PipeActor(IActorRef processes)
    {
        _processes = processes;
        Receive<TerminalRead>(r => Apply(new PipeInput.Read(r.Pid, r.CallId, r.Count)));
        Receive<PipeWrite>(w => Apply(new PipeInput.Write(w.Pid, w.CallId, w.Data)));
        Receive<TerminalCancelRead>(c => Apply(new PipeInput.Cancel(c.Pid, c.CallId)));
        Receive<PipeRetain>(r =>
        {
            Apply(new PipeInput.Retain(r.End));
            Sender.Tell(new PipeRetained(r.End));
        });
        Receive<PipeRelease>(r => Apply(new PipeInput.Release(r.End)));
    }

    public static Props Props(IActorRef processes) => Akka.Actor.Props.Create(() => new PipeActor(processes));

    private void Apply(PipeInput input)
    {
        var (pipe, answers) = PipeBuffer.Decide(_pipe, input);
        _pipe = pipe;
        foreach (var answer in answers) _processes.Tell(new TerminalReply(answer.Pid, answer.Reply));
        if (_pipe.Unreferenced) Context.Stop(Self);
    }
}
