// OpenSSI's node states, and how an Akka member status maps onto them.
namespace Ssi.Actors.Membership;

/// <summary>
/// The life of one node incarnation as every member sees it:
/// <code>
///   NEVERUP --join--> COMINGUP --up--> UP --leave--> GOINGDOWN --exit/removed--> DOWN
///                        |              |                                        ^
///                        +--------------+------- downed (SBR) / removed ---------+
///   DOWN --new incarnation joins--> COMINGUP
/// </code>
/// Unreachability is not a state: an unreachable node stays UP (flagged) until the Split Brain Resolver downs it.
/// </summary>
public enum NodeState
{
    NEVERUP,
    COMINGUP,
    UP,
    GOINGDOWN,
    DOWN,
}
