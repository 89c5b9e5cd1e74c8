// PID 1 alone: requests it cannot grant get a typed refusal at once instead of no answer.
using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Ssi.Actors.Configuration;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Tests.Vproc.ProcessTable;

public sealed class InitProcessSpecs : TestKit
{
    private readonly IActorRef _init;

    public InitProcessSpecs()
    {
        var probe = CreateTestProbe();
        var settings = VprocSettings.Create(SsiConfig.FromAssembly(typeof(VprocSettings).Assembly)) with
        {
            ShardsPerNode = 1, CallTimeout = TimeSpan.FromSeconds(5), ExitNoticeRetry = TimeSpan.FromSeconds(1), StepsPerTurn = 100,
            Quantum = TimeSpan.FromMilliseconds(10), ProgramNice = 0,
        };
        var node = new VprocNode(new NodeNumber(1), probe.Ref, probe.Ref, probe.Ref, new ProgramCatalog(ImmutableDictionary<string, Func<Program>>.Empty), settings);
        _init = Sys.ActorOf(InitProcess.Props(node));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public void Migrating_init_is_refused_at_once_with_EINVAL(int requester)
    {
        _init.Tell(new MigrateProcess(new Pid(1), new NodeNumber(3), requester));
        var failed = ExpectMsg<Failed>(TimeSpan.FromSeconds(3));
        Assert.Equal(Errno.EINVAL, failed.Errno);
        Assert.Equal("init cannot move", failed.Detail);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Pinning_or_unpinning_init_is_refused_at_once_with_EINVAL(bool pinned)
    {
        _init.Tell(new PinProcess(new Pid(1), pinned, 0));
        Assert.Equal(Errno.EINVAL, ExpectMsg<Failed>(TimeSpan.FromSeconds(3)).Errno);
    }
}
