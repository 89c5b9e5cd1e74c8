// Settings of the process layer, read once from ssi.vproc.
using Akka.Configuration;

namespace Ssi.Vproc.ProcessTable;

public sealed record VprocSettings(int ShardsPerNode, TimeSpan CallTimeout, TimeSpan ExitNoticeRetry, int StepsPerTurn, TimeSpan Quantum,
    int ProgramNice, LoadLevelingSettings LoadLeveling)
{
    public static VprocSettings Create(Config config)
    {
        var c = config.GetConfig("ssi.vproc") ?? throw new ConfigurationException("ssi.vproc is missing (reference.conf not loaded?)");
        return new VprocSettings(
            c.GetInt("shards-per-node"),
            c.GetTimeSpan("call-timeout"),
            c.GetTimeSpan("exit-notice-retry"),
            c.GetInt("steps-per-turn"),
            c.GetTimeSpan("quantum"),
            c.GetInt("program-nice"),
            LoadLevelingSettings.Create(c.GetConfig("load-leveling")));
    }
}

/// <param name="Enabled">Whether a node sheds and takes processes when it starts (<c>ssi loadlevel</c> changes it).</param>
/// <param name="Interval">How often each node samples its load, tells the others and decides.</param>
/// <param name="Imbalance">The least difference in runnable processes between two nodes that moves one.</param>
/// <param name="Settle">How long a process that has just moved is left where it is.</param>
/// <param name="MaxMovesPerRound">The most processes one node sends away in one round.</param>
public sealed record LoadLevelingSettings(bool Enabled, TimeSpan Interval, int Imbalance, TimeSpan Settle, int MaxMovesPerRound)
{
    public static LoadLevelingSettings Create(Config c) => new(
        c.GetBoolean("enabled"),
        c.GetTimeSpan("interval"),
        Math.Max(2, c.GetInt("imbalance")),
        c.GetTimeSpan("settle"),
        Math.Max(1, c.GetInt("max-moves-per-round")));
}
