// A pipe on the node where it was made: its ends are descriptors of processes on any node, which reach it remotely.
using Akka.Actor;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Devices;

namespace Ssi.Cfs.Pipes;

/// <summary>
/// Holds one <see cref="PipeBuffer"/>. Processes read with a terminal's <see cref="TerminalRead"/> and write with
/// <see cref="PipeWrite"/>; the answers go to <c>processes</c> (the process layer of this node) as
/// <see cref="TerminalReply"/>s, which find each process wherever it runs by then, so a process may move while its
/// call waits. An anonymous pipe stops when no descriptor refers to either end; a FIFO's stays for the next open.
/// </summary>
public sealed class PipeActor : ReceiveActor
{
    private readonly IActorRef _processes;
    private readonly bool _fifo;
    private PipeBuffer _pipe;

    /// <param name="fifo">A FIFO's pipe: it starts with no end open, and ends are opened with <see cref="PipeOpen"/>.</param>
    public PipeActor(IActorRef processes, bool fifo)
    {
        _processes = processes;
        _fifo = fifo;
        _pipe = fifo ? PipeBuffer.Fifo : PipeBuffer.New;
        Receive<PipeOpen>(o => Apply(new PipeInput.Open(o.Pid, o.CallId, o.End, o.NonBlocking)));
        Receive<TerminalRead>(r => Apply(new PipeInput.Read(r.Pid, r.CallId, r.Count, r.NonBlocking)));
        Receive<PipeWrite>(w => Apply(new PipeInput.Write(w.Pid, w.CallId, w.Data, w.NonBlocking)));
        Receive<TerminalCancelRead>(c => Apply(new PipeInput.Cancel(c.Pid, c.CallId)));
        Receive<PipeRetain>(r =>
        {
            Apply(new PipeInput.Retain(r.End));
            Sender.Tell(new PipeRetained(r.End));
        });
        Receive<PipeRelease>(r => Apply(new PipeInput.Release(r.End)));
    }

    public static Props Props(IActorRef processes, bool fifo = false) => Akka.Actor.Props.Create(() => new PipeActor(processes, fifo));

    private void Apply(PipeInput input)
    {
        var (pipe, answers) = PipeBuffer.Decide(_pipe, input);
        _pipe = pipe;
        foreach (var answer in answers) _processes.Tell(new TerminalReply(answer.Pid, answer.Reply));
        if (_pipe.Unreferenced && !_fifo) Context.Stop(Self);
    }
}
