// Running the program: stepping its iterator, awaiting system calls without blocking, delivering signals between calls.
using Ssi.Cfs.Pipes;
using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.Programs;
using Ssi.Vproc.Signals;

namespace Ssi.Vproc.ProcessTable;

public sealed partial class ProcessEntity
{
    /// <summary>The system call in flight, and what a stopped process resumes with; its steps are the core's (<see cref="CallSteps"/>).</summary>
    private InFlight _calls = InFlight.Idle;

    /// <summary>The timer of the call in flight: a sleep's end, or a terminal read's timeout.</summary>
    private OneShotTimer? _callTimer;

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
                    case ProgramStep.Stopped stopped:
                        Call(new CallInput.StopBeforeStep(_image.Context.Result, stopped.Signal));
                        return;
                    case ProgramStep.Crashed crashed:
                        _log.Info("process {0} ({1}) died of an unhandled {2}: {3}", _pid, _state.Command, crashed.Error.GetType().Name, crashed.Error.Message);
                        Terminate(ProgramSteps.CrashStatus);
                        return;
                    default: throw new InvalidOperationException($"unknown step {step}");
                }
                var result = Dispatch(call);
                if (_calls.Call is not null || IsZombie || Offered) return;
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

    /// <summary>Starts a call whose result comes in a message, as <see cref="CallInput.Replied"/>.</summary>
    private void Await<T>(SystemCall call, Task<T> work, Then then)
    {
        Call(new CallInput.Await(call, then));
        var (id, self) = (_calls.LastId, Self);
        work.ContinueWith(t => self.Tell(new CallInput.Replied(id, t.IsCompletedSuccessfully
                ? t.Result!
                : (object?)t.Exception?.GetBaseException() ?? new TaskCanceledException(t))),
            TaskScheduler.Default);
    }

    /// <summary>Feeds the call in flight to the core and carries out what it decides.</summary>
    private void Call(CallInput input)
    {
        var step = CallSteps.Decide(_calls, _state, input, _move.Stage == MoveStage.Asked, World);
        _calls = step.Calls;
        _state = step.State;
        foreach (var effect in step.Effects) Carry(effect);
    }

    private void Carry(CallEffect effect)
    {
        switch (effect)
        {
            case CallEffect.Do d: Perform(d.Effect); break;
            case CallEffect.SendRead r:
                r.Device.Device.Tell(new TerminalRead(r.Id, r.Count, _pid, AsPipe: r.Device.ReadsAsPipe, NonBlocking: r.Device is PipeHandle { NonBlocking: true },
                    Group: TerminalCalls.StoppableGroup(_state, r.Device, Signal.SIGTTIN)), Self);
                break;
            case CallEffect.SendWrite w: w.Pipe.Pipe.Tell(new PipeWrite(w.Id, w.Data, _pid, w.Pipe.NonBlocking), Self); break;
            case CallEffect.SendOpen o: o.End.Pipe.Tell(new PipeOpen(o.Id, o.End.End, _pid, o.NonBlocking), Self); break;
            case CallEffect.WaitAgain again:
                if (Carry(again.Call, again.Decision) is { } result) Call(new CallInput.Finished(result));
                break;
            case CallEffect.CancelRead c: c.Device.Device.Tell(new TerminalCancelRead(c.Id, _pid), Self); break;
            case CallEffect.StartTimer t:
                _callTimer?.Cancel();
                _callTimer = OneShotTimer.Start(t.After, Self, t.Timer, Self);
                break;
            case CallEffect.CancelTimer: _callTimer?.Cancel(); break;
            case CallEffect.SetResult r: if (_image is not null) _image.Context.Result = r.Result; break;
            case CallEffect.Unexpected u:
                _log.Warning("process {0}: {1} got {2}", _pid, u.Call.GetType().Name, u.Reply switch
                {
                    Failed f => f.Detail,
                    Exception e => e.ToString(),
                    var other => "an unexpected " + other.GetType().Name,
                });
                break;
            case CallEffect.RunProgram: Run(); break;
            case CallEffect.Depart: Depart(null); break;
            case CallEffect.Die die: Terminate(die.Status); break;
            default: throw new InvalidOperationException($"no way to carry out {effect}");
        }
    }

    /// <summary>A reply to a call that was interrupted or outlived its process: give back what it holds.</summary>
    private void LateReply(object outcome)
    {
        foreach (var effect in SystemCallCore.LateReply(_state, outcome)) Perform(effect);
    }
}
