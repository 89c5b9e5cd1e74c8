// A stand-in for the CLI in specs: the client of a terminal device, collecting what processes write to it.
using System.Text;
using Akka.Actor;
using Ssi.Cfs.Devices;

namespace Ssi.Tests.Vproc.ProcessTable;

public sealed class TerminalClient : ReceiveActor
{
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<int> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IActorRef? _terminal;

    /// <summary>Input for the terminal, sent by the client as the CLI would.</summary>
    public sealed record Send(object Message);

    public sealed record Attach(IActorRef Terminal);

    /// <summary>Asks the actor for itself, so a spec on the same system can read what it collected.</summary>
    public sealed record Itself;

    public TerminalClient()
    {
        Ref = Self;
        Receive<TerminalOutput>(o =>
        {
            lock (_stdout) (o.Channel == 2 ? _stderr : _stdout).Append(Encoding.UTF8.GetString(o.Data));
            Sender.Tell(new TerminalOutputAck(o.Sequence));
        });
        Receive<TerminalSessionEnded>(e => _ended.TrySetResult(e.Status));
        Receive<TerminalInputAck>(_ => { });
        Receive<Attach>(a => _terminal = a.Terminal);
        Receive<Send>(s => _terminal?.Tell(s.Message, Self));
        Receive<Itself>(_ => Sender.Tell(this));
    }

    /// <summary>The actor itself, to send it input for the terminal (<see cref="Send"/>).</summary>
    public IActorRef Ref { get; }

    public string Stdout
    {
        get { lock (_stdout) return _stdout.ToString(); }
    }

    public string Stderr
    {
        get { lock (_stdout) return _stderr.ToString(); }
    }

    /// <summary>The wait status of the session's process once it has exited.</summary>
    public Task<int> Ended => _ended.Task;
}
