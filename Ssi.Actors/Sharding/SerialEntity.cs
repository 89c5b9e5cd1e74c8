// Base of entities that are the one place where operations on their object happen: one at a time, in arrival order.
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;

namespace Ssi.Actors.Sharding;

/// <summary>
/// Runs one operation at a time, off the actor thread (they wait on disk or on other entities), and queues the rest in
/// arrival order. That order is the order of the object's history: an operation acknowledged to one caller is seen by
/// every operation that arrives after it, whichever node the callers are on.
/// </summary>
public abstract class SerialEntity : UntypedActor
{
    private readonly Queue<(object Message, IActorRef Sender)> _waiting = new();
    private bool _busy;

    /// <summary>How long an operation may take before its caller gets ETIMEDOUT and the next one starts.</summary>
    private readonly TimeSpan _operationTimeout;

    /// <param name="operationTimeout">From <see cref="ShardingSettings.OperationTimeout"/>.</param>
    protected SerialEntity(TimeSpan operationTimeout) => _operationTimeout = operationTimeout;

    /// <summary>The work for one message and the reply to send; state changes go in <see cref="Completion.Then"/>.</summary>
    protected abstract Task<Completion> Perform(object message);

    /// <summary>The reply to an operation and what to change in the entity, on the actor thread, once it is done.</summary>
    protected sealed record Completion(object Reply, Action? Then = null);

    private sealed record Finished(Completion Completion, IActorRef ReplyTo, long Sequence);

    private long _sequence;

    /// <summary>
    /// The stop message for hand-off and passivation: it waits behind the operations already queued, so none of them
    /// is dropped when the entity stops or moves.
    /// </summary>
    public sealed class Stop
    {
        public static readonly Stop Instance = new();
        private Stop() { }
    }

    protected sealed override void OnReceive(object message)
    {
        if (message is Finished done)
        {
            if (done.Sequence != _sequence) return; // an operation that overran its timeout finished late
            done.Completion.Then?.Invoke();
            if (!done.ReplyTo.IsNobody()) done.ReplyTo.Tell(done.Completion.Reply, Self);
            _busy = false;
            while (!_busy && _waiting.TryDequeue(out var next)) Start(next.Message, next.Sender);
            return;
        }
        if (_busy) _waiting.Enqueue((message, Sender));
        else Start(message, Sender);
    }

    /// <summary>Asks the shard to stop this entity once the operations already queued are done.</summary>
    protected void Passivate() => Context.Parent.Tell(new Akka.Cluster.Sharding.Passivate(Stop.Instance));

    private void Start(object message, IActorRef sender)
    {
        if (message is Stop)
        {
            Context.Stop(Self);
            return;
        }
        _busy = true;
        var sequence = ++_sequence;
        var self = Self;
        Task<Completion> work;
        try
        {
            work = Perform(message);
        }
        catch (Exception e)
        {
            work = Task.FromException<Completion>(e);
        }
        work.WaitAsync(_operationTimeout).ContinueWith(t => self.Tell(new Finished(t.Status == TaskStatus.RanToCompletion
            ? t.Result
            : new Completion(t.Exception?.GetBaseException() is TimeoutException or AskTimeoutException
                ? new Failed(Errno.ETIMEDOUT, $"{self.Path.Name}: the operation did not finish in time; it may or may not have taken effect")
                : new Failed(Errno.EIO, $"{self.Path.Name}: {t.Exception?.GetBaseException().Message}")), sender, sequence)),
            TaskScheduler.Default);
    }
}
