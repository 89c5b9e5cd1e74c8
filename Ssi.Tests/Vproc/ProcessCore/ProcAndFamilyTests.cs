// /proc calls and the family rules as the core decides them: who may read or move a process, and what a parent learns.
using System.Text;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Cfs.Files;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.ProcFs;
using Ssi.Vproc.Programs;
using static Ssi.Tests.Vproc.ProcessCore.CoreFixtures;
using static Ssi.Tests.Vproc.ProcessCore.ProcessCallTests;

namespace Ssi.Tests.Vproc.ProcessCore;

public sealed class ProcAndFamilyTests
{
    [Fact]
    public void Its_own_proc_files_open_at_once_and_read_from_what_they_held_when_opened()
    {
        var open = Decide(Ann_process(), new Open("/proc/self/where"));
        var fd = (int)open.AssertOk().Value;
        var handle = Assert.IsType<ProcHandle>(open.State.Fds[new Fd(fd)]!.Handle);
        Assert.Equal((new Pid(Self), ProcFile.Where), (handle.Pid, handle.File));
        var first = Decide(open.State, new Read(new Fd(fd), 1));
        Assert.Equal("1", Encoding.ASCII.GetString(first.AssertOk().Data));
        Assert.Equal("\n", Encoding.ASCII.GetString(Decide(first.State, new Read(new Fd(fd), 10)).AssertOk().Data));
        var rewound = Decide(first.State, new Seek(new Fd(fd), 0));
        Assert.Equal(0, rewound.AssertOk().Value);
        Decide(first.State, new Seek(new Fd(fd), -1)).AssertFails(Errno.EINVAL);
        Assert.Equal(ProcFiles.Attributes(ProcFile.Where, Ann_process().Info), Decide(open.State, new Fstat(new Fd(fd))).AssertOk().Stat);
    }

    [Fact]
    public void Another_process_is_asked_for_and_a_missing_one_is_ENOENT()
    {
        var open = Decide(Ann_process(), new Open("/proc/2000001/status"));
        Assert.Equal(new GetProcessInfo(new Pid(2_000_001)), open.AskedOf<GetProcessInfo>(Destination.Processes).Request);
        Assert.IsType<ProcHandle>(open.Reply(Info(2_000_001)).State.Fds[new Fd(0)]!.Handle);
        open.Reply(new Failed(Errno.ESRCH, "none")).AssertFails(Errno.ENOENT);
        Decide(Ann_process(), new Open("/proc/nothing")).AssertFails(Errno.ENOENT);
        Decide(Ann_process(), new Open("/proc/nothing", OpenFlags.WriteOnly | OpenFlags.Create)).AssertFails(Errno.EACCES);
        Decide(Ann_process(), new Open("/proc/self")).AssertFails(Errno.EISDIR);
    }

    [Fact]
    public void Goto_opens_only_for_writing_by_the_owner_or_root_and_other_files_only_for_reading()
    {
        var goto_ = Decide(Ann_process(), new Open("/proc/2000001/goto", OpenFlags.WriteOnly));
        goto_.Reply(Info(2_000_001, uid: 1000)).AssertOk();
        goto_.Reply(Info(2_000_001, uid: 1001)).AssertFails(Errno.EACCES);
        Decide(Ann_process(), new Open("/proc/self/goto")).AssertFails(Errno.EACCES);
        Decide(Ann_process(), new Open("/proc/self/status", OpenFlags.ReadWrite)).AssertFails(Errno.EACCES);
        var root = Ann_process() with { Credentials = Ssi.Cfs.Permissions.Credentials.Root };
        Decide(root, new Open("/proc/2000001/goto", OpenFlags.WriteOnly)).Reply(Info(2_000_001, uid: 1001)).AssertOk();
    }

    [Fact]
    public void Writing_a_node_to_goto_moves_the_process_and_answers_the_count()
    {
        var own = Ann_process().WithFd(3, new ProcHandle(new Pid(Self), ProcFile.Goto, [], 0));
        Assert.Equal(new MoveSelf(new NodeNumber(2), null, SysResult.Ok(2)), Decide(own, new Write(new Fd(3), "2\n"u8.ToArray())).Waiting);
        Decide(own, new Write(new Fd(3), "two"u8.ToArray())).AssertFails(Errno.EINVAL);
        Decide(own, new Read(new Fd(3), 1)).AssertFails(Errno.EBADF);
        var other = Ann_process().WithFd(3, new ProcHandle(new Pid(2_000_001), ProcFile.Goto, [], 0));
        var move = Decide(other, new Write(new Fd(3), "3"u8.ToArray()));
        Assert.Equal(new MigrateProcess(new Pid(2_000_001), new NodeNumber(3), 1000), move.AskedOf<MigrateProcess>(Destination.Processes).Request);
        Assert.Equal(1, move.Reply(new Migrated(new Pid(2_000_001), new NodeNumber(3))).AssertOk().Value);
        move.Reply(new Failed(Errno.EHOSTDOWN, "down")).AssertFails(Errno.EHOSTDOWN);
        var status = Ann_process().WithFd(3, new ProcHandle(new Pid(Self), ProcFile.Status, [], 0));
        Decide(status, new Write(new Fd(3), "1"u8.ToArray())).AssertFails(Errno.EBADF);
    }

    [Fact]
    public void Proc_is_read_only_and_its_directories_list_and_can_be_entered()
    {
        Decide(Ann_process(), new Mkdir("/proc/x")).AssertFails(Errno.EACCES);
        Decide(Ann_process(), new Mknod("/proc/fifo", Ssi.Cfs.Inodes.InodeType.Fifo)).AssertFails(Errno.EACCES);
        Decide(Ann_process(), new Unlink("/proc/self/status")).AssertFails(Errno.EACCES);
        Decide(Ann_process(), new Rmdir("/proc/self")).AssertFails(Errno.EACCES);
        Decide(Ann_process(), new Rename("/tmp/a", "/proc/a")).AssertFails(Errno.EACCES);
        Assert.True(Decide(Ann_process(), new Stat("/proc")).AssertOk().Stat!.IsDirectory);
        Assert.Equal(4, Decide(Ann_process(), new ReadDirectory("/proc/self")).AssertOk().Value);
        var root = Decide(Ann_process(), new ReadDirectory("/proc"));
        var listed = root.Reply(new ProcessList([Info(1), Info(2_000_001)])).AssertOk();
        Assert.Equal(["self", "1", "2000001"], listed.Entries.Select(e => e.Name));
        Decide(Ann_process(), new ReadDirectory("/proc/self/status")).AssertFails(Errno.ENOTDIR);
        var entered = Decide(Ann_process(), new Chdir("/proc/self"));
        Assert.Equal("/proc/self", entered.State.Cwd);
        Decide(Ann_process(), new Chdir("/proc/self/where")).AssertFails(Errno.ENOTDIR);
        Decide(Ann_process(), new Stat("/proc/99999/status")).Reply(new Failed(Errno.ESRCH, "none")).AssertFails(Errno.ENOENT);
    }

    [Fact]
    public void A_childs_exit_is_kept_once_and_a_repeat_changes_nothing()
    {
        var state = Ann_process().WithChild(2_000_003, node: 2);
        var noted = Family.ChildExited(state, new Pid(2_000_003), WaitStatus.Exited(1))!;
        Assert.Equal(new ChildRecord(new NodeNumber(2), WaitStatus.Exited(1)), noted.Children[new Pid(2_000_003)]);
        Assert.Null(Family.ChildExited(noted, new Pid(2_000_003), WaitStatus.Exited(1)));
        // A child not yet confirmed by fork is placed by its PID's origin.
        Assert.Equal(new NodeNumber(3), Family.ChildExited(state, new Pid(3_000_004), 0)!.Children[new Pid(3_000_004)].Node);
    }

    [Fact]
    public void A_repeat_of_a_childs_exit_notice_that_comes_after_wait_reaped_it_is_no_child_again()
    {
        var child = new Pid(2_000_003);
        var noted = Family.ChildExited(Ann_process().WithChild(2_000_003, node: 2), child, WaitStatus.Exited(4))!;
        var reaped = Family.TryWait(noted, new Wait());
        var result = reaped.AssertOk();
        Assert.Equal((child.Value, WaitStatus.Exited(4)), (result.Value, result.Status));
        Assert.Null(Family.ChildExited(reaped.State, child, WaitStatus.Exited(4))); // the zombie sent it again before it heard
        Assert.Null(Family.ChildStateChanged(reaped.State, new ChildStateChanged(new Pid(Self), child, new Pid(Self), WaitStatus.Continued)));
        Family.TryWait(reaped.State, new Wait()).AssertFails(Errno.ECHILD);

        var many = Enumerable.Range(0, Family.ReapedKept + 10).Aggregate(reaped.State, (s, i) =>
            Family.TryWait(Family.ChildExited(s.WithChild(3_000_000 + i, node: 3), new Pid(3_000_000 + i), 0)!, new Wait()).State);
        Assert.Equal(Family.ReapedKept, many.RecentlyReaped.Count); // bounded: the oldest are forgotten
        Assert.Equal(new Pid(3_000_000 + Family.ReapedKept + 9), many.RecentlyReaped[^1]);
    }

    [Fact]
    public void Only_the_same_user_or_root_may_signal_and_a_zombie_takes_nothing()
    {
        var state = Ann_process();
        Assert.Equal((new SignalSent(new Pid(Self)), true), ((object, bool))Family.Receive(state, new SignalProcess(new Pid(Self), Signal.SIGTERM, 1000, new Pid(7))));
        Assert.True(Family.Receive(state, new SignalProcess(new Pid(Self), Signal.SIGTERM, 0, new Pid(7))).Post);
        var denied = Family.Receive(state, new SignalProcess(new Pid(Self), Signal.SIGTERM, 1001, new Pid(7)));
        Assert.Equal((Errno.EPERM, false), (Assert.IsType<Failed>(denied.Reply).Errno, denied.Post));
        Assert.False(Family.Receive(state, new SignalProcess(new Pid(Self), 0, 1000, new Pid(7))).Post);
        var zombie = Family.Receive(state with { State = RunState.Zombie }, new SignalProcess(new Pid(Self), Signal.SIGKILL, 1001, new Pid(7)));
        Assert.Equal((new SignalSent(new Pid(Self)), false), ((object, bool))zombie);
    }

    [Fact]
    public void Only_its_parent_in_its_session_may_set_its_group()
    {
        var state = Ann_process();
        var (set, reply) = Family.SetGroupByParent(state, new SetProcessGroup(new Pid(Self), new Pid(1_000_002), new Pid(1_000_002), new Pid(1_000_002)));
        Assert.Equal(new ProcessGroupSet(new Pid(Self), new Pid(1_000_002)), reply);
        Assert.Equal(new Pid(1_000_002), set.Pgid);
        Assert.Equal(Errno.ESRCH, Assert.IsType<Failed>(Family.SetGroupByParent(state, new SetProcessGroup(new Pid(Self), new Pid(5), new Pid(9), new Pid(1_000_002))).Reply).Errno);
        Assert.Equal(Errno.EPERM, Assert.IsType<Failed>(Family.SetGroupByParent(state, new SetProcessGroup(new Pid(Self), new Pid(5), new Pid(1_000_002), new Pid(4))).Reply).Errno);
        var leader = state with { Sid = new Pid(Self) };
        Assert.Equal(Errno.EPERM, Assert.IsType<Failed>(Family.SetGroupByParent(leader, new SetProcessGroup(new Pid(Self), new Pid(5), new Pid(1_000_002), new Pid(Self))).Reply).Errno);
        var zombie = state with { State = RunState.Zombie };
        Assert.Equal(Errno.ESRCH, Assert.IsType<Failed>(Family.SetGroupByParent(zombie, new SetProcessGroup(new Pid(Self), new Pid(5), new Pid(1_000_002), new Pid(1_000_002))).Reply).Errno);
    }
}
