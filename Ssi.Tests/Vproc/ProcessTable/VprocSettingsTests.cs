// Settings of the process layer (ssi.vproc): the embedded defaults of every tunable, and that an override takes effect.
using Akka.Configuration;
using Ssi.Actors.Configuration;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Tests.Vproc.ProcessTable;

public class VprocSettingsTests
{
    private static VprocSettings Settings(string hocon) =>
        VprocSettings.Create(ConfigurationFactory.ParseString(hocon).WithFallback(SsiConfig.FromAssembly(typeof(VprocSettings).Assembly)));

    [Fact]
    public void The_embedded_defaults_hold_the_timeouts_and_steps_the_process_layer_was_built_with()
    {
        var s = Settings("");
        Assert.Equal((10, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), 1000, TimeSpan.FromMilliseconds(2), 10),
            (s.ShardsPerNode, s.CallTimeout, s.ExitNoticeRetry, s.StepsPerTurn, s.Quantum, s.ProgramNice));
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(250), 2000, TimeSpan.FromSeconds(2), 10),
            (s.ArrivalTimeout, s.CpuPublishStep, s.SpawnRetryBackoff, s.ListPageSize, s.RebalanceInterval, s.RebalanceBatch));
        Assert.Equal(new LoadLevelingSettings(false, TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(10), 16, TimeSpan.FromSeconds(5)), s.LoadLeveling);
    }

    [Fact]
    public void Overrides_take_effect()
    {
        var s = Settings("""
            ssi.vproc { arrival-timeout = 3s, cpu-publish-step = 20ms, spawn-retry-backoff = 1s, list-page-size = 50 }
            ssi.vproc { rebalance-interval = 500ms, rebalance-batch = 4, load-leveling.load-time-constant = 30s }
            """);
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(1), 50, TimeSpan.FromMilliseconds(500), 4),
            (s.ArrivalTimeout, s.CpuPublishStep, s.SpawnRetryBackoff, s.ListPageSize, s.RebalanceInterval, s.RebalanceBatch));
        Assert.Equal(TimeSpan.FromSeconds(30), s.LoadLeveling.LoadTimeConstant);
    }

    [Fact]
    public void Counts_below_their_floor_are_raised_to_it()
    {
        var s = Settings("ssi.vproc { list-page-size = 0, rebalance-batch = 0, load-leveling { imbalance = 1, max-moves-per-round = 0 } }");
        Assert.Equal((1, 1, 2, 1), (s.ListPageSize, s.RebalanceBatch, s.LoadLeveling.Imbalance, s.LoadLeveling.MaxMovesPerRound));
    }
}
