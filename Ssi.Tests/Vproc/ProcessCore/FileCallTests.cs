// The file calls as the core decides them: the request each makes, and what every reply, success or failure, gives the program.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Service;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;
using static Ssi.Tests.Vproc.ProcessCore.CoreFixtures;

namespace Ssi.Tests.Vproc.ProcessCore;

public sealed class FileCallTests
{
    [Fact]
    public void Open_resolves_the_path_masks_the_mode_and_installs_the_lowest_free_descriptor()
    {
        var state = Ann_process().WithFd(0, new CfsHandle(7)).WithFd(2, new CfsHandle(8));
        var open = Decide(state, new Open("notes", OpenFlags.WriteOnly | OpenFlags.Create, 0x1B6));
        var (request, _) = open.AskedOf<FsOpen>();
        Assert.Equal(new FsOpen(Ann, "/home/ann/notes", OpenFlags.WriteOnly | OpenFlags.Create, 0x1A4), request);
        var opened = open.Reply(new FsOpened(99, Attributes(InodeType.Regular, 0x1A4)));
        Assert.Equal(1, opened.AssertOk().Value);
        Assert.Equal(new CfsHandle(99), opened.State.Fds[new Fd(1)]!.Handle);
    }

    [Fact]
    public void A_memory_device_is_read_and_written_where_the_process_runs_as_its_access_mode_allows()
    {
        var nullDevice = Attributes(InodeType.CharDevice, 0x1B6, 0, 0) with { Device = MemoryDevices.Null };
        var opened = Decide(Ann_process(), new Open("/dev/null", OpenFlags.WriteOnly)).Reply(new FsOpened(99, nullDevice));
        Assert.Equal(new CfsHandle(99, new MemoryDeviceAccess(MemoryDevices.Null, CanRead: false, CanWrite: true)), opened.State.Fds[new Fd(0)]!.Handle);
        // No request leaves the node: the answer is the driver's.
        Assert.Equal(5, Decide(opened.State, new Write(new Fd(0), new byte[5])).AssertOk().Value);
        Decide(opened.State, new Read(new Fd(0), 10)).AssertFails(Errno.EBADF);
        var zero = Ann_process().WithFd(3, new CfsHandle(7, new MemoryDeviceAccess(MemoryDevices.Zero, CanRead: true, CanWrite: false)));
        var read = Decide(zero, new Read(new Fd(3), 4)).AssertOk();
        Assert.Equal(new byte[4], read.Data);
        Decide(zero, new Write(new Fd(3), new byte[1])).AssertFails(Errno.EBADF);
        var full = Ann_process().WithFd(3, new CfsHandle(7, new MemoryDeviceAccess(MemoryDevices.Full, CanRead: true, CanWrite: true)));
        Decide(full, new Write(new Fd(3), new byte[1])).AssertFails(Errno.ENOSPC);
        Assert.Equal(0, Decide(full, new Seek(new Fd(3), 100, Whence.Set)).AssertOk().Value);
        // A regular file opened the same way is served by its description, as before.
        var file = Decide(Ann_process(), new Open("/f", OpenFlags.WriteOnly)).Reply(new FsOpened(98, Attributes(InodeType.Regular, 0x1A4)));
        Assert.Equal(new CfsHandle(98), file.State.Fds[new Fd(0)]!.Handle);
        Decide(file.State, new Write(new Fd(0), new byte[5])).AskedOf<FsWriteOpen>();
    }

    [Theory]
    [InlineData(Errno.ENOENT)]
    [InlineData(Errno.EACCES)]
    [InlineData(Errno.EISDIR)]
    [InlineData(Errno.ETIMEDOUT)]
    public void Open_fails_with_the_errno_of_the_file_system(Errno errno)
    {
        var failed = Decide(Ann_process(), new Open("/etc/shadow")).Reply(new Failed(errno, "why"));
        failed.AssertFails(errno);
        Assert.Empty(failed.State.Fds.Entries);
    }

    [Fact]
    public void Open_of_dev_tty_gives_the_controlling_terminal_and_ENXIO_without_one_and_setsid_drops_it()
    {
        var tty = new FsControllingTerminal(Attributes(InodeType.CharDevice, 0x1B6, 0, 0));
        var withTerminal = Ann_process() with { ControllingTerminal = Akka.Actor.ActorRefs.Nobody };
        var opened = Decide(withTerminal.WithFd(0, Terminal()), new Open("/dev/tty", OpenFlags.WriteOnly)).Reply(tty);
        Assert.Equal(1, opened.AssertOk().Value);
        Assert.Equal(new TerminalHandle(Akka.Actor.ActorRefs.Nobody, 1), opened.State.Fds[new Fd(1)]!.Handle);
        Decide(Ann_process(), new Open("/dev/tty")).Reply(tty).AssertFails(Errno.ENXIO);
        // A terminal whose node has left the cluster is no device any more: ENXIO, not a descriptor that would only say EIO.
        var lost = Assert.IsType<AskFor>(Decide(withTerminal, new Open("/dev/tty")).Waiting).Then
            .Complete(withTerminal, tty, World with { DeviceGone = _ => true });
        lost.AssertFails(Errno.ENXIO);
        var leader = withTerminal with { Pgid = new Pid(1_000_099) };
        Assert.Null(Decide(leader, new SetSid()).State.ControllingTerminal);
        Assert.Same(Akka.Actor.ActorRefs.Nobody, withTerminal.ForChild(new Pid(1_000_100), new NodeNumber(2), Now).ControllingTerminal);
    }

    [Fact]
    public void Open_with_a_full_table_is_EMFILE_and_closes_the_description_it_got()
    {
        var full = Enumerable.Range(0, FdTable.Limit).Aggregate(Ann_process(), (s, fd) => s.WithFd(fd, new CfsHandle(fd)));
        var opened = Decide(full, new Open("/tmp/x")).Reply(new FsOpened(5000, Attributes(InodeType.Regular, 0x1A4)));
        opened.AssertFails(Errno.EMFILE);
        Assert.Equal(new Send(Destination.FileSystem, new FsClose(Ann, 5000)), Assert.Single(opened.Effects));
    }

    [Fact]
    public void A_reply_of_the_wrong_type_is_EIO_not_success()
    {
        Decide(Ann_process(), new Mkdir("/tmp/d")).Reply(FsDone.Instance).AssertFails(Errno.EIO);
        Decide(Ann_process(), new Unlink("/tmp/f")).Reply(new FsAttributes(Attributes(InodeType.Regular, 0))).AssertFails(Errno.EIO);
        Decide(Ann_process(), new Open("/tmp/f")).Reply(FsDone.Instance).AssertFails(Errno.EIO);
    }

    [Fact]
    public void Read_of_a_file_asks_its_description_for_at_most_a_megabyte()
    {
        var state = Ann_process().WithFd(3, new CfsHandle(12));
        var read = Decide(state, new Read(new Fd(3), 50 << 20));
        Assert.Equal(new FsReadOpen(Ann, 12, FileCalls.MaxRead), read.AskedOf<FsReadOpen>().Request);
        var data = read.Reply(new FsData([1, 2, 3])).AssertOk();
        Assert.Equal(3, data.Value);
        Assert.Equal([1, 2, 3], data.Data);
        Decide(state, new Read(new Fd(3), 10)).Reply(new Failed(Errno.EBADF, "closed")).AssertFails(Errno.EBADF);
    }

    [Fact]
    public void Read_of_a_terminal_waits_for_the_terminal_and_of_no_descriptor_is_EBADF()
    {
        var terminal = Terminal(1);
        var read = Decide(Ann_process().WithFd(0, terminal), new Read(new Fd(0), 80, TimeSpan.FromSeconds(1)));
        var waiting = Assert.IsType<ReadDevice>(read.Waiting);
        Assert.Equal(terminal, waiting.Device);
        Assert.Equal(TimeSpan.FromSeconds(1), waiting.Call.Timeout);
        Decide(Ann_process(), new Read(new Fd(4), 80)).AssertFails(Errno.EBADF);
    }

    [Theory]
    [InlineData(Errno.EPIPE)]
    [InlineData(Errno.ENOSPC)]
    [InlineData(Errno.EBADF)]
    public void Write_to_a_file_gives_the_count_or_the_errno(Errno errno)
    {
        var state = Ann_process().WithFd(1, new CfsHandle(12));
        var write = Decide(state, new Write(new Fd(1), [9, 9]));
        Assert.Equal(new FsWriteOpen(Ann, 12, [9, 9]).Data, write.AskedOf<FsWriteOpen>().Request.Data);
        Assert.Equal(2, write.Reply(new FsWritten(2, 2, Attributes(InodeType.Regular, 0))).AssertOk().Value);
        write.Reply(new Failed(errno, "no")).AssertFails(errno);
    }

    [Fact]
    public void Write_to_a_terminal_asks_the_device_and_gets_its_count_or_its_errno()
    {
        var write = Decide(Ann_process().WithFd(2, Terminal(2)), new Write(new Fd(2), [65]));
        var ask = Assert.IsType<AskDevice>(write.Waiting);
        Assert.Equal(2, Assert.IsType<TerminalWrite>(ask.Request).Channel);
        Assert.Equal(1, write.Reply(new TerminalWritten(1)).AssertOk().Value);
        write.Reply(new Failed(Errno.EPIPE, "no reader")).AssertFails(Errno.EPIPE);
        write.Reply(new FsWritten(1, 1, Attributes(InodeType.Regular, 0))).AssertFails(Errno.EIO);
        Decide(Ann_process(), new Write(new Fd(7), [1])).AssertFails(Errno.EBADF);
    }

    [Fact]
    public void Close_frees_the_descriptor_at_once_and_releases_a_file_description()
    {
        var state = Ann_process().WithFd(3, new CfsHandle(12)).WithFd(0, Terminal());
        var close = Decide(state, new Close(new Fd(3)));
        Assert.Null(close.State.Fds[new Fd(3)]);
        Assert.Equal(new FsClose(Ann, 12), close.AskedOf<FsClose>().Request);
        Assert.Equal(0, close.Reply(new FsReferences(0)).AssertOk().Value);
        close.Reply(new Failed(Errno.ETIMEDOUT, "slow")).AssertFails(Errno.ETIMEDOUT);
        var terminal = Decide(state, new Close(new Fd(0)));
        Assert.Equal(0, terminal.AssertOk().Value);
        Assert.Null(terminal.State.Fds[new Fd(0)]);
        Decide(state, new Close(new Fd(9))).AssertFails(Errno.EBADF);
    }

    [Fact]
    public void Dup_retains_the_description_then_installs_the_lowest_free_descriptor_without_close_on_exec()
    {
        var state = Ann_process().WithFd(0, new CfsHandle(5), closeOnExec: true).WithFd(1, Terminal());
        var dup = Decide(state, new Dup(new Fd(0)));
        Assert.Equal(new FsRetainOpen(Ann, 5), dup.AskedOf<FsRetainOpen>().Request);
        var done = dup.Reply(new FsReferences(2));
        Assert.Equal(2, done.AssertOk().Value);
        Assert.Equal(new Descriptor(new CfsHandle(5)), done.State.Fds[new Fd(2)]);
        dup.Reply(new Failed(Errno.EBADF, "closed meanwhile")).AssertFails(Errno.EBADF);
        var terminal = Decide(state, new Dup(new Fd(1)));
        Assert.Equal(2, terminal.AssertOk().Value);
        Decide(state, new Dup(new Fd(8))).AssertFails(Errno.EBADF);
    }

    [Fact]
    public void Dup2_onto_an_open_descriptor_closes_what_it_held_and_onto_itself_does_nothing()
    {
        var state = Ann_process().WithFd(0, new CfsHandle(5)).WithFd(1, new CfsHandle(6));
        var dup2 = Decide(state, new Dup2(new Fd(0), new Fd(1))).Reply(new FsReferences(2));
        Assert.Equal(1, dup2.AssertOk().Value);
        Assert.Equal(new CfsHandle(5), dup2.State.Fds[new Fd(1)]!.Handle);
        Assert.Equal(new Send(Destination.FileSystem, new FsClose(Ann, 6)), Assert.Single(dup2.Effects));
        Assert.Equal(0, Decide(state, new Dup2(new Fd(0), new Fd(0))).AssertOk().Value);
        Decide(state, new Dup2(new Fd(0), new Fd(FdTable.Limit))).AssertFails(Errno.EBADF);
        Decide(state, new Dup2(new Fd(0), new Fd(-1))).AssertFails(Errno.EBADF);
    }

    [Fact]
    public void Dup_with_a_full_table_is_EMFILE()
    {
        var full = Enumerable.Range(0, FdTable.Limit).Aggregate(Ann_process(), (s, fd) => s.WithFd(fd, Terminal()));
        Decide(full, new Dup(new Fd(0))).AssertFails(Errno.EMFILE);
    }

    [Fact]
    public void Close_on_exec_is_set_per_descriptor()
    {
        var set = Decide(Ann_process().WithFd(4, new CfsHandle(1)), new SetCloseOnExec(new Fd(4), true));
        set.AssertOk();
        Assert.True(set.State.Fds[new Fd(4)]!.CloseOnExec);
        Decide(Ann_process(), new SetCloseOnExec(new Fd(4), true)).AssertFails(Errno.EBADF);
    }

    [Fact]
    public void Seek_moves_a_description_and_is_ESPIPE_on_a_terminal()
    {
        var state = Ann_process().WithFd(3, new CfsHandle(12)).WithFd(0, Terminal());
        var seek = Decide(state, new Seek(new Fd(3), 10, Whence.Current));
        Assert.Equal(new FsSeek(Ann, 12, 10, Whence.Current), seek.AskedOf<FsSeek>().Request);
        Assert.Equal(30, seek.Reply(new FsPosition(30)).AssertOk().Value);
        seek.Reply(new Failed(Errno.EINVAL, "before the start")).AssertFails(Errno.EINVAL);
        Decide(state, new Seek(new Fd(0), 0)).AssertFails(Errno.ESPIPE);
        Decide(state, new Seek(new Fd(5), 0)).AssertFails(Errno.EBADF);
    }

    [Fact]
    public void Stat_and_fstat_give_the_attributes_and_a_terminal_is_a_character_device_of_its_user()
    {
        var state = Ann_process().WithFd(3, new CfsHandle(12)).WithFd(0, Terminal());
        var stat = Decide(state, new Stat("docs", FollowLast: false));
        Assert.Equal(new FsStat(Ann, "/home/ann/docs", false), stat.AskedOf<FsStat>().Request);
        var attributes = Attributes(InodeType.Directory, 0x1ED);
        Assert.Equal(attributes, stat.Reply(new FsAttributes(attributes)).AssertOk().Stat);
        stat.Reply(new Failed(Errno.ENOENT, "none")).AssertFails(Errno.ENOENT);
        Assert.Equal(new FsStatOpen(Ann, 12), Decide(state, new Fstat(new Fd(3))).AskedOf<FsStatOpen>().Request);
        var device = Decide(state, new Fstat(new Fd(0))).AssertOk().Stat!;
        Assert.Equal((InodeType.CharDevice, 1000), (device.Type, device.Uid));
        Decide(state, new Fstat(new Fd(6))).AssertFails(Errno.EBADF);
    }

    [Fact]
    public void Readdir_gives_the_entries_or_the_errno()
    {
        var list = Decide(Ann_process(), new ReadDirectory("."));
        Assert.Equal("/home/ann/.", list.AskedOf<FsReadDirectory>().Request.Path);
        var entries = list.Reply(new FsEntries([new FsEntry("a", new InodeNumber(3), InodeType.Regular)])).AssertOk();
        Assert.Equal(1, entries.Value);
        list.Reply(new Failed(Errno.ENOTDIR, "a file")).AssertFails(Errno.ENOTDIR);
    }

    [Theory]
    [InlineData(Errno.EEXIST)]
    [InlineData(Errno.EACCES)]
    [InlineData(Errno.ENOENT)]
    public void Mkdir_succeeds_on_the_new_attributes_and_fails_with_the_errno(Errno errno)
    {
        var mkdir = Decide(Ann_process(), new Mkdir("/tmp", 0x1FF));
        Assert.Equal(new FsMkdir(Ann, "/tmp", 0x1ED), mkdir.AskedOf<FsMkdir>().Request);
        mkdir.Reply(new FsAttributes(Attributes(InodeType.Directory, 0x1ED))).AssertOk();
        mkdir.Reply(new Failed(errno, "no")).AssertFails(errno);
    }

    [Theory]
    [InlineData(Errno.EPERM)]
    [InlineData(Errno.EEXIST)]
    [InlineData(Errno.EACCES)]
    [InlineData(Errno.ETIMEDOUT)]
    public void Mknod_asks_with_the_masked_mode_and_the_number_and_fails_with_the_errno(Errno errno)
    {
        var mknod = Decide(Ann_process(), new Mknod("zero", InodeType.CharDevice, 0x1B6, new DeviceNumber(1, 5)));
        Assert.Equal(new FsMknod(Ann, "/home/ann/zero", InodeType.CharDevice, 0x1A4, new DeviceNumber(1, 5)), mknod.AskedOf<FsMknod>().Request);
        mknod.Reply(new FsAttributes(Attributes(InodeType.CharDevice, 0x1A4))).AssertOk();
        mknod.Reply(new Failed(errno, "no")).AssertFails(errno);
        mknod.Reply(FsDone.Instance).AssertFails(Errno.EIO);
        var fifo = Decide(Ann_process(), new Mknod("/tmp/p", InodeType.Fifo));
        Assert.Equal(new FsMknod(Ann, "/tmp/p", InodeType.Fifo, 0x1A4), fifo.AskedOf<FsMknod>().Request);
    }

    public static TheoryData<SystemCall, IFileSystemRequest, Errno> Removals => new()
    {
        { new Unlink("f"), new FsUnlink(Ann, "/home/ann/f"), Errno.EISDIR },
        { new Unlink("/etc/motd"), new FsUnlink(Ann, "/etc/motd"), Errno.EACCES },
        { new Rmdir("/tmp/full"), new FsRmdir(Ann, "/tmp/full"), Errno.ENOTEMPTY },
        { new Rmdir("/"), new FsRmdir(Ann, "/"), Errno.EBUSY },
        { new Rename("a", "a/b"), new FsRename(Ann, "/home/ann/a", "/home/ann/a/b"), Errno.EINVAL },
        { new Rename("/x", "/y"), new FsRename(Ann, "/x", "/y"), Errno.ENOTDIR },
    };

    [Theory]
    [MemberData(nameof(Removals))]
    public void Unlink_rmdir_and_rename_succeed_on_done_and_fail_with_the_errno(SystemCall call, IFileSystemRequest expected, Errno errno)
    {
        var decision = Decide(Ann_process(), call);
        Assert.Equal(expected, decision.AskedOf<IFileSystemRequest>().Request);
        decision.Reply(FsDone.Instance).AssertOk();
        decision.Reply(new Failed(errno, "no")).AssertFails(errno);
    }

    public static TheoryData<SystemCall, IFileSystemRequest, Errno> Links => new()
    {
        // The link's target is kept as written; only the new name is resolved against the cwd.
        { new Symlink("../t", "l"), new FsSymlink(Ann, "../t", "/home/ann/l"), Errno.EEXIST },
        { new Link("f", "/tmp/g"), new FsLink(Ann, "/home/ann/f", "/tmp/g"), Errno.EPERM },
        { new Chmod("f", 0x11ED), new FsChmod(Ann, "/home/ann/f", 0x1ED), Errno.ENOENT },
    };

    [Theory]
    [MemberData(nameof(Links))]
    public void Symlink_link_and_chmod_ask_the_file_system_and_fail_with_the_errno(SystemCall call, IFileSystemRequest expected, Errno errno)
    {
        var decision = Decide(Ann_process(), call);
        Assert.Equal(expected, decision.AskedOf<IFileSystemRequest>().Request);
        decision.Reply(new FsAttributes(Attributes(InodeType.Symlink, 0x1FF))).AssertOk();
        decision.Reply(new Failed(errno, "no")).AssertFails(errno);
    }

    [Fact]
    public void Readlink_gives_the_target_as_text()
    {
        var readlink = Decide(Ann_process(), new ReadLink("l"));
        Assert.Equal(new FsReadLink(Ann, "/home/ann/l"), readlink.AskedOf<FsReadLink>().Request);
        Assert.Equal("../t", readlink.Reply(new FsText("../t")).AssertOk().Text);
        readlink.Reply(new Failed(Errno.EINVAL, "not a link")).AssertFails(Errno.EINVAL);
    }

    [Fact]
    public void Chdir_needs_a_directory_with_search_permission()
    {
        var chdir = Decide(Ann_process(), new Chdir("../bob/"));
        Assert.Equal("/home/bob/", chdir.AskedOf<FsStat>().Request.Path);
        var entered = chdir.Reply(new FsAttributes(Attributes(InodeType.Directory, 0x1ED, uid: 1001)));
        entered.AssertOk();
        Assert.Equal("/home/bob", entered.State.Cwd);
        chdir.Reply(new FsAttributes(Attributes(InodeType.Regular, 0x1ED))).AssertFails(Errno.ENOTDIR);
        chdir.Reply(new FsAttributes(Attributes(InodeType.Directory, 0x1C0, uid: 1001, gid: 1001))).AssertFails(Errno.EACCES);
        chdir.Reply(new Failed(Errno.ENOENT, "none")).AssertFails(Errno.ENOENT);
        Assert.Equal("/home/ann", chdir.Reply(new Failed(Errno.ENOENT, "none")).State.Cwd);
    }

    [Fact]
    public void Getcwd_and_umask_are_answered_from_the_state()
    {
        Assert.Equal("/home/ann", Decide(Ann_process(), new GetCwd()).AssertOk().Text);
        var umask = Decide(Ann_process(), new Umask(0x3F));
        Assert.Equal(0x12, umask.AssertOk().Value);
        Assert.Equal(0x3F, umask.State.Umask);
        Assert.Equal(0x1FF, Decide(Ann_process(), new Umask(0xFFF)).State.Umask);
    }

    [Fact]
    public void Terminal_mode_is_set_on_a_terminal_only()
    {
        var state = Ann_process().WithFd(0, Terminal()).WithFd(3, new CfsHandle(1));
        var set = Decide(state, new SetTerminalMode(new Fd(0), Canonical: false));
        set.AssertOk();
        Assert.Equal(new TerminalSetMode(false), Assert.IsType<SendToDevice>(Assert.Single(set.Effects)).Message);
        Decide(state, new SetTerminalMode(new Fd(3), false)).AssertFails(Errno.ENOTTY);
        Decide(state, new SetTerminalMode(new Fd(4), false)).AssertFails(Errno.EBADF);
    }

    [Fact]
    public void A_client_stream_that_is_a_pipe_on_its_host_is_a_fifo_of_its_user_without_terminal_modes()
    {
        var state = Ann_process().WithFd(0, HostPipe(1)).WithFd(1, HostPipe(1)).WithFd(2, Terminal(2));
        var pipe = Decide(state, new Fstat(new Fd(1))).AssertOk().Stat!;
        Assert.Equal((InodeType.Fifo, 1000, 0x180), (pipe.Type, pipe.Uid, pipe.Mode));
        Assert.Equal(InodeType.CharDevice, Decide(state, new Fstat(new Fd(2))).AssertOk().Stat!.Type);
        Decide(state, new SetTerminalMode(new Fd(0), Canonical: false)).AssertFails(Errno.ENOTTY);
        Decide(state, new Seek(new Fd(1), 0)).AssertFails(Errno.ESPIPE);
        // Its bytes still go through the device, as a terminal's do.
        Assert.Equal(HostPipe(1), Assert.IsType<ReadDevice>(Decide(state, new Read(new Fd(0), 80)).Waiting).Device);
        Assert.Equal(1, Assert.IsType<TerminalWrite>(Assert.IsType<AskDevice>(Decide(state, new Write(new Fd(1), [65])).Waiting).Request).Channel);
    }
}
