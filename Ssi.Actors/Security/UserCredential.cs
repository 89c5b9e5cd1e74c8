// Who a client is: a user's identity signed with a key derived from the cluster secret, checked by every gateway.
using System.Text;
using Ssi.Actors.Protocol;

namespace Ssi.Actors.Security;

/// <summary>
/// The identity part of a client credential, sent with every request. <see cref="Mac"/> signs all the other fields
/// under a key only the cluster's members can derive, so a client can neither forge one nor change its uid; the
/// gateway takes the caller's uid, gid and groups from here and never from the request.
/// <see cref="Serial"/> ties the identity to the client certificate issued with it (its serial number).
/// </summary>
public sealed record UserCredential(string User, int Uid, int Gid, int[] Groups, string Serial, byte[] Mac) : ISsiMessage
{
    private const string Purpose = "ssi-user-credential-v1";

    public bool IsRoot => Uid == 0;

    /// <summary>Signs an identity with the cluster's secret (done by `ssi start` and `ssi user add`, where the secret is).</summary>
    public static UserCredential Issue(ClusterSecret secret, string user, int uid, int gid, IEnumerable<int> groups, string serial)
    {
        var sorted = groups.Distinct().Order().ToArray();
        return new UserCredential(user, uid, gid, sorted, serial, secret.Sign(Purpose, Claims(user, uid, gid, sorted, serial)));
    }

    /// <summary>True if the cluster's secret signed exactly these fields.</summary>
    public bool IsSignedBy(ClusterSecret secret) =>
        User is not null && Groups is not null && Serial is not null
        && secret.Verify(Purpose, Claims(User, Uid, Gid, Groups, Serial), Mac);

    // One unambiguous encoding: lengths before strings, so no two identities share it.
    private static byte[] Claims(string user, int uid, int gid, int[] groups, string serial)
    {
        var text = new StringBuilder()
            .Append(user.Length).Append(':').Append(user).Append('|')
            .Append(uid).Append('|').Append(gid).Append('|')
            .Append(string.Join(',', groups)).Append('|')
            .Append(serial.Length).Append(':').Append(serial);
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
