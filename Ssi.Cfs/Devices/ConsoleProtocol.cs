// Messages of the nodes' consoles: finding one, and a client attaching to one (ssi console N).
using Akka.Actor;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;

namespace Ssi.Cfs.Devices;

/// <summary>
/// To a node's process service: the console of node <see cref="Node"/> (null: this node's, as /dev/console names it).
/// The reply is <see cref="ConsoleFound"/>, or ENXIO when no such node is up.
/// </summary>
public sealed record ConsoleOf(NodeNumber? Node) : ISsiMessage;

public sealed record ConsoleFound(NodeNumber Node, IActorRef Console) : ISsiMessage;

/// <summary>To a console, from the actor that stands for a client (<c>ssi console N</c>): become its client.
/// The reply is <see cref="ConsoleAttached"/>, or EBUSY while another client is attached.</summary>
public sealed record ConsoleAttach : ISsiMessage
{
    public static readonly ConsoleAttach Instance = new();
}

public sealed record ConsoleAttached(NodeNumber Node) : ISsiMessage;

/// <summary>To a node's process service: the nodes that are up, each with a console (what /devfs lists).</summary>
public sealed record ListConsoles : ISsiMessage
{
    public static readonly ListConsoles Instance = new();
}

public sealed record ConsoleNodes(NodeNumber[] Nodes) : ISsiMessage;
