// Typed view of the ssi.gateway keys: how long a node's gateways wait for the member side; nothing else reads them.
using Akka.Configuration;

namespace Ssi.Host.Node;

/// <param name="ReplyTimeout">How long the client gateway waits for the member side to answer one request (then ETIMEDOUT).</param>
/// <param name="StatusTimeout">How long the member gateway waits for the node monitor's table (ssi cluster).</param>
public sealed record GatewaySettings(TimeSpan ReplyTimeout, TimeSpan StatusTimeout)
{
    public static GatewaySettings Create(Config config)
    {
        var c = config.GetConfig("ssi.gateway") ?? throw new ConfigurationException("ssi.gateway is missing (reference.conf not loaded?)");
        return new GatewaySettings(c.GetTimeSpan("reply-timeout"), c.GetTimeSpan("status-timeout"));
    }
}
