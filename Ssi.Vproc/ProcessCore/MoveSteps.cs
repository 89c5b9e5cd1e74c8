// The steps of a move as a pure state machine: leaving (asked, offered, then gone or back) and arriving (restored, handed off).
using System.Collections.Immutable;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessCore;

/// <summary>
/// Where a process is in a move, from its entity's side (docs/processes.md, "Migration"):
/// <code>
///   Still --Ask--> Asked --Leave (at a boundary)--> Offered --Ready--> Still (gone: the entity forwards)
///     |              \--CannotLeave--> Still          \--Refused, TimedOut--> Still (back: it runs on here)
///     '--Arrive (restored here)--> Arriving --HandoffDone--> Still (it runs here)
///                                     \--Abort--> Still (the route before it stands again)
/// </code>
/// </summary>
public enum MoveStage
{
    Still,
    Asked,
    Offered,
    Arriving,
}

/// <summary>A message that came while the process could not take it, with its sender's token.</summary>
public sealed record KeptMessage(object Message, object? Sender);

/// <summary>What happened to a move.</summary>
public abstract record MoveInput
{
    /// <summary>A move to <see cref="Target"/> was asked (and allowed) by <see cref="Requester"/>, or by the program itself (null).</summary>
    public sealed record Ask(NodeNumber Target, object? Requester, bool Trace, long At) : MoveInput;

    /// <summary>The process is at a boundary and its state is captured: it offers itself to the target as move <see cref="Hop"/>.</summary>
    public sealed record Leave(long Hop, SystemCall? Reissue, PendingTerminalRead? Reading, long LeavingAt, long OfferedAt) : MoveInput;

    /// <summary>Its state cannot be captured: it stays.</summary>
    public sealed record CannotLeave(Failed Why, SystemCall? Reissue, PendingTerminalRead? Reading) : MoveInput;

    public sealed record Ready(long Hop) : MoveInput;

    public sealed record Refused(long Hop, Failed Why) : MoveInput;

    /// <summary>The target did not answer the offer of move <see cref="Hop"/> in time.</summary>
    public sealed record TimedOut(long Hop) : MoveInput;

    /// <summary>A message came while offered or arriving (<see cref="Relayed"/>: sent on by the place the process left).</summary>
    public sealed record Received(object Message, object? Sender, bool Relayed = false) : MoveInput;

    /// <summary>
    /// A process offered here is restored and waits for the handoff; <see cref="SentBefore"/> came for it earlier (the
    /// route held them) and are handled as if sent directly.
    /// </summary>
    public sealed record Arrive(Migration.Arrive Offer, IReadOnlyList<KeptMessage> SentBefore) : MoveInput;

    public sealed record HandoffDone : MoveInput;

    public sealed record Abort : MoveInput;
}

/// <summary>What the entity carries out for a move.</summary>
public abstract record MoveEffect
{
    /// <summary>Offer the captured process to <see cref="Target"/> and wait for its answer until the arrival timeout.</summary>
    public sealed record MakeOffer(NodeNumber Target, long Hop) : MoveEffect;

    /// <summary>Tell <see cref="Target"/> that the offer is off (it did not answer in time).</summary>
    public sealed record Withdraw(NodeNumber Target) : MoveEffect;

    /// <summary>Send a message held while moving on to the new place, before the handoff.</summary>
    public sealed record Relay(NodeNumber Target, IWithPid Message, object? Sender) : MoveEffect;

    public sealed record HandOff(NodeNumber Target) : MoveEffect;

    /// <summary>The process runs on <see cref="Target"/> now: the entity answers the requester, drops the process and forwards.</summary>
    public sealed record Gone(NodeNumber Target, long Hop, object? Requester, bool Trace, long AskedAt, long LeavingAt, long OfferedAt) : MoveEffect;

    /// <summary>The move failed: the requester hears why; a move the program asked for ends its call with the errno instead.</summary>
    public sealed record Stay(Failed Why, object? Requester) : MoveEffect;

    /// <summary>The program goes on here: the call to make again, or the terminal read to wait for again.</summary>
    public sealed record ResumeHere(SystemCall? Reissue, PendingTerminalRead? Reading) : MoveEffect;

    /// <summary>Handle these messages now, in order.</summary>
    public sealed record Deliver(IReadOnlyList<KeptMessage> Messages) : MoveEffect;

    /// <summary>The process offered here runs here now.</summary>
    public sealed record Arrived(Migration.Arrive Offer) : MoveEffect;

    /// <summary>
    /// The process offered here did not come: the route before it stands again, and what came for the process goes to
    /// this entity again, to be routed (what was relayed is the old place's, which keeps the process).
    /// </summary>
    public sealed record NotArrived(IReadOnlyList<KeptMessage> SendAgain) : MoveEffect;
}

/// <summary>
/// The move of one process: what the entity holds while the process is offered elsewhere or arrives here. Messages
/// held while offered are relayed before the handoff (gone) or handled after the program resumes (back); on arrival,
/// relayed messages are handled before direct ones, after the call the process was making.
/// </summary>
public sealed record ProcessMove
{
    public static readonly ProcessMove Still = new();

    public MoveStage Stage { get; init; }

    /// <summary>Where the process goes (not read while <see cref="MoveStage.Still"/>).</summary>
    public NodeNumber Target { get; init; }

    /// <summary>Who asked (a token), or null for the program's own move.</summary>
    public object? Requester { get; init; }

    public bool Trace { get; init; }

    public long Hop { get; init; }

    public long AskedAt { get; init; }

    public long LeavingAt { get; init; }

    public long OfferedAt { get; init; }

    public SystemCall? Reissue { get; init; }

    public PendingTerminalRead? Reading { get; init; }

    /// <summary>Offered: every message that came since, in order. Arriving: the relayed ones.</summary>
    public ImmutableList<KeptMessage> Held { get; init; } = [];

    /// <summary>Arriving: messages sent here directly, handled after the relayed ones.</summary>
    public ImmutableList<KeptMessage> Direct { get; init; } = [];

    public Migration.Arrive? Offer { get; init; }

    /// <summary>A move is under way: asked, or offered and waiting for the target.</summary>
    public bool Leaving => Stage is MoveStage.Asked or MoveStage.Offered;

    public static (ProcessMove Move, IReadOnlyList<MoveEffect> Effects) Decide(ProcessMove move, MoveInput input) => (move.Stage, input) switch
    {
        (MoveStage.Still, MoveInput.Ask ask) => (Still with { Stage = MoveStage.Asked, Target = ask.Target, Requester = ask.Requester, Trace = ask.Trace, AskedAt = ask.At }, []),
        (MoveStage.Still, MoveInput.Arrive arrive) => (Still with { Stage = MoveStage.Arriving, Offer = arrive.Offer, Direct = [.. arrive.SentBefore] }, []),
        (MoveStage.Asked, MoveInput.Leave leave) => (move with
        {
            Stage = MoveStage.Offered, Hop = leave.Hop, Reissue = leave.Reissue, Reading = leave.Reading,
            LeavingAt = leave.LeavingAt, OfferedAt = leave.OfferedAt,
        }, [new MoveEffect.MakeOffer(move.Target, leave.Hop)]),
        (MoveStage.Asked, MoveInput.CannotLeave cannot) => move.Back(cannot.Why, cannot.Reissue, cannot.Reading),
        (MoveStage.Offered, MoveInput.Ready ready) when ready.Hop == move.Hop => move.Gone(),
        (MoveStage.Offered, MoveInput.Refused refused) when refused.Hop == move.Hop => move.Back(refused.Why, move.Reissue, move.Reading),
        (MoveStage.Offered, MoveInput.TimedOut timedOut) when timedOut.Hop == move.Hop =>
            move.Back(new Failed(Errno.ETIMEDOUT, $"node {move.Target} did not take the process in time"), move.Reissue, move.Reading, new MoveEffect.Withdraw(move.Target)),
        (MoveStage.Offered, MoveInput.Received r) => (move with { Held = move.Held.Add(new KeptMessage(r.Message, r.Sender)) }, []),
        (MoveStage.Arriving, MoveInput.Received { Relayed: true } r) => (move with { Held = move.Held.Add(new KeptMessage(r.Message, r.Sender)) }, []),
        (MoveStage.Arriving, MoveInput.Received r) => (move with { Direct = move.Direct.Add(new KeptMessage(r.Message, r.Sender)) }, []),
        // The call it was making is made again (or waited for) first: a move asked for among the held messages must
        // find the process in that call, not between two steps with the call forgotten.
        (MoveStage.Arriving, MoveInput.HandoffDone) => (Still, [
            new MoveEffect.Arrived(move.Offer!), new MoveEffect.ResumeHere(move.Offer!.Reissue, move.Offer.Reading),
            new MoveEffect.Deliver([.. move.Held, .. move.Direct])]),
        (MoveStage.Arriving, MoveInput.Abort) => (Still, [new MoveEffect.NotArrived(move.Direct)]),
        _ => (move, []),
    };

    /// <summary>The target holds the process: what was held goes ahead of the handoff, and the process is gone from here.</summary>
    private (ProcessMove, IReadOnlyList<MoveEffect>) Gone()
    {
        // Only messages for the PID travel; the shard's stop was for the entity, which stays here as a forwarder.
        var relays = Held.Where(h => h.Message is IWithPid).Select(h => (MoveEffect)new MoveEffect.Relay(Target, (IWithPid)h.Message, h.Sender));
        return (Still, [.. relays, new MoveEffect.HandOff(Target), new MoveEffect.Gone(Target, Hop, Requester, Trace, AskedAt, LeavingAt, OfferedAt)]);
    }

    /// <summary>The process stays: the requester hears why, the program goes on, and what was held is handled after.</summary>
    private (ProcessMove, IReadOnlyList<MoveEffect>) Back(Failed why, SystemCall? reissue, PendingTerminalRead? reading, params MoveEffect[] first) =>
        (Still, [.. first, new MoveEffect.Stay(why, Requester), new MoveEffect.ResumeHere(Requester is null ? null : reissue, reading), new MoveEffect.Deliver(Held)]);
}
