// Closes a stopping node's remoting listener before its remoting shuts down, so no peer's TLS handshake is cut mid-way.
using System.Reflection;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Remote;
using DotNetty.Transport.Channels;

namespace Ssi.Actors.Security;

/// <summary>
/// Akka.Remote 1.5.73 stops a whole actor system when one of its outbound TLS handshakes fails, whatever the cause,
/// and a handshake fails when the peer closes the connection mid-way. A stopping node does that to every peer that
/// reconnects while its remoting shuts down: each of its associations drops at that moment, the peers reconnect at
/// once, the listener still accepts, and the remoting then closes the new connections mid-handshake (seen in a CI
/// run: a lone survivor stopped so, its cluster with it). Closed once the node has left the cluster, the listener
/// refuses those reconnections instead, a plain refusal that peers retry later.
///
/// Akka.NET keeps its transports internal, so the listener is found by reflection: the remoting's transports, through
/// their adapters (the throttler in specs), to the DotNetty transport's server channel. If a later Akka.NET renames
/// them, the node logs it and stops as before (<see cref="Find"/> is checked by a spec).
/// </summary>
public static class ListenerUnbind
{
    private const BindingFlags Fields = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    /// <summary>Closes the listener in the coordinated shutdown's phase before the actor system terminates.</summary>
    public static void Register(ActorSystem system) =>
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "ssi-close-remoting-listener", async () =>
        {
            await CloseAsync(system);
            return Done.Instance;
        });

    /// <summary>Closes the remoting's listeners; associations already made go on. Returns how many it closed.</summary>
    public static async Task<int> CloseAsync(ActorSystem system)
    {
        var log = Logging.GetLogger(system, typeof(ListenerUnbind));
        var listeners = Find(system);
        if (listeners.Count == 0) log.Warning("no remoting listener found to close before the remoting stops (has Akka.NET changed?)");
        var closed = 0;
        foreach (var listener in listeners)
        {
            try
            {
                await listener.CloseAsync().WaitAsync(TimeSpan.FromSeconds(2));
                closed++;
                log.Info("closed the remoting listener at {0}: peers reconnecting now are refused, not cut mid-handshake", listener.LocalAddress);
            }
            catch (Exception e) when (e is TimeoutException or ObjectDisposedException or InvalidOperationException)
            {
                log.Warning("closing the remoting listener failed: {0}", e.Message);
            }
        }
        return closed;
    }

    /// <summary>The server channels of the node's remoting transports (none if Akka.NET's internals have changed).</summary>
    public static IReadOnlyList<IChannel> Find(ActorSystem system)
    {
        if (((ExtendedActorSystem)system).Provider is not RemoteActorRefProvider { Transport: { } remoting }) return [];
        if (remoting.GetType().GetField("_transportMapping", Fields)?.GetValue(remoting) is not System.Collections.IDictionary mapping) return [];
        var found = new List<IChannel>();
        foreach (var pairs in mapping.Values)
        {
            if (pairs is not System.Collections.IEnumerable each) continue;
            foreach (var pair in each)
            {
                var transport = pair?.GetType().GetProperty("ProtocolTransport", Fields)?.GetValue(pair);
                for (var depth = 0; transport is not null && depth < 8; depth++)
                {
                    if (FieldOf(transport, "ServerChannel") is IChannel channel)
                    {
                        found.Add(channel);
                        break;
                    }
                    transport = FieldOf(transport, "WrappedTransport");
                }
            }
        }
        return found;
    }

    private static object? FieldOf(object target, string name)
    {
        for (var type = target.GetType(); type is not null; type = type.BaseType)
            if (type.GetField(name, Fields | BindingFlags.DeclaredOnly) is { } field) return field.GetValue(target);
        return null;
    }
}
