// Settings of the process layer, read once from ssi.vproc; nothing else reads those keys.
using Akka.Configuration;

namespace Ssi.Vproc.ProcessTable;

/// <param name="ShardsPerNode">Shards of the process region per node number.</param>
/// <param name="CallTimeout">How long a system call (or a node's service) waits for another actor before ETIMEDOUT.</param>
/// <param name="ExitNoticeRetry">How often an exited (or relocated) process repeats its notice until it is noted.</param>
/// <param name="StepsPerTurn">System calls a program makes in one turn of its actor.</param>
/// <param name="Quantum">The longest a program runs in one turn of its actor.</param>
/// <param name="ProgramNice">The Linux nice value of the program threads (0: the node's).</param>
/// <param name="ArrivalTimeout">How long a departing process waits for its target to take it before it stays (ETIMEDOUT).</param>
/// <param name="CpuPublishStep">CPU time a running process uses between two reports of it to its node's index.</param>
/// <param name="SpawnRetryBackoff">The wait between attempts to create a process whose shard is not home yet.</param>
/// <param name="ListPageSize">The most processes one page of a node's listing carries.</param>
/// <param name="RebalanceInterval">How often the process region's coordinator moves shards back to their home node.</param>
/// <param name="RebalanceBatch">The most shards it moves home in one round.</param>
/// <param name="SessionLostConfirm">The wait before a session's process that answered ESRCH after a node loss is asked again.</param>
public sealed record VprocSettings(int ShardsPerNode, TimeSpan CallTimeout, TimeSpan ExitNoticeRetry, int StepsPerTurn, TimeSpan Quantum,
    int ProgramNice, LoadLevelingSettings LoadLeveling, TimeSpan ArrivalTimeout, TimeSpan CpuPublishStep, TimeSpan SpawnRetryBackoff,
    int ListPageSize, TimeSpan RebalanceInterval, int RebalanceBatch, TimeSpan SessionLostConfirm)
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
            LoadLevelingSettings.Create(c.GetConfig("load-leveling")),
            c.GetTimeSpan("arrival-timeout"),
            c.GetTimeSpan("cpu-publish-step"),
            c.GetTimeSpan("spawn-retry-backoff"),
            Math.Max(1, c.GetInt("list-page-size")),
            c.GetTimeSpan("rebalance-interval"),
            Math.Max(1, c.GetInt("rebalance-batch")),
            c.GetTimeSpan("session-lost-confirm"));
    }
}

/// <param name="Enabled">Whether a node sheds and takes processes when it starts (<c>ssi loadlevel</c> changes it).</param>
/// <param name="Interval">How often each node samples its load, tells the others and decides.</param>
/// <param name="Imbalance">The least difference in runnable processes between two nodes that moves one.</param>
/// <param name="Settle">How long a process that has just moved is left where it is.</param>
/// <param name="MaxMovesPerRound">The most processes one node sends away in one round.</param>
/// <param name="LoadTimeConstant">How fast the reported load follows the runnable count (as Unix's load average does).</param>
public sealed record LoadLevelingSettings(bool Enabled, TimeSpan Interval, int Imbalance, TimeSpan Settle, int MaxMovesPerRound,
    TimeSpan LoadTimeConstant)
{
    public static LoadLevelingSettings Create(Config c) => new(
        c.GetBoolean("enabled"),
        c.GetTimeSpan("interval"),
        Math.Max(2, c.GetInt("imbalance")),
        c.GetTimeSpan("settle"),
        Math.Max(1, c.GetInt("max-moves-per-round")),
        c.GetTimeSpan("load-time-constant"));
}
