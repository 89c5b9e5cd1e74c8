// One local cluster of three real node processes that the tests of a class share: starting and stopping one costs
// about 9 s, which a test that only runs programs on it need not pay.
namespace Ssi.Tests.Harness;

/// <summary>
/// `ssi start 3` once for a test class (<c>IClassFixture</c>), `ssi stop` after its last test. Tests on it must leave
/// no process running and must not count on a fresh cluster (other tests' files and PIDs are there).
/// </summary>
public sealed class SharedCliCluster : IAsyncLifetime
{
    public SsiCli Cli { get; } = new();

    public async Task InitializeAsync() => (await Cli.RunAsync("start", "3")).Succeeded();

    public async Task DisposeAsync()
    {
        try
        {
            (await Cli.RunAsync("stop")).Succeeded();
        }
        finally
        {
            Cli.Dispose();
        }
    }
}
