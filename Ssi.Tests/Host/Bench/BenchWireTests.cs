// The bench's messages, the move trace hook and the typed refusal cross the wire whole (with our restricted serializer).
using System.Collections.Immutable;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Ssi.Actors.Configuration;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Host.Bench;
using Ssi.Host.Node;
using Ssi.Vproc.Migration;

namespace Ssi.Tests.Host.Bench;

public class BenchWireTests() : TestKit(ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(SsiConfig.Reference))
{
    private T RoundTrip<T>(T message) where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        return (T)Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, typeof(T));
    }

    [Fact]
    public void A_move_asked_with_a_trace_keeps_the_request_for_it_on_the_way_to_wherever_the_process_is()
    {
        Assert.True(RoundTrip(new MigrateProcess(new Pid(1_000_007), new NodeNumber(3), 0) { Trace = true }).Trace);
        Assert.False(RoundTrip(new MigrateProcess(new Pid(1_000_007), new NodeNumber(3), 0)).Trace);
        var moved = new Migrated(new Pid(1_000_007), new NodeNumber(3), new MoveTrace(1, 2, 3, 4, 5, 6));
        Assert.Equal(moved, RoundTrip(moved));
    }

    [Fact]
    public void Migration_times_carry_their_first_failure_typed_and_every_step()
    {
        var times = new MigrationTimes([1.5, 2.5], 1, new Failed(Errno.ETIMEDOUT, "move 3 got no answer")) { Phases = [new MovePhases(1, 2, 3, 4, 5, 6, 7)] };
        var copy = RoundTrip(times);
        Assert.Equal((2, 1, Errno.ETIMEDOUT), (copy.Microseconds.Length, copy.Failures, copy.FirstFailure!.Errno));
        Assert.Equal(times.Phases.ToArray(), copy.Phases.ToArray()); // arrays: ImmutableArray equals by reference
    }

    [Fact]
    public void A_refusal_of_access_keeps_its_reason_and_errno()
    {
        var denied = RoundTrip(new AccessDenied(AccessRefusal.NotIssuedByThisCluster, "not ours"));
        Assert.Equal((AccessRefusal.NotIssuedByThisCluster, Errno.EACCES, "not ours"), (denied.Reason, denied.Errno, denied.Detail));
        Assert.Equal(new BenchCall(new PingNode(new NodeNumber(3), 10)), RoundTrip(new BenchCall(new PingNode(new NodeNumber(3), 10))));
        Assert.IsType<PingTimes>(RoundTrip(new PingTimes(ImmutableArray.Create(0.5))));
    }

    [Fact]
    public void A_cut_of_links_crosses_the_wire_whole()
    {
        var cut = RoundTrip(new BenchCall(new SetLinks(["10.0.0.2:7102", "10.0.0.3:7103"], Cut: true)));
        Assert.Equal(["10.0.0.2:7102", "10.0.0.3:7103"], ((SetLinks)cut.Request).HostPorts.ToArray());
        Assert.True(((SetLinks)cut.Request).Cut);
        Assert.Equal(2, RoundTrip(new LinksSet(2)).CutLinks);
    }

    [Fact]
    public void A_node_without_fault_injection_refuses_to_cut_its_links_even_for_root()
    {
        var bench = Sys.ActorOf(BenchService.Props(TimeSpan.FromSeconds(3)));
        bench.Tell(new SetLinks(["127.0.0.1:7102"], Cut: true), TestActor);
        var refused = ExpectMsg<Failed>();
        Assert.Equal(Errno.EPERM, refused.Errno);
        Assert.Contains("ssi.chaos.fault-injection", refused.Detail);
    }
}
