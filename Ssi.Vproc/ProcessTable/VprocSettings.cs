// Settings of the process layer, read once from ssi.vproc.
using Akka.Configuration;

namespace Ssi.Vproc.ProcessTable;

public sealed record VprocSettings(int ShardsPerNode, TimeSpan CallTimeout, TimeSpan ExitNoticeRetry, int StepsPerTurn)
{
    public static VprocSettings Create(Config config)
    {
        var c = config.GetConfig("ssi.vproc") ?? throw new ConfigurationException("ssi.vproc is missing (reference.conf not loaded?)");
        return new VprocSettings(
            c.GetInt("shards-per-node"),
            c.GetTimeSpan("call-timeout"),
            c.GetTimeSpan("exit-notice-retry"),
            c.GetInt("steps-per-turn"));
    }
}
