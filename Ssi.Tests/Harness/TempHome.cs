// A temporary $SSI_HOME with a cluster secret, deleted on dispose.
using Ssi.Actors.Configuration;
using Ssi.Actors.Security;

namespace Ssi.Tests.Harness;

public sealed class TempHome : IDisposable
{
    // A stopped node closes its store and lease connections on the thread pool after its actor system terminated, and
    // SQLite may write its -wal or -shm file while the directory is being removed (seen in CI as "Directory not empty").
    private static readonly TimeSpan DeleteDeadline = TimeSpan.FromSeconds(10);

    public TempHome()
    {
        Home = new SsiHome(Path.Combine(Path.GetTempPath(), "ssi-test-" + Guid.NewGuid().ToString("N")[..10]));
        Home.EnsureCreated();
    }

    public SsiHome Home { get; }

    public ClusterSecret CreateSecret() => ClusterSecret.CreateOrLoad(Home.SecretFile);

    public void Dispose()
    {
        var deadline = DateTime.UtcNow + DeleteDeadline;
        while (true)
        {
            try
            {
                Directory.Delete(Home.Root, recursive: true);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return; // already gone
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // A file appeared after the listing: list and delete again once the closing connections are done.
                Task.Delay(50).Wait();
            }
        }
    }
}
