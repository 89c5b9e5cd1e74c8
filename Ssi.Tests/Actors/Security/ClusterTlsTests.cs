// Pure tests of the cluster's certificates: created once, private keys owner-only, loadable per role.
using Ssi.Actors.Security;
using Ssi.Tests.Harness;

namespace Ssi.Tests.Actors.Security;

public class ClusterTlsTests
{
    [Fact]
    public void Certificates_are_created_once_with_owner_only_private_keys()
    {
        using var home = new TempHome();
        var dir = home.Home.TlsDir;

        ClusterTls.CreateIfMissing(dir, "ssi");
        var first = File.ReadAllBytes(ClusterTls.CaFile(dir));
        ClusterTls.CreateIfMissing(dir, "ssi");

        Assert.Equal(first, File.ReadAllBytes(ClusterTls.CaFile(dir)));
        foreach (var file in new[] { ClusterTls.CaKeyFile(dir), ClusterTls.IdentityFile(dir, TlsRole.Member), ClusterTls.IdentityFile(dir, TlsRole.Client) })
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public void Each_role_loads_its_own_identity_signed_by_the_cluster_CA()
    {
        using var home = new TempHome();
        ClusterTls.CreateIfMissing(home.Home.TlsDir, "ssi");

        var member = ClusterTls.Load(home.Home.TlsDir, TlsRole.Member);
        var client = ClusterTls.Load(home.Home.TlsDir, TlsRole.Client);

        Assert.Contains("OU=member", member.Identity.Subject);
        Assert.Contains("OU=client", client.Identity.Subject);
        Assert.True(member.Identity.HasPrivateKey);
        Assert.False(member.Ca.HasPrivateKey);
        Assert.Equal(member.Ca.Subject, member.Identity.Issuer);
    }

    [Fact]
    public void Missing_certificates_are_reported_as_unavailable()
    {
        using var home = new TempHome();
        var error = Assert.Throws<SecretUnavailableException>(() => ClusterTls.Load(home.Home.TlsDir, TlsRole.Client));
        Assert.Contains("no TLS client certificate", error.Message);
    }
}
