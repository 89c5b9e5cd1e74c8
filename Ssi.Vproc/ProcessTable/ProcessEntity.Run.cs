// Running the program: stepping its iterator, awaiting system calls without blocking, delivering signals between calls.
using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.Programs;
using Ssi.Vproc.Signals;

namespace Ssi.Vproc.ProcessTable;

public sealed partial class ProcessEntity
{
    /// <summary>
    /// The system call in flight. <see cref="Interruptible"/> calls wait (terminal read, wait, sleep, pause) and a
    /// handled signal ends them with EINTR; the core's <see cref="Then"/> turns the reply into the result (without
    /// one, the reply is the result).
    /// </summary>
    private sealed record PendingCall(long Id, SystemCall Call, bool Interruptible, Then? Then, Action? Cancel = null);

    private long _callIds;
    private PendingCall? _call;
    /// <summary>While stopped: the result the program resumes with when continued.</summary>
    private SysResult? _held;
    private bool _cancelling;
    private ICancelable? _sleepTimer;

    /// <summary>
    /// Steps the program until it makes a call that must wait for a reply, exits, or has had its turn. Pending signals
    /// are delivered before each step, as Linux delivers them on the way back from a system call.
    /// </summary>
    private void Run()
    {
        ProgramThreads.EnsureNiced(_node.Settings.ProgramNice);
        var clock = Stopwatch.StartNew();
        var cpuAtStart = ProgramThreads.ThreadCpuTime();
        try
        {
            for (var steps = 0; steps < _node.Settings.StepsPerTurn; steps++)
            {
                if (_image is null) return;
                var (state, step) = ProgramSteps.Next(_image, _state);
                _state = state;
                SystemCall call;
                switch (step)
                {
                    case ProgramStep.Call c: call = c.SystemCall; break;
                    case ProgramStep.Ended ended:
                        Terminate(ended.Status);
                        return;
                    case ProgramStep.Stopped:
                        StopProcess(_image.Context.Result);
                        return;
                    case ProgramStep.Crashed crashed:
                        _log.Info("process {0} ({1}) died of an unhandled {2}: {3}", _pid, _state.Command, crashed.Error.GetType().Name, crashed.Error.Message);
                        Terminate(ProgramSteps.CrashStatus);
                        return;
                    default: throw new InvalidOperationException($"unknown step {step}");
                }
                var result = Dispatch(call);
                if (_call is not null || IsZombie || Offered) return;
                if (result is not null) _image!.Context.Result = result;
                if (clock.Elapsed >= _node.Settings.Quantum || MailWaiting) break;
            }
            Self.Tell(Continue.Instance); // let signals, moves and queries in, then go on
        }
        finally
        {
            if (_state is not null)
                ChargeCpu(cpuAtStart is { } start && ProgramThreads.ThreadCpuTime() is { } end ? end - start : clock.Elapsed);
        }
    }

    /// <summary>
    /// A message is waiting (a signal, a move, a query): the turn ends at this system call rather than at the end of
    /// its quantum, so a computing process answers within one step of its program.
    /// </summary>
    private bool MailWaiting => ((ActorCell)Context).Mailbox?.MessageQueue.HasMessages == true;

    private TimeSpan _cpuPublished;

    /// <summary>Adds a turn's CPU time; the index hears of it every cpu-publish-step of CPU, for ps and load leveling.</summary>
    private void ChargeCpu(TimeSpan turn)
    {
        _state = _state with { CpuTime = _state.CpuTime + turn };
        if (_state.CpuTime - _cpuPublished < _node.Settings.CpuPublishStep || IsZombie) return;
        _cpuPublished = _state.CpuTime;
        Publish();
    }

    /// <summary>Starts a call whose result comes in a message; the program resumes in <see cref="Completed"/>.</summary>
    private void Await<T>(SystemCall call, Task<T> work, Then then)
    {
        var id = ++_callIds;
        _call = new PendingCall(id, call, Interruptible: false, then);
        var self = Self;
        work.ContinueWith(t => self.Tell(new CallCompleted(id, t.IsCompletedSuccessfully ? t.Result! : t.Exception!.GetBaseException())),
            TaskScheduler.Default);
    }

    /// <summary>Starts a call that completes when something happens to this process (a child exits, a signal, a timer).</summary>
    private void Suspend(SystemCall call, Action? cancel = null)
    {
        _call = new PendingCall(++_callIds, call, Interruptible: true, null, cancel);
        SetRunState(RunState.Sleeping);
    }

    private void Completed(CallCompleted done)
    {
        if (_call?.Id != done.CallId)
        {
            LateReply(done.Outcome);
            return;
        }
        var call = _call;
        SysResult? result;
        try
        {
            if (done.Outcome is Exception error)
            {
                if (error is not (AskTimeoutException or TimeoutException))
                    _log.Warning("process {0}: system call {1} failed: {2}", _pid, call.Call.GetType().Name, error);
                result = FailureOf(error);
            }
            else result = Complete(call, done.Outcome);
        }
        catch (Exception e)
        {
            _log.Warning("process {0}: system call {1} failed: {2}", _pid, call.Call.GetType().Name, e.Message);
            result = SysResult.Fail(Errno.EIO);
        }
        Finish(result);
    }

    /// <summary>Ends the call in flight with a result (null: the call replaced the program, as exec does).</summary>
    private void Finish(SysResult? result)
    {
        if (_call is null || IsZombie) return;
        _call = null;
        _cancelling = false;
        _readTimedOut = false;
        _sleepTimer?.Cancel();
        if (_state.State == RunState.Sleeping) SetRunState(RunState.Running);
        if (result is not null && _image is not null) _image.Context.Result = result;
        if (IsStopped) _held = result ?? _image?.Context.Result;
        if (_move.Stage == MoveStage.Asked)
        {
            Depart(null);
            return;
        }
        if (!IsStopped) Run();
    }

    /// <summary>A reply to a call that was interrupted or outlived its process: give back what it holds.</summary>
    private void LateReply(object outcome)
    {
        foreach (var effect in SystemCallCore.LateReply(_state, outcome)) Perform(effect);
    }

    private void StopProcess(SysResult? resumeWith)
    {
        _held = resumeWith;
        SetRunState(RunState.Stopped);
    }

    /// <summary>A signal arrived while the program is not between two steps: the core says what it does now.</summary>
    private void ConsiderSignals()
    {
        var shape = _call is { } call ? new CallShape(call.Interruptible, call.Cancel is not null, _cancelling) : null;
        var before = _state.State;
        var (state, action, status) = SignalRules.Arrived(_state, IsStopped, shape);
        _state = state;
        if (_state.State != before) Publish();
        switch (action)
        {
            case OnArrival.Die: Terminate(status); break;
            case OnArrival.Stop: StopProcess(null); break;
            case OnArrival.Continue:
                if (_call is not null) return;
                var held = _held;
                _held = null;
                if (held is not null && _image is not null) _image.Context.Result = held;
                Run();
                break;
            case OnArrival.Cancel:
                // The call may have a result on its way: the device answers the cancel, or the result.
                _cancelling = true;
                _call!.Cancel!();
                break;
            case OnArrival.Interrupt: Finish(SysResult.Fail(Errno.EINTR)); break;
        }
    }

    /// <summary>Sets what ps shows; a stopped process stays stopped while its call waits (SIGCONT decides what it is next).</summary>
    private void SetRunState(RunState state)
    {
        if (_state.State == state || IsZombie || (IsStopped && state == RunState.Sleeping)) return;
        _state = _state with { State = state };
        Publish();
    }

    private DateTime? _readDeadline;

    /// <summary>
    /// Waits for the terminal's answer to read <paramref name="id"/> (it comes by PID, wherever the process is by
    /// then); a read with a timeout is cancelled when <paramref name="timeLeft"/> is over and ends with EAGAIN.
    /// </summary>
    private void WaitForTerminal(long id, Read read, TerminalHandle terminal, TimeSpan? timeLeft)
    {
        var (self, pid) = (Self, _pid);
        _call = new PendingCall(id, read, Interruptible: true, null, () => terminal.Terminal.Tell(new TerminalCancelRead(id, pid), self));
        SetRunState(RunState.Sleeping);
        _readDeadline = null;
        if (timeLeft is not { } left) return;
        _readDeadline = DateTime.UtcNow + left;
        _sleepTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(left > TimeSpan.Zero ? left : TimeSpan.Zero, Self, new ReadTimedOut(id), Self);
    }

    private void TerminalReadDone(TerminalData data)
    {
        if (_call?.Id != data.CallId) return;
        Finish(SysResult.Ok(data.Data.Length) with { Data = data.Data });
    }
}
