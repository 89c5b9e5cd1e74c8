// One launcher at a time per $SSI_HOME: start, add, rm and stop hold an exclusive lock on run/launcher.lock.
using Ssi.Actors.Configuration;
using Ssi.Actors.Errors;

namespace Ssi.Host.Launcher;

public static class LauncherLock
{
    // Not a tunable: how finely the wait notices the lock was released, far below any lock-wait.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <param name="wait">How long to wait for another launcher to finish (ssi.launcher.lock-wait).</param>
    public static async Task<IDisposable> AcquireAsync(SsiHome home, TimeSpan wait, CancellationToken ct)
    {
        home.EnsureCreated();
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                // FileShare.None takes an advisory flock on Unix, released when the process dies.
                return new FileStream(home.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(PollInterval, ct);
            }
            catch (IOException)
            {
                throw new LauncherException(Errno.EBUSY, $"another ssi launcher is working on {home.Root}");
            }
        }
    }
}
