// The machine's own promises: each test's tree apart, signals through the real core's rules, plain data checked at every call.
using Ssi.Actors.Signals;
using Ssi.Vproc.Programs;
using Kill = Ssi.Vproc.Programs.Kill;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class ProgramMachineTests(ProgramCluster cluster)
{
    private sealed class KillsItself(int signal) : Program
    {
        public override IEnumerable<SystemCall> Main(ProcessContext p)
        {
            yield return new SigAction(Signal.SIGUSR1, Disposition.Handle);
            yield return new GetPid();
            yield return new Kill(p.Result.Int, signal);
            yield return Io.Out("main\n");
        }

        public override IEnumerable<SystemCall> OnSignal(ProcessContext p, int signal)
        {
            yield return Io.Out($"handler {signal}\n");
        }
    }

    private sealed class KeepsADelegate : Program
    {
        public override IEnumerable<SystemCall> Main(ProcessContext p)
        {
            Func<int> kept = () => p.Args.Length;
            yield return new GetPid();
            yield return Io.Out($"{kept()}\n");
        }
    }

    [Fact]
    public void Each_machine_sees_only_its_own_tree()
    {
        var first = new ProgramMachine(cluster);
        var second = new ProgramMachine(cluster);
        first.AddFile("/only-here", "x");
        Assert.True(first.Exists("/only-here"));
        Assert.False(second.Exists("/only-here"));
        Assert.Equal("", second.Run(new Ssi.Vproc.Programs.Builtin.Ls(), "ls", "/").Stdout);
        Assert.Equal("only-here\n", first.Run(new Ssi.Vproc.Programs.Builtin.Ls(), "ls", "/").Stdout);
    }

    [Fact]
    public void A_handled_signal_sent_to_itself_runs_the_handler_before_the_next_call()
    {
        var r = new ProgramMachine(cluster).Run(new KillsItself(Signal.SIGUSR1), "k");
        Assert.Equal((0, $"handler {Signal.SIGUSR1}\nmain\n"), (r.ExitCode, r.Stdout));
    }

    [Fact]
    public void SIGKILL_sent_to_itself_ends_the_process_before_it_writes_again()
    {
        var r = new ProgramMachine(cluster).Run(new KillsItself(Signal.SIGKILL), "k");
        Assert.Equal(WaitStatus.Signaled(Signal.SIGKILL), r.Status);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void A_program_that_keeps_a_delegate_across_a_call_is_refused_at_that_call()
    {
        var refused = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => new ProgramMachine(cluster).Run(new KeepsADelegate(), "d"));
        Assert.Contains("Func`1", refused.Message);
    }
}
