// Typed view of the ssi.launcher keys (ssi start, add, rm, stop); nothing else reads them.
using Akka.Configuration;

namespace Ssi.Host.Launcher;

/// <param name="StartTimeout">How long start and add wait for every new node to be UP.</param>
/// <param name="BootWave">Nodes booted at once; later waves wait until the earlier ones are UP.</param>
/// <param name="StopTimeout">How long stop waits for one node to leave before it kills it.</param>
/// <param name="KillWait">How long rm and stop wait for a node they killed to be gone.</param>
/// <param name="LockWait">How long a launcher command waits for another one on the same $SSI_HOME.</param>
public sealed record LauncherSettings(TimeSpan StartTimeout, int BootWave, TimeSpan StopTimeout, TimeSpan KillWait, TimeSpan LockWait)
{
    public static LauncherSettings Create(Config config)
    {
        var c = config.GetConfig("ssi.launcher") ?? throw new ConfigurationException("ssi.launcher is missing (reference.conf not loaded?)");
        return new LauncherSettings(
            c.GetTimeSpan("start-timeout"),
            Math.Max(1, c.GetInt("boot-wave")),
            c.GetTimeSpan("stop-timeout"),
            c.GetTimeSpan("kill-wait"),
            c.GetTimeSpan("lock-wait"));
    }
}
