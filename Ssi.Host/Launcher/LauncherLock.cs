// One launcher at a time per $SSI_HOME: start, add, rm and stop hold an exclusive lock on run/launcher.lock.
using Ssi.Actors.Configuration;
using Ssi.Actors.Errors;

namespace Ssi.Host.Launcher;

public static class LauncherLock
{
    public static async Task<IDisposable> AcquireAsync(SsiHome home, CancellationToken ct, TimeSpan? wait = null)
    {
        home.EnsureCreated();
        var deadline = DateTime.UtcNow + (wait ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                // FileShare.None takes an advisory flock on Unix, released when the process dies.
                return new FileStream(home.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct);
            }
            catch (IOException)
            {
                throw new LauncherException(Errno.EBUSY, $"another ssi launcher is working on {home.Root}");
            }
        }
    }
}
