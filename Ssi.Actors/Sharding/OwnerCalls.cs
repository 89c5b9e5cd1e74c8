// Asking a sharded entity across a crash of the node that hosts it.
using Akka.Actor;

namespace Ssi.Actors.Sharding;

/// <summary>
/// Calls to entities' owners, with the attempt and deadline of <see cref="ShardingSettings"/>: an attempt is longer
/// than a healthy call takes and shorter than crash detection plus re-homing, so a message that died with its owner's
/// node is sent again once the shard has a new home.
/// </summary>
public sealed class OwnerCalls(ShardingSettings settings)
{
    /// <summary>
    /// Asks an entity through its shard region. A message that is harmless to repeat is sent again when an attempt
    /// gets no answer, until the deadline; any other is sent once. Throws <see cref="AskTimeoutException"/> when no
    /// answer came in time: the caller cannot tell whether a once-only message took effect.
    /// </summary>
    public async Task<object> AskAsync(IActorRef region, object message, bool repeatable)
    {
        var until = DateTime.UtcNow + settings.CallDeadline;
        while (true)
        {
            var remaining = until - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero) throw new AskTimeoutException($"no answer to {message.GetType().Name} in time");
            try
            {
                return await region.Ask<object>(message, repeatable && remaining > settings.CallAttempt ? settings.CallAttempt : remaining);
            }
            catch (AskTimeoutException) when (repeatable && DateTime.UtcNow < until)
            {
                // the owner may have died with the message: send it again, to the shard's new home if it has one
            }
        }
    }
}
