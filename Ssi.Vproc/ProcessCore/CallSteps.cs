// The system call in flight as a pure state machine: what it waits for, what ends it, and what the program does next.
using System.Collections.Immutable;
using Ssi.Actors.Errors;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessCore;

/// <summary>What a call in flight waits for.</summary>
public enum WaitKind
{
    /// <summary>A reply from another actor (a file, a process, the service): a signal waits until it has come.</summary>
    Reply,
    /// <summary>Something that happens to the process (wait, pause): a child's exit, or a signal.</summary>
    Event,
    /// <summary>A timer (nanosleep), or a signal.</summary>
    Timer,
    /// <summary>A device's answer (a terminal's or a pipe's): a signal or a timeout must ask it to give the call up first.</summary>
    Device,
}

/// <summary>The one system call a process has in flight.</summary>
/// <param name="Then">For <see cref="WaitKind.Reply"/>: how the reply becomes the result.</param>
/// <param name="Deadline">For a sleep, or a terminal read with a timeout: when it ends.</param>
/// <param name="Device">For <see cref="WaitKind.Device"/>: where the call waits.</param>
/// <param name="Cancelling">The device was asked to give the call up; its answer (the data, or the cancel) is on the way.</param>
/// <param name="TimedOut">The cancel was for the read's timeout (EAGAIN), not for a signal (EINTR).</param>
public sealed record WaitingCall(long Id, SystemCall Call, WaitKind Kind, Then? Then = null, DeviceHandle? Device = null,
    DateTimeOffset? Deadline = null, bool Cancelling = false, bool TimedOut = false, bool Restart = false)
{
    /// <summary>The EINTR a signal ends it with: SA_RESTART's for a call that starts again (read, write, wait, open), else plain.</summary>
    public SysResult Interrupted => Restart && Call is Read or Write or Wait or Open
        ? SysResult.Fail(Errno.EINTR) with { Restart = Call }
        : SysResult.Fail(Errno.EINTR);

    /// <summary>It waits on something a signal may end (terminal read, wait, pause, sleep).</summary>
    public bool Interruptible => Kind != WaitKind.Reply;

    public CallShape Shape => new(Interruptible, Kind == WaitKind.Device, Cancelling);

    /// <summary>The call as a move sees it at <paramref name="now"/>: a sleep or a timed read with what is left of it.</summary>
    public CallInFlight AsMoveSees(DateTimeOffset now) => new(Id, Call, Interruptible, Cancelling, Deadline - now);
}

/// <summary>
/// The calls of a process (docs/processes.md, "The call in flight"):
/// <code>
///   Idle --a call that must wait--> Waiting --reply, data, timer, cancel answered, signal (EINTR), child exit--> Idle
///    ^                               |  a handled signal or a read's timeout: Cancelling (the device answers) --'
///    '--- the program steps on, unless stopped (Held: the result it resumes with) or a move is asked (it leaves)
/// </code>
/// </summary>
/// <param name="LastId">The last call id given: ids are not reused, so a late answer never matches a newer call.</param>
/// <param name="Held">While stopped: the result the program resumes with when continued.</param>
public sealed record InFlight(long LastId, WaitingCall? Call, SysResult? Held)
{
    public static readonly InFlight Idle = new(0, null, null);
}

/// <summary>What happens to the call in flight.</summary>
public abstract record CallInput
{
    /// <summary>The call waits for a reply to a request the entity sends (<see cref="WaitKind.Reply"/>).</summary>
    public sealed record Await(SystemCall Call, Then Then) : CallInput;

    /// <summary>wait or pause: the call waits for something to happen to the process.</summary>
    public sealed record Block(SystemCall Call) : CallInput;

    public sealed record Sleep(SystemCall Call, TimeSpan Duration) : CallInput;

    /// <summary>A read of a terminal or pipe; with <see cref="Id"/> it is one made before (a move) whose answer is still to come.</summary>
    public sealed record ReadDevice(Read Call, DeviceHandle Device, long? Id, TimeSpan? TimeLeft) : CallInput;

    /// <summary>A write to a pipe, which answers once all of it is in (or no reader is left).</summary>
    public sealed record WritePipe(Write Call, PipeHandle Pipe) : CallInput;

    /// <summary>An open of a FIFO's end at its pipe (the second half of <see cref="Open"/>).</summary>
    public sealed record OpenPipe(SystemCall Call, PipeHandle End, bool NonBlocking) : CallInput;

    /// <summary>The reply to call <see cref="Id"/>: a message, or the exception its request failed with.</summary>
    public sealed record Replied(long Id, object Outcome) : CallInput;

    public sealed record SleepOver(long Id) : CallInput;

    public sealed record ReadTimedOut(long Id) : CallInput;

    /// <summary>The terminal gave read <see cref="Id"/> up, as asked.</summary>
    public sealed record ReadCancelled(long Id) : CallInput;

    public sealed record TerminalData(long Id, byte[] Data) : CallInput;

    /// <summary>The terminal refused read <see cref="Id"/>: the process's group is in the background (SIGTTIN).</summary>
    public sealed record Background(long Id) : CallInput;

    /// <summary>The pipe took <see cref="Count"/> bytes of write <see cref="Id"/>.</summary>
    public sealed record PipeWritten(long Id, int Count) : CallInput;

    /// <summary>Write <see cref="Id"/> found no reader: EPIPE, and SIGPIPE for the writer.</summary>
    public sealed record PipeBroken(long Id) : CallInput;

    /// <summary>An O_NONBLOCK read or write of a pipe that would have waited: EAGAIN.</summary>
    public sealed record WouldBlock(long Id) : CallInput;

    /// <summary>The node at <see cref="At"/> left the cluster: a call waiting at a device there ends now.</summary>
    public sealed record DeviceLost(Akka.Actor.Address At) : CallInput;

    /// <summary>A child's state changed (it exited, or its node was lost): a wait may collect it now.</summary>
    public sealed record ChildChanged : CallInput;

    /// <summary>A signal was posted while the program is not between two steps.</summary>
    public sealed record SignalPosted : CallInput;

    /// <summary>The call ended with <see cref="Result"/> (null: it replaced the program, as exec does).</summary>
    public sealed record Finished(SysResult? Result) : CallInput;

    /// <summary>A stop signal stopped the program before its next step; <see cref="ResumeWith"/> is the result it had.</summary>
    public sealed record StopBeforeStep(SysResult ResumeWith, int Signal) : CallInput;

    /// <summary>A stopped process resumed here after a move: it keeps its result until continued.</summary>
    public sealed record StayStopped(SysResult Current) : CallInput;

    /// <summary>The process leaves: its call goes along (a read) or is made again there, not waited for here.</summary>
    public sealed record Forget : CallInput;

    /// <summary>The process arrived; call ids go on from <see cref="LastId"/>, the last given where it was.</summary>
    public sealed record ArrivedWith(long LastId) : CallInput;

    /// <summary>The process ends.</summary>
    public sealed record Ended : CallInput;
}

/// <summary>What the entity carries out for the call in flight; <see cref="RunProgram"/>, <see cref="Depart"/> and <see cref="Die"/> come last.</summary>
public abstract record CallEffect
{
    /// <summary>An effect of the core's decision (a send, a new image, what ps shows).</summary>
    public sealed record Do(Effect Effect) : CallEffect;

    public sealed record SendRead(DeviceHandle Device, long Id, int Count) : CallEffect;

    public sealed record SendWrite(PipeHandle Pipe, long Id, byte[] Data) : CallEffect;

    public sealed record SendOpen(PipeHandle End, long Id, bool NonBlocking) : CallEffect;

    /// <summary>The reply was half of the call: carry out <see cref="Decision"/>, whose wait continues <see cref="Call"/>.</summary>
    public sealed record WaitAgain(SystemCall Call, CallDecision Decision) : CallEffect;

    /// <summary>Ask the device to give call <see cref="Id"/> up (a read, or a pipe write).</summary>
    public sealed record CancelRead(DeviceHandle Device, long Id) : CallEffect;

    /// <summary>Tell the process <see cref="Timer"/> (a <see cref="CallInput"/>) after <see cref="After"/>, replacing the call's timer.</summary>
    public sealed record StartTimer(CallInput Timer, TimeSpan After) : CallEffect;

    public sealed record CancelTimer : CallEffect;

    /// <summary>The program's next step sees this result.</summary>
    public sealed record SetResult(SysResult Result) : CallEffect;

    /// <summary>A reply of an unexpected kind, or a request that failed: worth a line in the log.</summary>
    public sealed record Unexpected(SystemCall Call, object Reply) : CallEffect;

    public sealed record RunProgram : CallEffect;

    /// <summary>A move was asked and the process is now at a boundary: it leaves.</summary>
    public sealed record Depart : CallEffect;

    /// <summary>A signal ends the process with this wait status.</summary>
    public sealed record Die(int Status) : CallEffect;
}

/// <summary>What a step decided: the calls, the process state, and what to carry out, in order.</summary>
public sealed record CallStep(InFlight Calls, ProcessState State, ImmutableArray<CallEffect> Effects);

public static class CallSteps
{
    private static readonly CallEffect Run = new CallEffect.RunProgram();

    /// <param name="moveAsked">A move is asked: the process leaves at the next boundary instead of stepping on.</param>
    public static CallStep Decide(InFlight calls, ProcessState state, CallInput input, bool moveAsked, CallWorld world)
    {
        var effects = ImmutableArray.CreateBuilder<CallEffect>();
        var call = calls.Call;
        CallStep Done() => new(calls, state, effects.ToImmutable());
        CallStep Finish(SysResult? result)
        {
            (calls, state) = Finished(calls, state, result, moveAsked, effects);
            return Done();
        }
        long NextId() => calls.LastId + 1;
        switch (input)
        {
            case CallInput.Await a:
                calls = calls with { LastId = NextId(), Call = new WaitingCall(NextId(), a.Call, WaitKind.Reply, a.Then) };
                return Done();
            case CallInput.Block b:
                if (call?.Call is Wait) return Done(); // a wait that is waiting already goes on waiting
                calls = calls with { LastId = NextId(), Call = new WaitingCall(NextId(), b.Call, WaitKind.Event) };
                state = RunStateTo(state, RunState.Sleeping, effects);
                return Done();
            case CallInput.Sleep s:
                calls = calls with { LastId = NextId(), Call = new WaitingCall(NextId(), s.Call, WaitKind.Timer, Deadline: world.Now + s.Duration) };
                state = RunStateTo(state, RunState.Sleeping, effects);
                effects.Add(new CallEffect.StartTimer(new CallInput.SleepOver(calls.LastId), s.Duration));
                return Done();
            case CallInput.ReadDevice r:
            {
                var id = r.Id ?? NextId();
                if (r.Id is null) effects.Add(new CallEffect.SendRead(r.Device, id, Math.Clamp(r.Call.Count, 0, FileCalls.MaxRead)));
                calls = calls with { LastId = Math.Max(calls.LastId, id), Call = new WaitingCall(id, r.Call, WaitKind.Device, Device: r.Device, Deadline: world.Now + r.TimeLeft) };
                state = RunStateTo(state, RunState.Sleeping, effects);
                if (r.TimeLeft is { } left) effects.Add(new CallEffect.StartTimer(new CallInput.ReadTimedOut(id), left > TimeSpan.Zero ? left : TimeSpan.Zero));
                return Done();
            }
            case CallInput.WritePipe w:
                calls = calls with { LastId = NextId(), Call = new WaitingCall(NextId(), w.Call, WaitKind.Device, Device: w.Pipe) };
                effects.Add(new CallEffect.SendWrite(w.Pipe, calls.LastId, w.Call.Data));
                return Done();
            case CallInput.OpenPipe o:
                calls = calls with { LastId = NextId(), Call = new WaitingCall(NextId(), o.Call, WaitKind.Device, new OnPipeOpened(o.End), Device: o.End) };
                state = RunStateTo(state, RunState.Sleeping, effects);
                effects.Add(new CallEffect.SendOpen(o.End, calls.LastId, o.NonBlocking));
                return Done();
            case CallInput.Replied replied when call?.Id != replied.Id:
                // Interrupted, or outlived by its process: what the reply holds is given back.
                foreach (var effect in SystemCallCore.LateReply(state, replied.Outcome)) effects.Add(new CallEffect.Do(effect));
                return Done();
            case CallInput.Replied replied:
            {
                var result = Complete(call!, replied.Outcome, out var next);
                if (next is null) return Finish(result);
                effects.Add(new CallEffect.WaitAgain(call!.Call, next));
                return Done();
            }
            case CallInput.SleepOver over when call?.Id == over.Id: return Finish(SysResult.Ok(0));
            case CallInput.ReadTimedOut timedOut when call is { Kind: WaitKind.Device, Cancelling: false } && call.Id == timedOut.Id:
                calls = calls with { Call = call with { Cancelling = true, TimedOut = true } };
                effects.Add(new CallEffect.CancelRead(call.Device!, call.Id));
                return Done();
            case CallInput.ReadCancelled cancelled when call?.Id == cancelled.Id:
                return Finish(call.TimedOut ? SysResult.Fail(Errno.EAGAIN) : call.Interrupted);
            case CallInput.TerminalData data when call?.Id == data.Id:
                return Finish(SysResult.Ok(data.Data.Length) with { Data = data.Data });
            case CallInput.Background background when call?.Id == background.Id && call.Call is Read:
            {
                var decision = TerminalCalls.StopForTerminal(state, call.Call, Ssi.Actors.Signals.Signal.SIGTTIN);
                state = decision.State;
                foreach (var effect in decision.Effects) effects.Add(new CallEffect.Do(effect));
                return Finish(decision.Result);
            }
            case CallInput.PipeWritten written when call?.Id == written.Id: return Finish(SysResult.Ok(written.Count));
            case CallInput.WouldBlock wouldBlock when call?.Id == wouldBlock.Id: return Finish(SysResult.Fail(Errno.EAGAIN));
            case CallInput.PipeBroken broken when call?.Id == broken.Id:
                state = state with { Signals = state.Signals.Post(Ssi.Actors.Signals.Signal.SIGPIPE) }; // acts before the next step
                return Finish(SysResult.Fail(Errno.EPIPE));
            case CallInput.DeviceLost lost when call is { Kind: WaitKind.Device } && call.Device!.Device.Path.Address.Equals(lost.At):
            {
                var result = FileCalls.DeviceLostResult(call.Call, call.Device);
                if (result.Error == Errno.EPIPE) state = state with { Signals = state.Signals.Post(Ssi.Actors.Signals.Signal.SIGPIPE) };
                return Finish(result);
            }
            case CallInput.ChildChanged when call?.Call is Wait wait:
            {
                var decision = Family.TryWait(state, wait);
                if (decision.Result is null) return Done(); // still nothing to collect
                state = decision.State;
                foreach (var effect in decision.Effects) effects.Add(new CallEffect.Do(effect));
                return Finish(decision.Result);
            }
            case CallInput.SignalPosted: return SignalPosted(calls, state, moveAsked, effects);
            case CallInput.Finished finished: return Finish(finished.Result);
            case CallInput.StopBeforeStep stop:
                calls = calls with { Held = stop.ResumeWith };
                state = StopAndTell(state, stop.Signal, effects);
                return Done();
            case CallInput.StayStopped stay:
                if (call is null) calls = calls with { Held = calls.Held ?? stay.Current };
                return Done();
            case CallInput.Forget:
                if (call is not null) effects.Add(new CallEffect.CancelTimer());
                calls = calls with { Call = null };
                return Done();
            case CallInput.ArrivedWith arrived:
                calls = calls with { LastId = Math.Max(calls.LastId, arrived.LastId) };
                return Done();
            case CallInput.Ended:
                if (call is { Kind: WaitKind.Device }) effects.Add(new CallEffect.CancelRead(call.Device!, call.Id));
                if (call is not null) effects.Add(new CallEffect.CancelTimer());
                calls = calls with { Call = null };
                return Done();
            default: return Done(); // an answer or a timer of a call that is over
        }

        SysResult? Complete(WaitingCall waiting, object outcome, out CallDecision? waitAgain)
        {
            waitAgain = null;
            if (outcome is Exception error)
            {
                if (error is not (TimeoutException or Akka.Actor.AskTimeoutException)) effects.Add(new CallEffect.Unexpected(waiting.Call, error));
                return SysResult.Fail(error is TimeoutException or Akka.Actor.AskTimeoutException ? Errno.ETIMEDOUT : Errno.EIO);
            }
            CallDecision decision;
            try
            {
                decision = waiting.Then!.Complete(state, outcome, world);
                if (decision.Waiting is AskFor or OpenPipeEnd)
                {
                    waitAgain = decision; // the call goes on (an open of a FIFO: find its pipe, then open the end there)
                    return null;
                }
                if (decision.Waiting is not null) throw new InvalidOperationException($"{waiting.Then.GetType().Name} waits again: a reply must end its call");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                effects.Add(new CallEffect.Unexpected(waiting.Call, e));
                return SysResult.Fail(Errno.EIO);
            }
            state = decision.State;
            foreach (var effect in decision.Effects) effects.Add(new CallEffect.Do(effect));
            if (decision.Result?.Error == Errno.EIO) effects.Add(new CallEffect.Unexpected(waiting.Call, outcome));
            return decision.Result;
        }
    }

    /// <summary>
    /// The call ended: the process runs again (a sleeping one is running), the program gets the result, and then it
    /// leaves if a move was asked, steps on if it is not stopped, or holds the result until SIGCONT.
    /// </summary>
    private static (InFlight, ProcessState) Finished(InFlight calls, ProcessState state, SysResult? result, bool moveAsked, ImmutableArray<CallEffect>.Builder effects)
    {
        if (calls.Call is not { } call || state.State == RunState.Zombie) return (calls, state);
        calls = calls with { Call = null };
        if (call.Kind == WaitKind.Timer || call.Deadline is not null) effects.Add(new CallEffect.CancelTimer());
        if (state.State == RunState.Sleeping) state = RunStateTo(state, RunState.Running, effects);
        if (result is not null) effects.Add(new CallEffect.SetResult(result));
        var stopped = state.State == RunState.Stopped;
        if (stopped) calls = calls with { Held = result };
        if (moveAsked) effects.Add(new CallEffect.Depart());
        else if (!stopped) effects.Add(Run);
        return (calls, state);
    }

    /// <summary>What a signal posted now does (<see cref="SignalRules.Arrived"/>), carried onto the call in flight.</summary>
    private static CallStep SignalPosted(InFlight calls, ProcessState state, bool moveAsked, ImmutableArray<CallEffect>.Builder effects)
    {
        var before = state.State;
        var (after, action, status) = SignalRules.Arrived(state, before == RunState.Stopped, calls.Call?.Shape);
        state = after;
        if (state.State != before) effects.Add(new CallEffect.Do(PublishInfo.Instance));
        switch (action)
        {
            case OnArrival.Die: effects.Add(new CallEffect.Die(status)); break;
            case OnArrival.Stop:
                calls = calls with { Held = null }; // the call goes on waiting; its result is held when it ends
                state = StopAndTell(state, status, effects);
                break;
            case OnArrival.Continue:
                foreach (var tell in Family.TellParent(state, WaitStatus.Continued)) effects.Add(new CallEffect.Do(tell));
                if (calls.Call is not null) break;
                if (calls.Held is { } held) effects.Add(new CallEffect.SetResult(held));
                calls = calls with { Held = null };
                effects.Add(Run);
                break;
            case OnArrival.Cancel:
                // The device answers the cancel, or the result it had on its way.
                var reading = calls.Call!;
                calls = calls with { Call = reading with { Cancelling = true, Restart = RestartsAfter(state) } };
                effects.Add(new CallEffect.CancelRead(reading.Device!, reading.Id));
                break;
            case OnArrival.Interrupt:
                (calls, state) = Finished(calls, state, (calls.Call! with { Restart = RestartsAfter(state) }).Interrupted, moveAsked, effects);
                break;
            default: break;
        }
        return new(calls, state, effects.ToImmutable());
    }

    /// <summary>The process stops (unless it was stopped already): its parent hears of it for WUNTRACED, and gets SIGCHLD.</summary>
    private static ProcessState StopAndTell(ProcessState state, int signal, ImmutableArray<CallEffect>.Builder effects)
    {
        if (state.State is RunState.Stopped or RunState.Zombie) return state;
        state = RunStateTo(state, RunState.Stopped, effects);
        foreach (var tell in Family.TellParent(state, WaitStatus.Stopped(signal))) effects.Add(new CallEffect.Do(tell));
        return state;
    }

    /// <summary>The handled signal that interrupts the call is next to be delivered: SA_RESTART is its handler's.</summary>
    private static bool RestartsAfter(ProcessState state) =>
        state.Signals.TakeDeliverable() is var (signal, _, _) && state.Signals.Restarts(signal);

    /// <summary>What ps shows: a zombie stays one, and a stopped process stays stopped while its call waits (SIGCONT decides).</summary>
    private static ProcessState RunStateTo(ProcessState state, RunState run, ImmutableArray<CallEffect>.Builder effects)
    {
        if (state.State == run || state.State == RunState.Zombie || (state.State == RunState.Stopped && run == RunState.Sleeping)) return state;
        effects.Add(new CallEffect.Do(PublishInfo.Instance));
        return state with { State = run };
    }
}
