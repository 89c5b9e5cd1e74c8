// Asking a sharded entity across a crash of the node that hosts it.
using Akka.Actor;

namespace Ssi.Actors.Sharding;

public static class OwnerCalls
{
    /// <summary>
    /// Longer than a healthy call takes, shorter than crash detection plus re-homing (about 4 s here), so a message
    /// that died with its owner's node is sent again once the shard has a new home.
    /// </summary>
    public static readonly TimeSpan Attempt = TimeSpan.FromSeconds(4);

    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(25);

    /// <summary>
    /// Asks an entity through its shard region. A message that is harmless to repeat is sent again when an attempt
    /// gets no answer, until the deadline; any other is sent once. Throws <see cref="AskTimeoutException"/> when no
    /// answer came in time: the caller cannot tell whether a once-only message took effect.
    /// </summary>
    public static async Task<object> AskAsync(IActorRef region, object message, bool repeatable, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? Deadline);
        while (true)
        {
            var remaining = until - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero) throw new AskTimeoutException($"no answer to {message.GetType().Name} in time");
            try
            {
                return await region.Ask<object>(message, repeatable && remaining > Attempt ? Attempt : remaining);
            }
            catch (AskTimeoutException) when (repeatable && DateTime.UtcNow < until)
            {
                // the owner may have died with the message: send it again, to the shard's new home if it has one
            }
        }
    }
}
