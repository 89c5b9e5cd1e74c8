// Pure tests of the cluster's certificates: created once, keys locked by the secret, roles apart, members bound to the secret.
using System.Security.Cryptography.X509Certificates;
using Ssi.Actors.Security;
using Ssi.Tests.Harness;

namespace Ssi.Tests.Actors.Security;

public class ClusterTlsTests
{
    [Fact]
    public void Certificates_are_created_once_with_owner_only_private_keys()
    {
        using var home = new TempHome();
        var secret = home.CreateSecret();
        var dir = home.Home.TlsDir;

        ClusterTls.CreateIfMissing(dir, "ssi", secret);
        var first = File.ReadAllBytes(ClusterTls.CaFile(dir));
        ClusterTls.CreateIfMissing(dir, "ssi", secret);

        Assert.Equal(first, File.ReadAllBytes(ClusterTls.CaFile(dir)));
        foreach (var file in new[] { ClusterTls.CaKeyFile(dir), ClusterTls.MemberFile(dir) })
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public void The_member_identity_is_signed_by_the_cluster_CA_and_carries_its_key()
    {
        using var home = new TempHome();
        var secret = home.CreateSecret();
        ClusterTls.CreateIfMissing(home.Home.TlsDir, "ssi", secret);

        var member = ClusterTls.ForMember(home.Home.TlsDir, secret);

        Assert.Contains("OU=member", member.Identity.Subject);
        Assert.True(member.Identity.HasPrivateKey);
        Assert.False(member.Ca.HasPrivateKey);
        Assert.Equal(member.Ca.Subject, member.Identity.Issuer);
    }

    [Fact]
    public void The_member_key_and_the_CA_key_cannot_be_used_without_the_secret()
    {
        using var home = new TempHome();
        var secret = home.CreateSecret();
        ClusterTls.CreateIfMissing(home.Home.TlsDir, "ssi", secret);
        var other = ClusterSecret.FromBytes(new byte[32]);

        // A copy of tls/ alone: no password opens the keys, and the secret of another cluster does not either.
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() =>
            X509CertificateLoader.LoadPkcs12FromFile(ClusterTls.MemberFile(home.Home.TlsDir), null));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() =>
            X509CertificateLoader.LoadPkcs12FromFile(ClusterTls.CaKeyFile(home.Home.TlsDir), null));
        var error = Assert.Throws<SecretUnavailableException>(() => ClusterTls.ForMember(home.Home.TlsDir, other));
        Assert.Contains("does not belong to this cluster's secret", error.Message);
        Assert.Throws<SecretUnavailableException>(() => ClusterTls.IssueClient(home.Home.TlsDir, other, "mallory"));
    }

    [Fact]
    public void A_member_issued_for_another_host_is_its_own_accepted_by_the_nodes_and_carries_no_CA_key()
    {
        using var home = new TempHome();
        var secret = home.CreateSecret();
        ClusterTls.CreateIfMissing(home.Home.TlsDir, "ssi", secret);
        using var host = new TempHome();
        var hostTls = Path.Combine(host.Home.Root, "tls");

        using var issued = ClusterTls.IssueMember(home.Home.TlsDir, secret, "db2", hostTls);

        var there = ClusterTls.ForMember(hostTls, secret);
        var here = ClusterTls.ForMember(home.Home.TlsDir, secret);
        Assert.Contains("CN=ssi node db2", there.Identity.Subject);
        Assert.NotEqual(here.Identity.Thumbprint, there.Identity.Thumbprint);
        Assert.True(here.Accepts(there.Identity, out var why), why);
        Assert.True(there.Accepts(here.Identity, out why), why);
        Assert.False(File.Exists(ClusterTls.CaKeyFile(hostTls)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ClusterTls.MemberFile(hostTls)));
        // Without the secret nothing is issued, and a member issued under another cluster's secret is refused here.
        Assert.Throws<SecretUnavailableException>(() => ClusterTls.IssueMember(home.Home.TlsDir, ClusterSecret.FromBytes(new byte[32]), "mallory", Path.Combine(host.Home.Root, "x")));
        using var stranger = new StrangerCluster();
        var strangerMember = ClusterTls.ForMember(stranger.Tls.Dir, stranger.Secret);
        Assert.False(here.Accepts(strangerMember.Identity, out _));
    }

    [Fact]
    public void A_client_certificate_names_its_user_and_the_client_role()
    {
        using var home = new TempHome();
        var secret = home.CreateSecret();
        ClusterTls.CreateIfMissing(home.Home.TlsDir, "ssi", secret);

        using var ann = ClusterTls.IssueClient(home.Home.TlsDir, secret, "ann");

        Assert.Contains("CN=ann", ann.Subject);
        Assert.Contains("OU=client", ann.Subject);
        Assert.True(ann.HasPrivateKey);
    }

    [Fact]
    public void Certificates_of_the_older_unlocked_format_are_replaced()
    {
        using var home = new TempHome();
        var secret = home.CreateSecret();
        var dir = home.Home.TlsDir;
        Directory.CreateDirectory(dir);
        File.WriteAllText(ClusterTls.CaFile(dir), "old");
        File.WriteAllText(ClusterTls.MemberFile(dir), "old");
        File.WriteAllText(Path.Combine(dir, "client.pfx"), "old");

        ClusterTls.CreateIfMissing(dir, "ssi", secret);

        Assert.False(File.Exists(Path.Combine(dir, "client.pfx")));
        Assert.Contains("OU=member", ClusterTls.ForMember(dir, secret).Identity.Subject);
    }

    [Fact]
    public void Missing_certificates_are_reported_as_unavailable()
    {
        using var home = new TempHome();
        var error = Assert.Throws<SecretUnavailableException>(() => ClusterTls.ForMember(home.Home.TlsDir, home.CreateSecret()));
        Assert.Contains("no cluster CA certificate", error.Message);
    }

    [Fact]
    public void A_handshake_that_ends_with_the_peers_TLS_alert_is_a_refusal_and_a_hang_up_is_not()
    {
        var alert = new System.Security.Authentication.AuthenticationException(
            "Authentication failed because the remote party sent a TLS alert: 'UnknownCA'.", new IOException("ssl error"));
        var hangUp = new System.Security.Authentication.AuthenticationException(
            "Authentication failed because the remote party has closed the transport stream.");

        Assert.True(HandshakeFailureWatch.IsRefusalByPeer(new AggregateException(alert)));
        Assert.False(HandshakeFailureWatch.IsRefusalByPeer(hangUp));
        Assert.False(HandshakeFailureWatch.IsRefusalByPeer(new IOException("Connection reset by peer")));
        Assert.False(HandshakeFailureWatch.IsRefusalByPeer(null));
    }
}
