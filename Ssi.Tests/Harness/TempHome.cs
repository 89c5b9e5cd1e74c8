// A temporary $SSI_HOME with a cluster secret, deleted on dispose.
using Ssi.Actors.Configuration;
using Ssi.Actors.Security;

namespace Ssi.Tests.Harness;

public sealed class TempHome : IDisposable
{
    public TempHome()
    {
        Home = new SsiHome(Path.Combine(Path.GetTempPath(), "ssi-test-" + Guid.NewGuid().ToString("N")[..10]));
        Home.EnsureCreated();
    }

    public SsiHome Home { get; }

    public ClusterSecret CreateSecret() => ClusterSecret.CreateOrLoad(Home.SecretFile);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Home.Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // already gone
        }
    }
}
