// pipe(2) and the calls on a pipe's ends as the core decides them: descriptors, references, waits, EPIPE with SIGPIPE.
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Pipes;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;
using static Ssi.Tests.Vproc.ProcessCore.CoreFixtures;

namespace Ssi.Tests.Vproc.ProcessCore;

public sealed class PipeCallTests
{
    private static readonly PipeHandle ReadEnd = new(ActorRefs.Nobody, PipeEnd.Read);
    private static readonly PipeHandle WriteEnd = new(ActorRefs.Nobody, PipeEnd.Write);

    [Fact]
    public void Pipe_asks_its_node_for_a_pipe_and_puts_the_ends_at_the_two_lowest_free_descriptors()
    {
        var state = Ann_process().WithFd(0, Terminal()).WithFd(2, Terminal(2));
        var decision = Decide(state, new Pipe());
        var (request, _) = decision.AskedOf<MakePipe>(Destination.ProcessService);
        Assert.Equal(new MakePipe(state.Pid), request); // the maker holds both ends
        var made = decision.Reply(new PipeMade(ActorRefs.Nobody)).AssertOk();
        Assert.Equal((new Fd(1), new Fd(3)), made.PipeEnds);
        Assert.Equal(1, made.Value);
        var fds = decision.Reply(new PipeMade(ActorRefs.Nobody)).State.Fds;
        Assert.Equal(ReadEnd, fds[new Fd(1)]!.Handle);
        Assert.Equal(WriteEnd, fds[new Fd(3)]!.Handle);
    }

    [Fact]
    public void Pipe_with_room_for_one_descriptor_only_is_EMFILE_and_gives_the_pipe_back()
    {
        var almostFull = Enumerable.Range(0, FdTable.Limit - 1).Aggregate(Ann_process(), (s, fd) => s.WithFd(fd, new CfsHandle(fd)));
        Decide(almostFull, new Pipe()).AssertFails(Errno.EMFILE);

        // The table filled up while the pipe was being made: both ends are released.
        var oneFree = Enumerable.Range(0, FdTable.Limit - 2).Aggregate(Ann_process(), (s, fd) => s.WithFd(fd, new CfsHandle(fd)));
        var decision = Decide(oneFree, new Pipe());
        var fuller = oneFree.WithFd(FdTable.Limit - 2, new CfsHandle(9999));
        var given = Assert.IsType<AskFor>(decision.Waiting).Then.Complete(fuller, new PipeMade(ActorRefs.Nobody), World);
        Assert.Equal(Errno.EMFILE, given.Result!.Error);
        Assert.Equal([new SendToDevice(ActorRefs.Nobody, new PipeRelease(PipeEnd.Read, Ann_process().Pid)), new SendToDevice(ActorRefs.Nobody, new PipeRelease(PipeEnd.Write, Ann_process().Pid))], given.Effects.ToList());
    }

    [Fact]
    public void A_read_waits_at_the_read_end_a_write_at_the_write_end_and_the_wrong_end_is_EBADF()
    {
        var state = Ann_process().WithFd(3, ReadEnd).WithFd(4, WriteEnd);
        Assert.Equal(new ReadDevice(ReadEnd, new Read(new Fd(3), 10)), Decide(state, new Read(new Fd(3), 10)).Waiting);
        var write = new Write(new Fd(4), [1, 2]);
        Assert.Equal(new WritePipe(WriteEnd, write), Decide(state, write).Waiting);
        Decide(state, new Read(new Fd(4), 10)).AssertFails(Errno.EBADF);
        Decide(state, new Write(new Fd(3), [1])).AssertFails(Errno.EBADF);
        Decide(state, new Seek(new Fd(3), 0)).AssertFails(Errno.ESPIPE);
        Decide(state, new SetTerminalMode(new Fd(3), false)).AssertFails(Errno.ENOTTY);
        Assert.Equal(InodeType.Fifo, Decide(state, new Fstat(new Fd(4))).AssertOk().Stat!.Type);
    }

    [Fact]
    public void Close_exit_and_dup2_over_an_end_each_take_one_reference_and_dup_adds_one_first()
    {
        var state = Ann_process().WithFd(3, ReadEnd).WithFd(4, WriteEnd);
        var closed = Decide(state, new Close(new Fd(4)));
        Assert.Equal([new SendToDevice(ActorRefs.Nobody, new PipeRelease(PipeEnd.Write, Ann_process().Pid))], closed.Effects.ToList());
        Assert.Null(closed.State.Fds[new Fd(4)]);

        var dup = Decide(state, new Dup2(new Fd(3), new Fd(4)));
        var retain = Assert.IsType<AskDevice>(dup.Waiting);
        Assert.Equal(new PipeRetain(PipeEnd.Read, Ann_process().Pid), retain.Request);
        var installed = retain.Then.Complete(state, new PipeRetained(PipeEnd.Read), World);
        Assert.Equal(ReadEnd, installed.State.Fds[new Fd(4)]!.Handle);
        Assert.Equal([new SendToDevice(ActorRefs.Nobody, new PipeRelease(PipeEnd.Write, Ann_process().Pid))], installed.Effects.ToList()); // what fd 4 held

        Assert.Equal([new SendToDevice(ActorRefs.Nobody, new PipeRelease(PipeEnd.Read, Ann_process().Pid)), new SendToDevice(ActorRefs.Nobody, new PipeRelease(PipeEnd.Write, Ann_process().Pid))],
            state.Fds.Entries.Values.SelectMany(d => FileCalls.Release(state, d)).ToList());
    }

    [Fact]
    public void Fork_has_every_end_the_child_shares_counted_once_per_descriptor()
    {
        var state = Ann_process().WithFd(3, ReadEnd).WithFd(4, WriteEnd).WithFd(5, WriteEnd).WithFd(6, new CfsHandle(70));
        var create = Assert.IsType<CreateChild>(Decide(state, new Fork()).Waiting);
        Assert.Equal([ReadEnd, WriteEnd, WriteEnd], create.Pipes.ToList());
        Assert.Equal([70L], create.Shared.ToList());
    }

    [Fact]
    public void A_pipe_write_waits_for_the_pipe_and_a_broken_pipe_gives_EPIPE_and_posts_SIGPIPE()
    {
        var write = new Write(new Fd(4), [1, 2, 3]);
        var waiting = CallSteps.Decide(InFlight.Idle, Ann_process(), new CallInput.WritePipe(write, WriteEnd), false, World);
        Assert.Equal([new CallEffect.SendWrite(WriteEnd, 1, write.Data)], waiting.Effects.ToList());
        Assert.True(waiting.Calls.Call!.Interruptible);

        var written = CallSteps.Decide(waiting.Calls, waiting.State, new CallInput.PipeWritten(1, 3), false, World);
        Assert.Equal(new CallEffect.SetResult(SysResult.Ok(3)), written.Effects[0]);

        var broken = CallSteps.Decide(waiting.Calls, waiting.State, new CallInput.PipeBroken(1), false, World);
        Assert.Equal(new CallEffect.SetResult(SysResult.Fail(Errno.EPIPE)), broken.Effects[0]);
        Assert.NotEqual(0UL, broken.State.Signals.Pending & Signal.Bit(Signal.SIGPIPE));
    }

    [Fact]
    public void A_handled_signal_asks_the_pipe_to_give_a_waiting_write_up_and_a_move_waits_for_the_write_to_end()
    {
        var state = Ann_process() with { Signals = Ann_process().Signals.SetDisposition(Signal.SIGUSR1, Disposition.Handle).Value.State };
        var write = new Write(new Fd(4), [1]);
        var waiting = CallSteps.Decide(InFlight.Idle, state, new CallInput.WritePipe(write, WriteEnd), false, World);
        var signalled = CallSteps.Decide(waiting.Calls, waiting.State with { Signals = waiting.State.Signals.Post(Signal.SIGUSR1) }, new CallInput.SignalPosted(), false, World);
        Assert.Equal([new CallEffect.CancelRead(WriteEnd, 1)], signalled.Effects.ToList());
        var interrupted = CallSteps.Decide(signalled.Calls, signalled.State, new CallInput.ReadCancelled(1), false, World);
        Assert.Equal(new CallEffect.SetResult(SysResult.Fail(Errno.EINTR)), interrupted.Effects[0]);

        Assert.IsType<Leave.AfterCall>(MoveRules.WhenToLeave(waiting.Calls.Call!.AsMoveSees(Now)));
    }

    /// <summary>A reference to an actor on another node; the core only compares its address.</summary>
    private sealed class RemoteRef(string path) : MinimalActorRef
    {
        public override ActorPath Path { get; } = ActorPath.Parse(path);

        public override IActorRefProvider Provider => throw new NotSupportedException();
    }

    [Fact]
    public void When_a_pipes_node_is_lost_a_waiting_read_gets_end_of_file_a_write_EPIPE_and_SIGPIPE_and_other_nodes_calls_go_on()
    {
        var there = new PipeHandle(new RemoteRef("akka.tcp://ssi@10.0.0.2:4000/user/proc/$a"), PipeEnd.Read);
        var lost = new CallInput.DeviceLost(Address.Parse("akka.tcp://ssi@10.0.0.2:4000"));
        var elsewhere = new CallInput.DeviceLost(Address.Parse("akka.tcp://ssi@10.0.0.3:4000"));

        var reading = CallSteps.Decide(InFlight.Idle, Ann_process(), new CallInput.ReadDevice(new Read(new Fd(3), 10), there, null, null), false, World);
        Assert.Empty(CallSteps.Decide(reading.Calls, reading.State, elsewhere, false, World).Effects.Where(e => e is CallEffect.SetResult));
        var ended = CallSteps.Decide(reading.Calls, reading.State, lost, false, World);
        Assert.Equal(SysResult.Ok(0), Assert.IsType<CallEffect.SetResult>(ended.Effects.Single(e => e is CallEffect.SetResult)).Result);

        var writing = CallSteps.Decide(InFlight.Idle, Ann_process(), new CallInput.WritePipe(new Write(new Fd(4), [1]), there with { End = PipeEnd.Write }), false, World);
        var broken = CallSteps.Decide(writing.Calls, writing.State, lost, false, World);
        Assert.Equal(SysResult.Fail(Errno.EPIPE), Assert.IsType<CallEffect.SetResult>(broken.Effects.Single(e => e is CallEffect.SetResult)).Result);
        Assert.NotEqual(0UL, broken.State.Signals.Pending & Signal.Bit(Signal.SIGPIPE));
    }

    [Fact]
    public void Calls_on_an_end_whose_node_is_gone_end_at_once_instead_of_waiting()
    {
        var gone = World with { DeviceGone = _ => true };
        var state = Ann_process().WithFd(3, ReadEnd).WithFd(4, WriteEnd);
        Assert.Equal(SysResult.Ok(0), SystemCallCore.Decide(state, new Read(new Fd(3), 10), gone).Result);
        var write = SystemCallCore.Decide(state, new Write(new Fd(4), [1]), gone);
        Assert.Equal(SysResult.Fail(Errno.EPIPE), write.Result);
        Assert.NotEqual(0UL, write.State.Signals.Pending & Signal.Bit(Signal.SIGPIPE));
        Assert.Equal(SysResult.Fail(Errno.EIO), SystemCallCore.Decide(Ann_process().WithFd(0, Terminal()), new Read(new Fd(0), 10), gone).Result);
        Assert.Equal(SysResult.Fail(Errno.ENXIO), FileCalls.DeviceLostResult(new Open("/tmp/fifo"), WriteEnd));
    }
}
