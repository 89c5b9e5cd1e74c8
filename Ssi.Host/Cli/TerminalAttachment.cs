// The CLI's end of a terminal device: output to this process's stdout/stderr, stdin and Ctrl-C to the cluster.
using Akka.Actor;
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;
using Ssi.Host.Client;
using Ssi.Host.Node;

namespace Ssi.Host.Cli;

/// <summary>
/// An actor in the CLI's actor system, the client of one terminal device. Output is written as it arrives and
/// acknowledged, so the terminal lets writers go on; stdin is sent in chunks while less than
/// <see cref="TerminalDevice.Window"/> bytes wait to be read, then its end. Nothing is dropped either way. The device
/// is pinged (through the relay) every terminal-ping-interval; with no answer for terminal-lost-after, its node is
/// lost (a remote death watch cannot tell: the gateway's untrusted mode leaves its heartbeats unanswered).
/// </summary>
public sealed class TerminalAttachment : ReceiveActor, IWithTimers
{
    private readonly ClientSettings _settings;
    private long _pings;
    private DateTime _lastAnswer;
    private DateTime? _disconnectedAt;
    private readonly Stream _stdout;
    private readonly Stream _stderr;
    private readonly TaskCompletionSource<int> _ended;
    private readonly TaskCompletionSource<IActorRef> _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IActorRef? _terminal;
    private long _inputSent;
    private long _inputRead;
    private readonly Queue<(byte[]? Data, TaskCompletionSource Sent)> _input = new();
    private readonly Queue<(long Ping, TaskCompletionSource Done)> _flushes = new();

    /// <summary>The terminal to talk to, from the reply to the run request.</summary>
    public sealed record Attach(IActorRef Terminal);

    /// <summary>stdin data (null: end of input); completes once it has gone to the terminal.</summary>
    public sealed record Input(byte[]? Data, TaskCompletionSource Sent);

    /// <summary>Completes once the terminal has had everything sent to it before (a ping's answer comes after it).</summary>
    public sealed record Flush(TaskCompletionSource Done);

    /// <summary>A key that sends a signal to the foreground process group (Ctrl-C).</summary>
    public sealed record Key(int Signal);

    /// <summary>The terminal's node went away before the process ended.</summary>
    public sealed class TerminalLost() : Exception("lost the node that holds the terminal");

    /// <summary>The process died with its node (the cluster says so): its status is SIGKILL's.</summary>
    public sealed class ProcessLost(string why) : Exception(why);

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed record PingDue;

    public TerminalAttachment(Stream stdout, Stream stderr, TaskCompletionSource<int> ended, ClientSettings settings)
    {
        _settings = settings;
        _stdout = stdout;
        _stderr = stderr;
        _ended = ended;
        Receive<TerminalOutput>(o =>
        {
            var stream = o.Channel == 2 ? _stderr : _stdout;
            try
            {
                stream.Write(o.Data);
                stream.Flush();
            }
            catch (IOException e) when (StandardOutput.IsBrokenPipe(e))
            {
                // The reader of ssi's output is gone (| head): the program gets SIGPIPE, as a writer to a pipe with no
                // reader would, and ssi ends as if SIGPIPE had ended it.
                _terminal?.Tell(new TerminalKey(Signal.SIGPIPE));
                _ended.TrySetException(e);
                return;
            }
            Sender.Tell(new TerminalOutputAck(o.Sequence));
        });
        Receive<TerminalSessionEnded>(e =>
        {
            _stdout.Flush();
            _stderr.Flush();
            if (e.Why is { } why) _ended.TrySetException(new ProcessLost(why));
            else _ended.TrySetResult(e.Status);
        });
        Receive<TerminalInputAck>(ack =>
        {
            _inputRead = Math.Max(_inputRead, ack.Total);
            SendInput();
        });
        Receive<Attach>(a =>
        {
            _terminal = a.Terminal;
            _lastAnswer = DateTime.UtcNow;
            Timers.StartPeriodicTimer("ping", new PingDue(), _settings.TerminalPingInterval);
            SendInput();
        });
        Receive<Input>(i =>
        {
            _input.Enqueue((i.Data, i.Sent));
            SendInput();
        });
        Receive<Key>(k => _terminal?.Tell(new TerminalKey(k.Signal)));
        Receive<TerminalModeChanged>(m => HostTerminal.SetCanonical(m.Canonical));
        Receive<TerminalPong>(pong =>
        {
            _lastAnswer = DateTime.UtcNow;
            _disconnectedAt = null;
            while (_flushes.TryPeek(out var flush) && flush.Ping <= pong.Number) _flushes.Dequeue().Done.TrySetResult();
        });
        Receive<Flush>(f =>
        {
            if (_terminal is null || _input.Count > 0)
            {
                Timers.StartSingleTimer("flush", f, TimeSpan.FromMilliseconds(50)); // input still waits for room: flush after it
                return;
            }
            _flushes.Enqueue((++_pings, f.Done));
            _terminal.Tell(new TerminalPing(_pings));
        });
        Receive<TerminalGone>(_ => _ended.TrySetException(new TerminalLost()));
        // A killed node's connections are reset at once: that, and silence since, is strong evidence it is gone.
        Receive<Akka.Remote.DisassociatedEvent>(d =>
        {
            if (_terminal is not null && d.RemoteAddress.Equals(_terminal.Path.Address)) _disconnectedAt ??= DateTime.UtcNow;
        });
        Receive<PingDue>(_ =>
        {
            var now = DateTime.UtcNow;
            var silent = now - _lastAnswer;
            if (silent > _settings.TerminalLostAfter
                || (_disconnectedAt is { } at && now - at > _settings.TerminalLostAfterDisconnect && silent > _settings.TerminalLostAfterDisconnect))
                _ended.TrySetException(new TerminalLost());
            else _terminal?.Tell(new TerminalPing(++_pings));
        });
    }

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(Akka.Remote.DisassociatedEvent));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    public static Props Props(Stream stdout, Stream stderr, TaskCompletionSource<int> ended, ClientSettings settings) =>
        Akka.Actor.Props.Create(() => new TerminalAttachment(stdout, stderr, ended, settings));

    private void SendInput()
    {
        if (_terminal is null) return;
        while (_input.TryPeek(out var next) && (next.Data is null || _inputSent - _inputRead < TerminalDevice.Window))
        {
            _input.Dequeue();
            if (next.Data is null) _terminal.Tell(TerminalInputEnd.Instance);
            else
            {
                _terminal.Tell(new TerminalInput(next.Data));
                _inputSent += next.Data.Length;
            }
            next.Sent.TrySetResult();
        }
    }
}
