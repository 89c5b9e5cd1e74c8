// A client's credential on disk: who the user is (signed by the cluster), a client certificate, and where to connect.
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Ssi.Actors.Configuration;
using Ssi.Actors.Errors;
using Ssi.Actors.Security;
using Ssi.Cfs.Permissions;

namespace Ssi.Host.Client;

/// <summary>
/// Everything a client needs, in one owner-only file: `ssi start` writes root's to $SSI_HOME/credentials/root.cred;
/// `ssi user add NAME` writes a user's, which works from any machine that can reach a node (its contacts are inside).
/// $SSI_CREDENTIAL selects another file. Holding it is being that user; it holds no cluster secret, so it can neither
/// sign another identity nor present a member certificate.
/// </summary>
public sealed record CredentialFile(
    int Version,
    string User,
    int Uid,
    int Gid,
    int[] Groups,
    string Serial,
    string Mac,
    string CaCertificate,
    string ClientCertificate,
    List<string> Contacts)
{
    public const string EnvironmentVariable = "SSI_CREDENTIAL";
    private const int CurrentVersion = 1;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string RootFile(SsiHome home) => Path.Combine(home.Root, "credentials", "root.cred");
    public static string UserFile(SsiHome home, string user) => Path.Combine(home.Root, "credentials", user + ".cred");

    /// <summary>$SSI_CREDENTIAL if set, else root's credential of $SSI_HOME.</summary>
    public static string PathFor(SsiHome home) =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } path ? Path.GetFullPath(path) : RootFile(home);

    /// <summary>The signed identity sent with every request.</summary>
    public UserCredential Proof => new(User, Uid, Gid, Groups, Serial, Convert.FromBase64String(Mac));

    /// <summary>The identity requests act as by default.</summary>
    public Credentials Identity => Credentials.Of(Uid, Gid, Groups);

    /// <summary>The client's TLS identity: its certificate, trusting only the cluster's CA.</summary>
    public ClusterTls Tls()
    {
        if (ClientCertificate.Length == 0) throw new SecretUnavailableException("this credential has no client certificate (it was issued for a cluster without TLS)");
        var ca = X509Certificate2.CreateFromPem(CaCertificate);
        var identity = X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(ClientCertificate), null, X509KeyStorageFlags.Exportable);
        return ClusterTls.ForClient(ca, identity);
    }

    /// <summary>
    /// Issues a credential for a user: a fresh client certificate from the cluster's CA (when TLS is on) and the
    /// identity signed with the secret. Only a holder of the secret can do it.
    /// </summary>
    public static CredentialFile Issue(ClusterSecret secret, Ssi.Host.Node.TlsSettings tls, string user, int uid, int gid, IEnumerable<int> groups, IEnumerable<string> contacts)
    {
        string serial, ca = "", certificate = "";
        if (tls.Enabled)
        {
            using var issued = ClusterTls.IssueClient(tls.Dir, secret, user);
            using var caCert = ClusterTls.LoadCa(tls.Dir);
            serial = issued.SerialNumber;
            ca = caCert.ExportCertificatePem();
            certificate = Convert.ToBase64String(issued.Export(X509ContentType.Pkcs12));
        }
        else
        {
            serial = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        }
        var proof = UserCredential.Issue(secret, user, uid, gid, groups, serial);
        return new CredentialFile(CurrentVersion, user, uid, gid, proof.Groups, serial, Convert.ToBase64String(proof.Mac), ca, certificate, contacts.ToList());
    }

    /// <summary>Reads a credential; a missing, unreadable or loose one is EACCES (exit 77).</summary>
    public static CredentialFile Load(string path)
    {
        if (!File.Exists(path))
            throw ClientException.Denied($"no credential at {path} (start a cluster with 'ssi start', or set ${EnvironmentVariable} to a file from 'ssi user add')");
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerOnly & ~UnixFileMode.UserExecute) != 0)
            throw ClientException.Denied($"credential {path} is readable by others; chmod 600 it");
        try
        {
            var file = JsonSerializer.Deserialize<CredentialFile>(File.ReadAllText(path), Json);
            if (file is null || file.Version != CurrentVersion || file.User is null || file.Groups is null || file.Mac is null)
                throw new JsonException("missing fields or an unknown version");
            return file with { Contacts = file.Contacts ?? [], CaCertificate = file.CaCertificate ?? "", ClientCertificate = file.ClientCertificate ?? "" };
        }
        catch (Exception e) when (e is JsonException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw ClientException.Denied($"credential {path} cannot be read: {e.Message}");
        }
    }

    /// <summary>Writes the credential owner-only from its first byte, replacing any old one.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        using (var stream = new FileStream(temp, options))
            JsonSerializer.Serialize(stream, this, Json);
        File.Move(temp, path, overwrite: true);
    }
}
