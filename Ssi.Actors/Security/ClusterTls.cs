// Mutual TLS for Akka.Remote with the cluster's own CA: members and clients each present a certificate it signed.
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace Ssi.Actors.Security;

/// <summary>
/// One party's TLS identity and the one role it accepts from peers. `ssi start` creates a CA per cluster under
/// $SSI_HOME/tls and a member certificate; `ssi user add` and `ssi start` issue client certificates inside user
/// credentials. The role travels in the certificate's OU. Who accepts whom:
/// - a member's cluster transport accepts only member certificates, so a client certificate can never join or send a
///   byte to a member actor;
/// - a node's client gateway accepts only client certificates;
/// - a client accepts only member certificates (the gateways present the node's).
/// The private keys of the CA and of the member certificate are encrypted with a password derived from the cluster
/// secret, and a member certificate carries a MAC of its public key under the secret: a copy of tls/ without the
/// secret can neither present nor mint a member. The OS trust store is never consulted.
/// </summary>
public sealed class ClusterTls
{
    private const string MemberOu = "member";
    private const string ClientOu = "client";
    private const string KeyPurpose = "ssi-tls-private-keys-v1";
    private const string BindingPurpose = "ssi-member-binding-v1";
    // A private OID (the 2.25 arc takes a UUID and needs no registration) for the member binding extension.
    private const string BindingOid = "2.25.271436735203394437216128730823618011155";
    private const string FormatVersion = "2";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _acceptedRole;
    private readonly ClusterSecret? _secret;

    private ClusterTls(X509Certificate2 ca, X509Certificate2 identity, string acceptedRole, ClusterSecret? secret)
    {
        Ca = ca;
        Identity = identity;
        _acceptedRole = acceptedRole;
        _secret = secret;
    }

    public X509Certificate2 Ca { get; }
    public X509Certificate2 Identity { get; }

    /// <summary>
    /// Why this party's validator last refused a peer, or null. Akka.Remote stops the whole actor system when an
    /// outbound handshake fails for any reason (a peer killed mid-handshake too); this tells a refusal of ours apart.
    /// </summary>
    public string? LastRefusal { get; private set; }

    public static string CaFile(string dir) => Path.Combine(dir, "ca.crt");
    public static string CaKeyFile(string dir) => Path.Combine(dir, "ca.pfx");
    public static string MemberFile(string dir) => Path.Combine(dir, "member.pfx");
    private static string VersionFile(string dir) => Path.Combine(dir, "format");

    /// <summary>
    /// Creates the cluster's CA and member certificate in <paramref name="dir"/>, unless they exist in this format.
    /// Certificates of an older format (keys not bound to the secret) are replaced.
    /// </summary>
    public static void CreateIfMissing(string dir, string clusterName, ClusterSecret secret)
    {
        if (File.Exists(CaFile(dir)) && File.Exists(CaKeyFile(dir)) && File.Exists(MemberFile(dir))
            && File.Exists(VersionFile(dir)) && File.ReadAllText(VersionFile(dir)).Trim() == FormatVersion) return;
        Directory.CreateDirectory(dir);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, OwnerOnly | UnixFileMode.UserExecute);
        foreach (var stale in Directory.GetFiles(dir)) File.Delete(stale);
        var id = clusterName + "-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        var password = KeyPassword(secret);
        using var ca = CreateCa(id);
        using var member = CreateLeaf(ca, $"CN=ssi node, OU={MemberOu}, O={id}", secret);
        WriteOwnerOnly(CaKeyFile(dir), ca.Export(X509ContentType.Pkcs12, password));
        WriteOwnerOnly(MemberFile(dir), member.Export(X509ContentType.Pkcs12, password));
        File.WriteAllText(CaFile(dir), ca.ExportCertificatePem() + "\n"); // public: it only says whom to trust
        File.WriteAllText(VersionFile(dir), FormatVersion + "\n");
    }

    /// <summary>
    /// Gives another host its own member certificate: signed by the CA of <paramref name="dir"/> (its key needs the
    /// secret), bound to the secret, written with the public CA certificate into <paramref name="toDir"/>. The CA's key
    /// is not copied, so that host can join but cannot mint members or clients.
    /// </summary>
    public static X509Certificate2 IssueMember(string dir, ClusterSecret secret, string hostName, string toDir)
    {
        using var ca = LoadPkcs12(CaKeyFile(dir), KeyPassword(secret), "CA key");
        var name = new X500DistinguishedNameBuilder();
        name.AddOrganizationName(OrganizationOf(ca));
        name.AddOrganizationalUnitName(MemberOu);
        name.AddCommonName("ssi node " + hostName);
        var member = CreateLeaf(ca, name.Build(), secret);
        Directory.CreateDirectory(toDir);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(toDir, OwnerOnly | UnixFileMode.UserExecute);
        WriteOwnerOnly(MemberFile(toDir), member.Export(X509ContentType.Pkcs12, KeyPassword(secret)));
        File.Copy(CaFile(dir), CaFile(toDir), overwrite: true);
        File.WriteAllText(VersionFile(toDir), FormatVersion + "\n");
        return member;
    }

    private static string OrganizationOf(X509Certificate2 ca) => ca.SubjectName.EnumerateRelativeDistinguishedNames()
        .Select(r => (r.GetSingleElementType().Value, r.GetSingleElementValue())).FirstOrDefault(r => r.Value == "2.5.4.10").Item2 ?? "ssi";

    /// <summary>The TLS identity of a node's cluster transport: it presents the member certificate and accepts only members.</summary>
    public static ClusterTls ForMember(string dir, ClusterSecret secret) => new(LoadCa(dir), LoadMember(dir, secret), MemberOu, secret);

    /// <summary>The TLS identity of a node's client gateway: it presents the member certificate and accepts only clients.</summary>
    public static ClusterTls ForGateway(string dir, ClusterSecret secret) => new(LoadCa(dir), LoadMember(dir, secret), ClientOu, null);

    /// <summary>A client's TLS identity (from its credential): it presents its client certificate and accepts only members.</summary>
    public static ClusterTls ForClient(X509Certificate2 ca, X509Certificate2 identity) => new(ca, identity, MemberOu, null);

    /// <summary>A client certificate for <paramref name="user"/>, signed by the cluster's CA (needs the secret to unlock the CA key).</summary>
    public static X509Certificate2 IssueClient(string dir, ClusterSecret secret, string user)
    {
        using var ca = LoadPkcs12(CaKeyFile(dir), KeyPassword(secret), "CA key");
        var name = new X500DistinguishedNameBuilder();
        name.AddOrganizationName(OrganizationOf(ca));
        name.AddOrganizationalUnitName(ClientOu);
        name.AddCommonName(user);
        return CreateLeaf(ca, name.Build().Name, secret: null);
    }

    /// <summary>The CA certificate, public.</summary>
    public static X509Certificate2 LoadCa(string dir)
    {
        if (!File.Exists(CaFile(dir))) throw new SecretUnavailableException($"no cluster CA certificate in {dir}");
        return X509CertificateLoader.LoadCertificateFromFile(CaFile(dir));
    }

    private static X509Certificate2 LoadMember(string dir, ClusterSecret secret) =>
        LoadPkcs12(MemberFile(dir), KeyPassword(secret), "member certificate");

    private static X509Certificate2 LoadPkcs12(string file, string password, string what)
    {
        if (!File.Exists(file)) throw new SecretUnavailableException($"no {what} at {file}");
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(file, password, X509KeyStorageFlags.Exportable);
        }
        catch (CryptographicException)
        {
            throw new SecretUnavailableException($"cannot unlock the {what} at {file}: it does not belong to this cluster's secret");
        }
    }

    private static string KeyPassword(ClusterSecret secret) => Convert.ToBase64String(secret.Derive(KeyPurpose));

    /// <summary>The setup Akka.Remote's DotNetty transport takes; it also needs enable-ssl = on in HOCON.</summary>
    public DotNettySslSetup Setup() =>
        new(Identity, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false,
            customValidator: Validator);

    // The callback replaces the built-in checks: its SslPolicyErrors always report a private CA as untrusted.
    private bool Validator(X509Certificate2? cert, X509Chain? chain, string peer, System.Net.Security.SslPolicyErrors errors, ILoggingAdapter log) =>
        Accepts(cert, out var why) || Refuse(log, $"{peer} {why}");

    /// <summary>True if this party accepts <paramref name="cert"/> from a peer; otherwise why not.</summary>
    public bool Accepts(X509Certificate? presented, out string why)
    {
        if (presented is not X509Certificate2 cert)
        {
            why = "presented no certificate";
            return false;
        }
        if (!ChainsToCa(cert, out var chainError))
        {
            why = $"presented {cert.Subject}: {chainError}";
            return false;
        }
        var role = OrganizationalUnit(cert);
        if (role != _acceptedRole)
        {
            why = $"presented {cert.Subject}: a {role ?? "role-less"} certificate where only {_acceptedRole} certificates are accepted";
            return false;
        }
        if (_secret is not null && !IsBoundToSecret(cert, _secret))
        {
            why = $"presented {cert.Subject}: a member certificate not bound to this cluster's secret";
            return false;
        }
        why = "";
        return true;
    }

    private static bool IsBoundToSecret(X509Certificate2 cert, ClusterSecret secret) =>
        cert.Extensions[BindingOid] is { } binding && secret.Verify(BindingPurpose, cert.PublicKey.EncodedKeyValue.RawData, binding.RawData);

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
    // With a secret, the leaf is a member's and carries the MAC of its public key under that secret.
    private static X509Certificate2 CreateLeaf(X509Certificate2 ca, string subject, ClusterSecret? secret) =>
        CreateLeaf(ca, new X500DistinguishedName(subject), secret);

    private static X509Certificate2 CreateLeaf(X509Certificate2 ca, X500DistinguishedName subject, ClusterSecret? secret)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
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
        if (secret is not null)
            request.CertificateExtensions.Add(new X509Extension(BindingOid,
                secret.Sign(BindingPurpose, request.PublicKey.EncodedKeyValue.RawData), critical: false));
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
