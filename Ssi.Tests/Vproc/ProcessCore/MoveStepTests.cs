// The steps of a move without a cluster: what is held while offered, what goes ahead, what happens when the target says no.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;
using static Ssi.Tests.Vproc.ProcessCore.CoreFixtures;

namespace Ssi.Tests.Vproc.ProcessCore;

public sealed class MoveStepTests
{
    private const int Pid = 1000042;
    private static readonly SignalProcess Hup = new(new Pid(Pid), Signal.SIGHUP, 0, new Pid(0));
    private static readonly SignalProcess Term = new(new Pid(Pid), Signal.SIGTERM, 0, new Pid(0));

    private static (ProcessMove Move, List<MoveEffect> Effects) Steps(params MoveInput[] inputs)
    {
        var move = ProcessMove.Still;
        var effects = new List<MoveEffect>();
        foreach (var input in inputs)
        {
            var (next, made) = ProcessMove.Decide(move, input);
            move = next;
            effects.AddRange(made);
        }
        return (move, effects);
    }

    private static MoveInput.Ask AskedBy(object? requester) => new(new NodeNumber(3), requester, Trace: false, At: 10);

    private static MoveInput.Leave LeaveAs(long hop, SystemCall? reissue = null, PendingTerminalRead? reading = null) => new(hop, reissue, reading, 11, 12);

    [Fact]
    public void An_asked_move_offers_the_process_at_the_boundary_and_holds_what_comes_until_the_target_answers()
    {
        var (move, effects) = Steps(AskedBy("ssi"));
        Assert.Equal((MoveStage.Asked, true), (move.Stage, move.Leaving));
        Assert.Empty(effects);
        (move, effects) = Steps(AskedBy("ssi"), LeaveAs(5), new MoveInput.Received(Hup, "a"), new MoveInput.Received(Term, "b", Relayed: true));
        Assert.Equal([new MoveEffect.MakeOffer(new NodeNumber(3), 5)], effects);
        Assert.Equal(MoveStage.Offered, move.Stage);
        Assert.Equal([new KeptMessage(Hup, "a"), new KeptMessage(Term, "b")], move.Held);
    }

    [Fact]
    public void Once_the_target_is_ready_what_was_held_goes_ahead_of_the_handoff_and_the_requester_hears_last()
    {
        var (move, effects) = Steps(AskedBy("ssi"), LeaveAs(5), new MoveInput.Received(Hup, "a"),
            new MoveInput.Received(ProcessEntity.Stop.Instance, "shard"), new MoveInput.Received(Term, "b"), new MoveInput.Ready(5));
        Assert.Equal([
            new MoveEffect.MakeOffer(new NodeNumber(3), 5), new MoveEffect.Relay(new NodeNumber(3), Hup, "a"), new MoveEffect.Relay(new NodeNumber(3), Term, "b"), new MoveEffect.HandOff(new NodeNumber(3)),
            new MoveEffect.Gone(new NodeNumber(3), 5, "ssi", false, 10, 11, 12)], effects);
        Assert.Equal(ProcessMove.Still, move);
    }

    [Fact]
    public void An_answer_to_an_older_offer_changes_nothing()
    {
        var offered = Steps(AskedBy("ssi"), LeaveAs(5)).Move;
        foreach (var stale in new MoveInput[] { new MoveInput.Ready(4), new MoveInput.Refused(4, new Failed(Errno.ENOEXEC, "x")), new MoveInput.TimedOut(4) })
            Assert.Equal((offered, 0), (ProcessMove.Decide(offered, stale).Move, ProcessMove.Decide(offered, stale).Effects.Count));
    }

    [Fact]
    public void A_refused_move_answers_why_resumes_the_program_with_its_call_and_then_handles_what_was_held()
    {
        var sleep = new Sleep(TimeSpan.FromSeconds(3));
        var why = new Failed(Errno.ENOEXEC, "cannot resume the program here");
        var (move, effects) = Steps(AskedBy("ssi"), LeaveAs(5, sleep), new MoveInput.Received(Hup, "a"), new MoveInput.Refused(5, why));
        Assert.Equal(ProcessMove.Still, move);
        Assert.Equal(4, effects.Count);
        Assert.Equal(new MoveEffect.Stay(why, "ssi"), effects[1]);
        Assert.Equal(new MoveEffect.ResumeHere(sleep, null), effects[2]);
        Assert.Equal([new KeptMessage(Hup, "a")], Assert.IsType<MoveEffect.Deliver>(effects[3]).Messages);
    }

    [Fact]
    public void A_target_that_does_not_answer_in_time_is_told_the_offer_is_off_and_the_process_stays()
    {
        var reading = new PendingTerminalRead(7, new Read(new Fd(0), 10), null);
        var (_, effects) = Steps(AskedBy("ssi"), LeaveAs(5, reading: reading), new MoveInput.TimedOut(5));
        Assert.Equal(new MoveEffect.Withdraw(new NodeNumber(3)), effects[1]);
        Assert.Equal(Errno.ETIMEDOUT, Assert.IsType<MoveEffect.Stay>(effects[2]).Why.Errno);
        Assert.Equal(new MoveEffect.ResumeHere(null, reading), effects[3]);
    }

    [Fact]
    public void The_programs_own_move_that_fails_ends_its_call_with_the_errno_and_makes_no_call_again()
    {
        var exec = new Exec("/bin/true", ["true"]);
        var why = new Failed(Errno.EINVAL, "the program's state cannot be moved");
        var (move, effects) = Steps(AskedBy(null), new MoveInput.CannotLeave(why, exec, null));
        Assert.Equal(ProcessMove.Still, move);
        Assert.Equal([new MoveEffect.Stay(why, null), new MoveEffect.ResumeHere(null, null)], effects.Take(2));
        Assert.Empty(Assert.IsType<MoveEffect.Deliver>(effects[2]).Messages);
    }

    [Fact]
    public void An_arriving_process_makes_its_call_again_first_then_handles_relayed_messages_then_direct_ones()
    {
        var offer = new Arrive(new Pid(Pid), Ann_process(), [], new Sleep(TimeSpan.FromSeconds(1)), false, null);
        var (move, effects) = Steps(new MoveInput.Arrive(offer, [new KeptMessage(Hup, "held by the route")]),
            new MoveInput.Received(Term, "direct"), new MoveInput.Received(Hup, "relayed", Relayed: true));
        Assert.Equal(MoveStage.Arriving, move.Stage);
        Assert.Empty(effects);
        (move, effects) = (ProcessMove.Decide(move, new MoveInput.HandoffDone()).Move, [.. ProcessMove.Decide(move, new MoveInput.HandoffDone()).Effects]);
        Assert.Equal(ProcessMove.Still, move);
        Assert.Equal(new MoveEffect.Arrived(offer), effects[0]);
        Assert.Equal(new MoveEffect.ResumeHere(offer.Reissue, null), effects[1]);
        Assert.Equal([new KeptMessage(Hup, "relayed"), new KeptMessage(Hup, "held by the route"), new KeptMessage(Term, "direct")],
            Assert.IsType<MoveEffect.Deliver>(effects[2]).Messages);
    }

    [Fact]
    public void An_aborted_arrival_sends_the_direct_messages_to_be_routed_again_and_drops_the_relayed_ones()
    {
        var offer = new Arrive(new Pid(Pid), Ann_process(), [], null, false, null);
        var (move, effects) = Steps(new MoveInput.Arrive(offer, []), new MoveInput.Received(Term, "direct"),
            new MoveInput.Received(Hup, "relayed", Relayed: true), new MoveInput.Abort());
        Assert.Equal(ProcessMove.Still, move);
        Assert.Equal([new KeptMessage(Term, "direct")], Assert.IsType<MoveEffect.NotArrived>(Assert.Single(effects)).SendAgain);
    }
}
