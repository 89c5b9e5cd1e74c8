// A call a terminal refused to a background group (SIGTTIN, SIGTTOU) is made again once the stopped process goes on.
using System.Collections.Immutable;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.Programs;
using static Ssi.Tests.Vproc.ProcessCore.CoreFixtures;

namespace Ssi.Tests.Vproc.ProcessCore;

public sealed class RestartAfterStopTests
{
    private static readonly Read TheRead = new(Fd.Stdin, 10);

    /// <summary>Reads once and exits with the read's errno (0 when it succeeded); its handler does nothing.</summary>
    private sealed class Reader : Program
    {
        public override IEnumerable<SystemCall> Main(ProcessContext p)
        {
            yield return TheRead;
            yield return new Exit(p.Failed ? (int)p.Result.Error!.Value : 0);
        }

        public override IEnumerable<SystemCall> OnSignal(ProcessContext p, int signal)
        {
            yield break;
        }
    }

    private static (ProgramImage Image, Ssi.Vproc.ProcessTable.ProcessState State) Refused(Ssi.Vproc.ProcessTable.ProcessState state)
    {
        var image = ProgramImage.Start(new Reader(), new ProcessContext(["reader"], ImmutableDictionary<string, string>.Empty));
        var (after, first) = ProgramSteps.Next(image, state);
        Assert.Equal(TheRead, Assert.IsType<ProgramStep.Call>(first).SystemCall);
        image.Context.Result = SysResult.Fail(Errno.EINTR) with { Restart = TheRead, RestartAfterStop = true };
        return (image, after);
    }

    [Fact]
    public void The_refused_call_is_made_again_at_the_next_step()
    {
        var (image, state) = Refused(Ann_process());
        Assert.Equal(TheRead, Assert.IsType<ProgramStep.Call>(ProgramSteps.Next(image, state).Step).SystemCall);
    }

    [Fact]
    public void A_handler_with_sa_restart_makes_it_again_and_one_without_ends_it_with_eintr()
    {
        var handling = Ann_process() with { Signals = Ann_process().Signals.SetDisposition(Signal.SIGTTIN, Disposition.Handle).Value.State };
        var (image, state) = Refused(handling);
        state = state with { Signals = state.Signals.Post(Signal.SIGTTIN) };
        var step = ProgramSteps.Next(image, state).Step;
        Assert.Equal(new Exit((int)Errno.EINTR), Assert.IsType<ProgramStep.Call>(step).SystemCall); // the handler ran, then the read failed

        var restarting = handling with { Signals = handling.Signals with { Restarting = Signal.Bit(Signal.SIGTTIN) } };
        (image, state) = Refused(restarting);
        state = state with { Signals = state.Signals.Post(Signal.SIGTTIN) };
        Assert.Equal(TheRead, Assert.IsType<ProgramStep.Call>(ProgramSteps.Next(image, state).Step).SystemCall);
    }
}
