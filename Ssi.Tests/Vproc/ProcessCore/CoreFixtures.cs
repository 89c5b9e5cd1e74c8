// A process state, a world and a few attributes for the core's pure tests: no ActorSystem, no node.
using System.Collections.Immutable;
using Akka.Actor;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Actors.Identity;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Tests.Vproc.ProcessCore;

internal static class CoreFixtures
{
    public const int Self = 1_000_005;
    public static readonly DateTimeOffset Now = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
    public static readonly CallWorld World = new(new NodeNumber(1), Now, () => [new NodeNumber(1), new NodeNumber(2), new NodeNumber(3)]);
    public static readonly Credentials Ann = Credentials.Of(1000, 1000);

    /// <summary>Ann's process 1000005 on node 1, in /home/ann with umask 022, in group and session 1000002.</summary>
    public static ProcessState Ann_process() => new()
    {
        Pid = new Pid(Self),
        Parent = new Pid(1_000_002),
        ParentNode = new NodeNumber(1),
        Pgid = new Pid(1_000_002),
        Sid = new Pid(1_000_002),
        Credentials = Ann,
        Cwd = "/home/ann",
        Node = new NodeNumber(1),
        StartTime = Now,
        Command = "test",
    };

    /// <summary>The core's decision for a call of <paramref name="state"/>, in <see cref="World"/>.</summary>
    public static CallDecision Decide(ProcessState state, Ssi.Vproc.Programs.SystemCall call) => SystemCallCore.Decide(state, call, World);

    public static ProcessState WithFd(this ProcessState state, int fd, FileHandle handle, bool closeOnExec = false) =>
        state with { Fds = state.Fds.Set(new Fd(fd), new Descriptor(handle, closeOnExec)) };

    public static ProcessState WithChild(this ProcessState state, int child, int node = 1, int? status = null) =>
        state with { Children = state.Children.SetItem(new Pid(child), new ChildRecord(new NodeNumber(node), status)) };

    /// <summary>A terminal handle whose device is no actor: the core only carries the reference.</summary>
    public static TerminalHandle Terminal(int channel = 1) => new(ActorRefs.Nobody, channel);

    /// <summary>A stream of the client's that is a pipe or file on its host, carried by the same device.</summary>
    public static TerminalHandle HostPipe(int channel = 1) => new(ActorRefs.Nobody, channel, IsTerminal: false);

    public static InodeAttributes Attributes(InodeType type, int mode, int uid = 1000, int gid = 1000) =>
        new(new InodeNumber(42), type, mode, uid, gid, 1, 0, Now, Now, Now);

    /// <summary>The request a decision waits for, which must go to <paramref name="to"/>.</summary>
    public static (T Request, Then Then) AskedOf<T>(this CallDecision decision, Destination to = Destination.FileSystem)
    {
        var ask = Assert.IsType<AskFor>(decision.Waiting);
        Assert.Equal(to, ask.To);
        Assert.Null(decision.Result);
        return (Assert.IsAssignableFrom<T>(ask.Request), ask.Then);
    }

    /// <summary>The reply given to a waiting decision, through its continuation.</summary>
    public static CallDecision Reply(this CallDecision decision, object reply)
    {
        var then = decision.Waiting switch
        {
            AskFor ask => ask.Then,
            AskDevice ask => ask.Then,
            _ => throw new Xunit.Sdk.XunitException($"the call does not wait for a reply: {decision.Waiting}"),
        };
        return then.Complete(decision.State, reply, World);
    }

    public static void AssertFails(this CallDecision decision, Ssi.Actors.Errors.Errno errno)
    {
        Assert.Null(decision.Waiting);
        Assert.Equal(errno, decision.Result?.Error);
    }

    public static Ssi.Vproc.Programs.SysResult AssertOk(this CallDecision decision)
    {
        Assert.Null(decision.Waiting);
        Assert.NotNull(decision.Result);
        Assert.Null(decision.Result!.Error);
        return decision.Result;
    }

    public static ImmutableArray<Effect> NoEffects => [];
}
