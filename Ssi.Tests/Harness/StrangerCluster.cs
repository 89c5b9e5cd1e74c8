// Another cluster's secret and certificates, for tests of what our cluster refuses.
using Ssi.Actors.Security;
using Ssi.Host.Client;
using Ssi.Host.Node;

namespace Ssi.Tests.Harness;

public sealed class StrangerCluster : IDisposable
{
    private readonly TempHome _home = new();

    public StrangerCluster()
    {
        Secret = _home.CreateSecret();
        ClusterTls.CreateIfMissing(_home.Home.TlsDir, "stranger", Secret);
        Tls = new TlsSettings(true, _home.Home.TlsDir);
    }

    public ClusterSecret Secret { get; }
    public TlsSettings Tls { get; }
    public string SecretFile => _home.Home.SecretFile;

    /// <summary>A credential this stranger issued: its CA, its client certificate, its signature.</summary>
    public CredentialFile Credential(string user = "root", int uid = 0) => CredentialFile.Issue(Secret, Tls, user, uid, uid, [], []);

    public void Dispose() => _home.Dispose();
}
