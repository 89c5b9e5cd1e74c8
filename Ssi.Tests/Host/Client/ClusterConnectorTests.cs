// The one place a client connects, before any actor system starts: no cluster here, and no credential, are clear refusals.
using Akka.Configuration;
using Ssi.Actors.Configuration;
using Ssi.Actors.Errors;
using Ssi.Host.Cli;
using Ssi.Host.Client;

namespace Ssi.Tests.Host.Client;

public sealed class ClusterConnectorTests : IDisposable
{
    private readonly SsiHome _home = new(Directory.CreateTempSubdirectory("ssi-connector-").FullName);

    [Fact]
    public void A_cluster_of_this_home_with_no_live_node_is_ECONNREFUSED_and_says_how_to_start_one()
    {
        var error = Assert.Throws<ClientException>(() => ClusterConnector.Connect(_home, Config.Empty, new LocalGateways("127.0.0.1", [])));

        Assert.Equal(Errno.ECONNREFUSED, error.Errno);
        Assert.Equal($"ssi: cluster: no cluster is running in {_home.Root}; start one with 'ssi start' (ECONNREFUSED)", CliErrors.Line("cluster", error));
        Assert.Equal(ExitCodes.Failure, CliErrors.ExitCode(error));
    }

    [Fact]
    public void A_live_cluster_without_a_credential_file_is_EACCES_exit_77()
    {
        if (Environment.GetEnvironmentVariable(CredentialFile.EnvironmentVariable) is { Length: > 0 }) return; // another file is chosen then

        var error = Assert.Throws<ClientException>(() =>
            ClusterConnector.Connect(_home, Config.Empty, new LocalGateways("127.0.0.1", ["akka.tcp://ssi-gateway@127.0.0.1:1"])));

        Assert.Equal(Errno.EACCES, error.Errno);
        Assert.StartsWith("no credential at ", error.Message);
        Assert.Equal(ExitCodes.PermissionDenied, CliErrors.ExitCode(error));
    }

    public void Dispose() => Directory.Delete(_home.Root, recursive: true);
}
