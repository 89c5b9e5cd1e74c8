// The per-cluster secret that clients must prove they hold; created by `ssi start`, kept at mode 0600.
using System.Security.Cryptography;
using System.Text;

namespace Ssi.Actors.Security;

public sealed class ClusterSecret
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly byte[] _key;

    private ClusterSecret(byte[] key) => _key = key;

    /// <summary>Creates the secret file if it does not exist (owner-only from the first byte) and returns its secret.</summary>
    public static ClusterSecret CreateOrLoad(string path)
    {
        if (File.Exists(path)) return Load(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        try
        {
            using var stream = new FileStream(path, options);
            stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n"));
        }
        catch (IOException) when (File.Exists(path))
        {
            return Load(path); // another launcher won the race; use its secret
        }
        return new ClusterSecret(key);
    }

    /// <summary>Reads a secret file; refuses one that others can read, as ssh refuses a loose private key.</summary>
    public static ClusterSecret Load(string path)
    {
        if (!File.Exists(path)) throw new SecretUnavailableException($"no cluster secret at {path}");
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerOnly & ~UnixFileMode.UserExecute) != 0)
            throw new SecretUnavailableException($"cluster secret {path} is readable by others; chmod 600 it");
        try
        {
            return new ClusterSecret(Convert.FromBase64String(File.ReadAllText(path).Trim()));
        }
        catch (FormatException)
        {
            throw new SecretUnavailableException($"cluster secret {path} is not valid");
        }
    }

    public static ClusterSecret FromBytes(byte[] key) => new(key.ToArray());

    /// <summary>
    /// A key for one purpose, derived from the secret (HMAC of a label), so no use of a derived key reveals the secret
    /// or another derived key: the password of the TLS private keys, the key that signs user credentials.
    /// </summary>
    public byte[] Derive(string purpose) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(purpose));

    /// <summary>A MAC of <paramref name="data"/> under the key derived for <paramref name="purpose"/>.</summary>
    public byte[] Sign(string purpose, ReadOnlySpan<byte> data) => HMACSHA256.HashData(Derive(purpose), data);

    /// <summary>True if <paramref name="mac"/> is <see cref="Sign"/>'s MAC of the data, compared in constant time.</summary>
    public bool Verify(string purpose, ReadOnlySpan<byte> data, byte[]? mac) =>
        mac is { Length: 32 } && CryptographicOperations.FixedTimeEquals(Sign(purpose, data), mac);
}

public sealed class SecretUnavailableException(string message) : Exception(message);
