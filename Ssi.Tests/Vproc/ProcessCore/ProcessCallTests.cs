// The process calls as the core decides them: fork, exec, exit, wait, groups, sessions, signals, sleep and the cluster calls.
using System.Collections.Immutable;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Cfs.Service;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;
using static Ssi.Tests.Vproc.ProcessCore.CoreFixtures;
using Kill = Ssi.Vproc.Programs.Kill;

namespace Ssi.Tests.Vproc.ProcessCore;

public sealed class ProcessCallTests
{
    [Fact]
    public void Identity_calls_are_answered_from_the_state_and_the_world()
    {
        Assert.Equal(Self, Decide(Ann_process(), new GetPid()).AssertOk().Value);
        Assert.Equal(1_000_002, Decide(Ann_process(), new GetPpid()).AssertOk().Value);
        Assert.Equal(1, Decide(Ann_process(), new GetNode()).AssertOk().Value);
        Assert.Equal((Now - DateTimeOffset.UnixEpoch).Ticks / 10, Decide(Ann_process(), new GetTime()).AssertOk().Value);
        Assert.Equal("1 2 3", Decide(Ann_process(), new ListNodes()).AssertOk().Text);
    }

    [Fact]
    public void Fork_shares_every_file_description_and_the_child_starts_as_a_copy_with_nothing_pending()
    {
        var state = Ann_process().WithFd(0, Terminal()).WithFd(1, new CfsHandle(7)).WithFd(2, new CfsHandle(8)).WithChild(1_000_009)
            with { Signals = Ann_process().Signals.Post(Signal.SIGUSR1) };
        var fork = Decide(state, new Fork(Node: new NodeNumber(3)));
        var create = Assert.IsType<CreateChild>(fork.Waiting);
        Assert.Equal(new NodeNumber(3), create.Node);
        Assert.Equal(new long[] { 7, 8 }, create.Shared.ToArray());
        Assert.Equal((new Pid(Self), new NodeNumber(3), 0UL), (create.Template.Parent, create.Template.Node, create.Template.Signals.Pending));
        Assert.Empty(create.Template.Children);
        Assert.Equal(new NodeNumber(1), Assert.IsType<CreateChild>(Decide(state, new Fork()).Waiting).Node);
    }

    [Fact]
    public void Fork_records_the_child_and_returns_its_PID_or_the_errno()
    {
        Assert.IsType<CreateChild>(Decide(Ann_process(), new Fork()).Waiting);
        var forked = new OnForked().Complete(Ann_process(), new ProcessCreated(new Pid(1_000_010), new NodeNumber(1)), World);
        Assert.Equal(1_000_010, forked.AssertOk().Value);
        Assert.Equal(new ChildRecord(new NodeNumber(1)) { Pgid = new Pid(1_000_002) }, forked.State.Children[new Pid(1_000_010)]); // in the parent's group
        new OnForked().Complete(Ann_process(), new Failed(Errno.EAGAIN, "shard away"), World).AssertFails(Errno.EAGAIN);
        // A child that exited before its creation was confirmed keeps its status.
        var quick = Ann_process().WithChild(1_000_010, status: 0);
        Assert.Equal(0, new OnForked().Complete(quick, new ProcessCreated(new Pid(1_000_010), new NodeNumber(1)), World).State.Children[new Pid(1_000_010)].Status);
    }

    [Fact]
    public void Exec_loads_the_resolved_path_and_replaces_the_program_closing_close_on_exec_descriptors()
    {
        var state = Ann_process().WithFd(0, Terminal()).WithFd(3, new CfsHandle(5), closeOnExec: true)
            with { Signals = Ann_process().Signals.SetDisposition(Signal.SIGINT, Disposition.Handle).Value.State };
        var exec = Decide(state, new Exec("bin/tool", ["tool", "-x"]));
        var load = Assert.IsType<LoadProgram>(exec.Waiting);
        Assert.Equal("/home/ann/bin/tool", load.Path);
        Assert.Equal(["tool", "-x"], load.Args);
        var replaced = new OnExecLoaded(load.Environment).Complete(state, Outcome<LoadedProgram>.Ok(new LoadedProgram(new Ssi.Vproc.Programs.Builtin.True(), load.Args)), World);
        Assert.Null(replaced.Result);
        Assert.Null(replaced.Waiting);
        Assert.Equal([Fd.Stdin], replaced.State.Fds.Entries.Keys);
        Assert.Equal("tool -x", replaced.State.Command);
        Assert.Equal(Disposition.Default, replaced.State.Signals.DispositionOf(Signal.SIGINT));
        Assert.Contains(new Send(Destination.FileSystem, new FsClose(Ann, 5)), replaced.Effects);
        Assert.Single(replaced.Effects.OfType<StartImage>());
        Assert.Equal(["/x"], Assert.IsType<LoadProgram>(Decide(state, new Exec("/x", [])).Waiting).Args);
    }

    [Fact]
    public void Getuid_geteuid_getgid_getegid_and_getgroups_answer_from_the_credentials()
    {
        var state = Ann_process() with { Credentials = Ssi.Cfs.Permissions.Credentials.Of(1000, 1001, 100, 7) };
        Assert.Equal(1000, Decide(state, new GetUid()).Result!.Value);
        Assert.Equal(1000, Decide(state, new GetEuid()).Result!.Value);
        Assert.Equal(1001, Decide(state, new GetGid()).Result!.Value);
        Assert.Equal(1001, Decide(state, new GetEgid()).Result!.Value);
        var groups = Decide(state, new GetGroups()).Result!;
        Assert.Equal((2L, "100 7"), (groups.Value, groups.Text));
    }

    [Fact]
    public void Exec_with_an_environment_replaces_the_processs_and_without_one_keeps_it()
    {
        var state = Ann_process() with { Environment = ImmutableDictionary<string, string>.Empty.Add("OLD", "1") };
        var fresh = ImmutableDictionary<string, string>.Empty.Add("NEW", "2");
        var load = Assert.IsType<LoadProgram>(Decide(state, new Exec("t", ["t"], fresh)).Waiting);
        Assert.Equal(("/home/ann/t", "t"), (load.Path, load.Given));
        var loaded = Outcome<LoadedProgram>.Ok(new LoadedProgram(new Ssi.Vproc.Programs.Builtin.True(), ["t"]));
        Assert.Equal(fresh, new OnExecLoaded(load.Environment).Complete(state, loaded, World).State.Environment);
        Assert.Equal(state.Environment, new OnExecLoaded(null).Complete(state, loaded, World).State.Environment);
    }

    [Theory]
    [InlineData(Errno.ENOENT)]
    [InlineData(Errno.EACCES)]
    [InlineData(Errno.ENOEXEC)]
    public void Exec_that_cannot_load_fails_and_keeps_the_program(Errno errno)
    {
        var failed = new OnExecLoaded().Complete(Ann_process(), Outcome<LoadedProgram>.Fail(errno, "/x"), World);
        failed.AssertFails(errno);
        Assert.Empty(failed.Effects);
    }

    [Fact]
    public void Exit_ends_the_process_with_the_code_as_its_wait_status()
    {
        Assert.Equal(WaitStatus.Exited(3), Assert.IsType<EndProcess>(Decide(Ann_process(), new Exit(3)).Waiting).Status);
    }

    [Fact]
    public void Wait_collects_the_lowest_zombie_child_and_reaps_it()
    {
        var state = Ann_process().WithChild(1_000_020, status: WaitStatus.Exited(2)).WithChild(1_000_011).WithChild(1_000_030, status: 9);
        var waited = Decide(state, new Wait());
        Assert.Equal((1_000_020L, WaitStatus.Exited(2)), (waited.AssertOk().Value, waited.Result!.Status));
        Assert.False(waited.State.Children.ContainsKey(new Pid(1_000_020)));
        Assert.Equal(new Send(Destination.Processes, new Reap(new Pid(1_000_020))), Assert.Single(waited.Effects));
        Assert.Equal(1_000_030, Decide(state, new Wait(1_000_030)).AssertOk().Value);
    }

    [Fact]
    public void Wait_blocks_returns_0_under_WNOHANG_and_fails_without_children()
    {
        var state = Ann_process().WithChild(1_000_011);
        Assert.IsType<Block>(Decide(state, new Wait()).Waiting);
        Assert.Equal(0, Decide(state, new Wait(Options: WaitOptions.NoHang)).AssertOk().Value);
        Decide(state, new Wait(1_000_099)).AssertFails(Errno.ECHILD);
        Decide(Ann_process(), new Wait()).AssertFails(Errno.ECHILD);
        Assert.IsType<Block>(Decide(state, new Wait(0)).Waiting); // the child is in the caller's group
        Decide(state, new Wait(-5)).AssertFails(Errno.ECHILD); // and none is in group 5
    }

    [Fact]
    public void Getpgid_of_itself_is_answered_and_of_another_asks_it()
    {
        Assert.Equal(1_000_002, Decide(Ann_process(), new GetPgid(0)).AssertOk().Value);
        var other = Decide(Ann_process(), new GetPgid(2_000_001));
        Assert.Equal(new GetProcessInfo(new Pid(2_000_001)), other.AskedOf<GetProcessInfo>(Destination.Processes).Request);
        Assert.Equal(77, other.Reply(Info(2_000_001, pgid: 77)).AssertOk().Value);
        other.Reply(new Failed(Errno.ESRCH, "gone")).AssertFails(Errno.ESRCH);
    }

    [Fact]
    public void Setpgid_of_itself_into_its_own_group_or_a_group_of_its_session()
    {
        var own = Decide(Ann_process(), new SetPgid(0, 0));
        own.AssertOk();
        Assert.Equal(new Pid(Self), own.State.Pgid);
        Assert.Contains(PublishInfo.Instance, own.Effects);
        var join = Decide(Ann_process(), new SetPgid(0, 1_000_007));
        Assert.Equal(new GetProcessInfo(new Pid(1_000_007)), join.AskedOf<GetProcessInfo>(Destination.Processes).Request);
        Assert.Equal(new Pid(1_000_007), join.Reply(Info(1_000_007, pgid: 1_000_007, sid: 1_000_002)).State.Pgid);
        join.Reply(Info(1_000_007, pgid: 1_000_007, sid: 5)).AssertFails(Errno.EPERM);
        join.Reply(Info(1_000_007, pgid: 1_000_002, sid: 1_000_002)).AssertFails(Errno.EPERM);
        join.Reply(new Failed(Errno.ESRCH, "none")).AssertFails(Errno.EPERM);
        Decide(Ann_process(), new SetPgid(0, -3)).AssertFails(Errno.EINVAL);
        Decide(Ann_process() with { Sid = new Pid(Self) }, new SetPgid(0, 0)).AssertFails(Errno.EPERM);
    }

    [Fact]
    public void Setpgid_of_a_child_asks_the_child_and_of_a_stranger_or_zombie_is_ESRCH()
    {
        var state = Ann_process().WithChild(1_000_011).WithChild(1_000_012, status: 0);
        var child = Decide(state, new SetPgid(1_000_011, 0));
        Assert.Equal(new SetProcessGroup(new Pid(1_000_011), new Pid(1_000_011), new Pid(Self), new Pid(1_000_002)), child.AskedOf<SetProcessGroup>(Destination.Processes).Request);
        child.Reply(new ProcessGroupSet(new Pid(1_000_011), new Pid(1_000_011))).AssertOk();
        child.Reply(new Failed(Errno.EPERM, "another session")).AssertFails(Errno.EPERM);
        Decide(state, new SetPgid(1_000_012, 0)).AssertFails(Errno.ESRCH);
        Decide(state, new SetPgid(3_000_001, 0)).AssertFails(Errno.ESRCH);
    }

    [Fact]
    public void Setsid_makes_a_new_session_unless_it_leads_a_group()
    {
        var session = Decide(Ann_process(), new SetSid());
        Assert.Equal(Self, session.AssertOk().Value);
        Assert.Equal((new Pid(Self), new Pid(Self)), (session.State.Sid, session.State.Pgid));
        Decide(Ann_process() with { Pgid = new Pid(Self) }, new SetSid()).AssertFails(Errno.EPERM);
    }

    [Fact]
    public void Kill_asks_one_process_as_its_sender_and_gives_its_errno()
    {
        var kill = Decide(Ann_process(), new Kill(2_000_004, Signal.SIGTERM));
        Assert.Equal(new SignalProcess(new Pid(2_000_004), Signal.SIGTERM, 1000, new Pid(Self)), kill.AskedOf<SignalProcess>(Destination.Processes).Request);
        kill.Reply(new SignalSent(new Pid(2_000_004))).AssertOk();
        kill.Reply(new Failed(Errno.EPERM, "another user")).AssertFails(Errno.EPERM);
        kill.Reply(new Failed(Errno.ESRCH, "none")).AssertFails(Errno.ESRCH);
        Decide(Ann_process(), new Kill(2_000_004, 99)).AssertFails(Errno.EINVAL);
    }

    [Theory]
    [InlineData(0, 1_000_002)]
    [InlineData(-1, 0)]
    [InlineData(-77, 77)]
    public void Kill_of_a_group_asks_the_process_service(int target, int group)
    {
        var kill = Decide(Ann_process(), new Kill(target, Signal.SIGHUP));
        Assert.Equal(new KillGroup(group == 0 ? null : new Pid(group), Signal.SIGHUP, 1000, new Pid(Self)), kill.AskedOf<KillGroup>(Destination.ProcessService).Request);
        kill.Reply(new GroupSignalled(2, 1)).AssertOk();
        kill.Reply(new GroupSignalled(0, 1)).AssertFails(Errno.EPERM);
        kill.Reply(new GroupSignalled(0, 0)).AssertFails(Errno.ESRCH);
        kill.Reply(new Failed(Errno.ETIMEDOUT, "slow")).AssertFails(Errno.EIO);
    }

    [Fact]
    public void Sigaction_and_sigprocmask_change_the_signal_state_and_refuse_what_Unix_refuses()
    {
        var handled = Decide(Ann_process(), new SigAction(Signal.SIGINT, Disposition.Handle));
        Assert.Equal((int)Disposition.Default, handled.AssertOk().Value);
        Assert.Equal(Disposition.Handle, handled.State.Signals.DispositionOf(Signal.SIGINT));
        Decide(Ann_process(), new SigAction(Signal.SIGKILL, Disposition.Ignore)).AssertFails(Errno.EINVAL);
        var masked = Decide(Ann_process(), new SigProcMask(MaskHow.Block, Signal.Bit(Signal.SIGUSR1)));
        Assert.Equal(0, masked.AssertOk().Value);
        Assert.Equal(Signal.Bit(Signal.SIGUSR1), masked.State.Signals.Mask);
        Decide(Ann_process(), new SigProcMask((MaskHow)9, 0)).AssertFails(Errno.EINVAL);
    }

    [Fact]
    public void Pause_blocks_and_sleep_waits_its_time_unless_it_is_none()
    {
        Assert.IsType<Block>(Decide(Ann_process(), new Pause()).Waiting);
        Assert.Equal(TimeSpan.FromSeconds(2), Assert.IsType<SleepFor>(Decide(Ann_process(), new Sleep(TimeSpan.FromSeconds(2))).Waiting).Duration);
        Assert.Equal(0, Decide(Ann_process(), new Sleep(TimeSpan.Zero)).AssertOk().Value);
    }

    [Fact]
    public void Ps_and_where_pid_ask_the_cluster()
    {
        var ps = Decide(Ann_process(), new ListProcesses());
        ps.AskedOf<ListCluster>(Destination.ProcessService);
        Assert.Equal(1, ps.Reply(new ProcessList([Info(1)])).AssertOk().Value);
        ps.Reply(new Failed(Errno.ETIMEDOUT, "slow")).AssertFails(Errno.EIO);
        var where = Decide(Ann_process(), new WhereIs(new Pid(2_000_001)));
        Assert.Equal(3, where.Reply(Info(2_000_001, node: 3)).AssertOk().Value);
        where.Reply(new Failed(Errno.ESRCH, "none")).AssertFails(Errno.ESRCH);
    }

    [Fact]
    public void Migrate_and_rexec_move_the_process_and_rexec_here_is_exec()
    {
        Assert.Equal(new MoveSelf(new NodeNumber(2), null, SysResult.Ok(0)), Decide(Ann_process(), new Migrate(new NodeNumber(2))).Waiting);
        var away = Assert.IsType<MoveSelf>(Decide(Ann_process(), new Rexec(new NodeNumber(3), "/bin/ls", ["ls"])).Waiting);
        Assert.Equal((new NodeNumber(3), "/bin/ls"), (away.Node, Assert.IsType<Exec>(away.Then).Path));
        Assert.Equal("/bin/ls", Assert.IsType<LoadProgram>(Decide(Ann_process(), new Rexec(new NodeNumber(1), "/bin/ls", ["ls"])).Waiting).Path);
    }

    [Fact]
    public void An_unknown_call_is_ENOSYS()
    {
        Decide(Ann_process(), new Unknown()).AssertFails(Errno.ENOSYS);
    }

    private sealed record Unknown : SystemCall;

    internal static ProcessInfo Info(int pid, int pgid = 1, int sid = 1, int uid = 1000, int node = 1) =>
        new(new Pid(pid), new Pid(1), new Pid(pgid), new Pid(sid), uid, uid, RunState.Running, new NodeNumber(node), "x", Now, TimeSpan.Zero);
}
