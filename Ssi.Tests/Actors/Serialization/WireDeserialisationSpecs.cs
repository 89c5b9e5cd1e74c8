// Two actor systems over loopback TCP: our messages cross the wire; foreign types and the JSON serializer's id are refused.
using System.Collections.Immutable;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Ssi.Actors.Configuration;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Membership;
using Ssi.Actors.Protocol;

namespace Ssi.Tests.Actors.Serialization;

public sealed class WireDeserialisationSpecs : IAsyncLifetime
{
    private const string Remote = """
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.loglevel = WARNING
        """;

    // A peer with stock Hyperion and no filter at all: it will send anything.
    private const string Permissive = """
        akka.actor.serializers.hyperion = "Akka.Serialization.HyperionSerializer, Akka.Serialization.Hyperion"
        akka.actor.serialization-settings.hyperion.disallow-unsafe-type = off
        akka.actor.serialization-bindings { "System.Object" = hyperion }
        """;

    private ActorSystem _receiver = null!;
    private ActorSystem _sender = null!;
    private ActorSystem _attacker = null!;
    private TestProbe _inbox = null!;

    public Task InitializeAsync()
    {
        var ours = ConfigurationFactory.ParseString(Remote).WithFallback(SsiConfig.Reference);
        _receiver = ActorSystem.Create("receiver", ours);
        _sender = ActorSystem.Create("sender", ours);
        _attacker = ActorSystem.Create("attacker", ConfigurationFactory.ParseString(Permissive).WithFallback(ConfigurationFactory.ParseString(Remote)));
        _inbox = new TestProbe(_receiver, new XunitAssertions(), "inbox");
        return Task.CompletedTask;
    }

    private ActorSelection InboxFrom(ActorSystem system)
    {
        var address = ((ExtendedActorSystem)_receiver).Provider.DefaultAddress;
        return system.ActorSelection(new RootActorPath(address) / "system" / _inbox.Ref.Path.Name);
    }

    [Fact]
    public void Our_messages_with_nested_records_and_collections_round_trip()
    {
        var view = new NodeTableView(new NodeNumber(2), [new NodeInfo(new NodeNumber(1), "akka.tcp://ssi@127.0.0.1:1", NodeState.UP, true, DateTimeOffset.UnixEpoch)], 1, 0);
        var changed = new NodeStateChanged(new NodeNumber(3), NodeState.UP, NodeState.DOWN, "akka.tcp://ssi@127.0.0.1:3");

        InboxFrom(_sender).Tell(view);
        InboxFrom(_sender).Tell(changed);
        InboxFrom(_sender).Tell(new Failed(Errno.ESRCH, "gone"));

        var got = _inbox.ExpectMsg<NodeTableView>(TimeSpan.FromSeconds(10));
        Assert.Equal(view.Nodes.Single(), got.Nodes.Single());
        Assert.Equal(changed, _inbox.ExpectMsg<NodeStateChanged>());
        Assert.Equal(new Failed(Errno.ESRCH, "gone"), _inbox.ExpectMsg<Failed>());
    }

    [Fact]
    public void Foreign_types_from_a_permissive_peer_are_dropped_and_the_association_stays_up()
    {
        var inbox = InboxFrom(_attacker);
        inbox.Tell(new Failed(Errno.EIO, "warm-up")); // association up, our type delivered
        _inbox.ExpectMsg<Failed>(TimeSpan.FromSeconds(10));

        inbox.Tell(new UriBuilder("http://example.invalid/"));
        inbox.Tell(new System.Diagnostics.ProcessStartInfo("/bin/sh", "-c id"));
        inbox.Tell(ImmutableList.Create<object>(new System.Collections.Specialized.StringCollection()));
        inbox.Tell(new Failed(Errno.EIO, "after"));

        // Messages from one sender arrive in order: if any foreign one had been delivered, it would come first.
        Assert.Equal(new Failed(Errno.EIO, "after"), _inbox.ExpectMsg<object>(TimeSpan.FromSeconds(10)));
        _inbox.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void The_stock_JSON_serializer_id_is_not_reachable()
    {
        var serialization = _receiver.Serialization;
        var error = Assert.ThrowsAny<SerializationException>(() =>
            serialization.Deserialize("{\"$type\":\"System.Diagnostics.ProcessStartInfo, System.Diagnostics.Process\"}"u8.ToArray(), 1, "System.Diagnostics.ProcessStartInfo, System.Diagnostics.Process"));
        Assert.Contains("id [1]", error.Message);
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_receiver.Terminate(), _sender.Terminate(), _attacker.Terminate());
    }
}
