// Mutual TLS for Akka.Remote with the cluster's own CA: members and clients each present a certificate it signed.
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace Ssi.Actors.Security;

public enum TlsRole
{
    Member,
    Client,
}

/// <summary>
/// One party's TLS identity and what it trusts. `ssi start` creates a CA per cluster under $SSI_HOME/tls (private keys
/// mode 0600) and issues one member and one client certificate; the role travels in the certificate's OU.
/// Members accept members and clients (clients must reach the receptionist); a client accepts only members.
/// The OS trust store is never consulted: a peer is trusted only if its chain ends at exactly this cluster's CA.
/// </summary>
public sealed class ClusterTls
{
    private const string MemberOu = "member";
    private const string ClientOu = "client";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private ClusterTls(X509Certificate2 ca, X509Certificate2 identity, TlsRole role)
    {
        Ca = ca;
        Identity = identity;
        Role = role;
    }

    public X509Certificate2 Ca { get; }
    public X509Certificate2 Identity { get; }
    public TlsRole Role { get; }

    /// <summary>
    /// Why this party's validator last refused a peer, or null. Akka.Remote stops the whole actor system when an
    /// outbound handshake fails for any reason (a peer killed mid-handshake too); this tells a refusal of ours apart.
    /// </summary>
    public string? LastRefusal { get; private set; }

    public static string CaFile(string dir) => Path.Combine(dir, "ca.crt");
    public static string CaKeyFile(string dir) => Path.Combine(dir, "ca.pfx");
    public static string IdentityFile(string dir, TlsRole role) => Path.Combine(dir, role == TlsRole.Member ? "member.pfx" : "client.pfx");

    /// <summary>Creates the cluster's CA and its member and client certificates in <paramref name="dir"/>, unless they exist.</summary>
    public static void CreateIfMissing(string dir, string clusterName)
    {
        if (File.Exists(CaFile(dir)) && File.Exists(IdentityFile(dir, TlsRole.Member)) && File.Exists(IdentityFile(dir, TlsRole.Client))) return;
        Directory.CreateDirectory(dir);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, OwnerOnly | UnixFileMode.UserExecute);
        var id = clusterName + "-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        using var ca = CreateCa(id);
        using var member = CreateLeaf(ca, id, "ssi node", MemberOu);
        using var client = CreateLeaf(ca, id, "ssi client", ClientOu);
        WriteOwnerOnly(CaKeyFile(dir), ca.Export(X509ContentType.Pkcs12));
        WriteOwnerOnly(IdentityFile(dir, TlsRole.Member), member.Export(X509ContentType.Pkcs12));
        WriteOwnerOnly(IdentityFile(dir, TlsRole.Client), client.Export(X509ContentType.Pkcs12));
        File.WriteAllText(CaFile(dir), ca.ExportCertificatePem() + "\n"); // public: it only says whom to trust
    }

    /// <summary>Loads the identity of one role and the CA it trusts; SecretUnavailableException if they are missing.</summary>
    public static ClusterTls Load(string dir, TlsRole role)
    {
        var identityFile = IdentityFile(dir, role);
        if (!File.Exists(CaFile(dir)) || !File.Exists(identityFile))
            throw new SecretUnavailableException($"no TLS {role.ToString().ToLowerInvariant()} certificate in {dir}");
        var ca = X509CertificateLoader.LoadCertificateFromFile(CaFile(dir));
        var identity = X509CertificateLoader.LoadPkcs12FromFile(identityFile, null, X509KeyStorageFlags.Exportable);
        return new ClusterTls(ca, identity, role);
    }



    /// <summary>The setup Akka.Remote's DotNetty transport takes; it also needs enable-ssl = on in HOCON.</summary>
    public DotNettySslSetup Setup() =>
        new(Identity, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false,
            customValidator: Role == TlsRole.Member ? Validator(MemberOu, ClientOu) : Validator(MemberOu));

    // The callback replaces the built-in checks: its SslPolicyErrors always report a private CA as untrusted.
    private CertificateValidationCallback Validator(params string[] acceptedRoles) => (cert, _, peer, _, log) =>
    {
        if (cert is null) return Refuse(log, $"{peer} presented no certificate");
        if (!ChainsToCa(cert, out var why)) return Refuse(log, $"{peer} presented {cert.Subject}: {why}");
        if (acceptedRoles.Contains(OrganizationalUnit(cert))) return true;
        return Refuse(log, $"{peer} presented {cert.Subject}: wrong role");
    };

    private bool Refuse(ILoggingAdapter log, string reason)
    {
        LastRefusal = reason;
        log.Warning("TLS: refused {0}", reason);
        return false;
    }

    /// <summary>True if the actor system stopped because an outbound TLS handshake failed (whatever the cause).</summary>
    public static bool StoppedByHandshakeFailure(Akka.Actor.ActorSystem system) =>
        Akka.Actor.CoordinatedShutdown.Get(system).ShutdownReason?.GetType().Name == "TlsHandshakeFailureReason";

    private bool ChainsToCa(X509Certificate2 cert, out string why)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!chain.Build(cert))
        {
            why = string.Join("; ", chain.ChainStatus.Select(s => s.Status.ToString()));
            return false;
        }
        why = "its root is not this cluster's CA";
        return chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(Ca.RawData);
    }

    private static string? OrganizationalUnit(X509Certificate2 cert)
    {
        foreach (var rdn in cert.SubjectName.EnumerateRelativeDistinguishedNames())
            if (rdn.GetSingleElementType().Value == "2.5.4.11") return rdn.GetSingleElementValue();
        return null;
    }

    private static X509Certificate2 CreateCa(string id)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={id} CA, O={id}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(10));
        return Reload(ca);
    }

    // Every Akka node is both a TLS server and a TLS client, so each leaf carries both extended key usages.
    private static X509Certificate2 CreateLeaf(X509Certificate2 ca, string id, string name, string role)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}, OU={role}, O={id}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), ca.NotAfter.AddDays(-1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    // A PKCS#12 round trip gives a certificate whose private key SslStream can use.
    private static X509Certificate2 Reload(X509Certificate2 cert) =>
        X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);

    private static void WriteOwnerOnly(string path, byte[] bytes)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        using var stream = new FileStream(path, options);
        stream.Write(bytes);
    }
}
