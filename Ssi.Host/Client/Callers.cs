// Whom a request acts as: the credential's user, or, for root only, another user of the cluster, as sudo -u does.
using System.Globalization;
using Ssi.Actors.Errors;
using Ssi.Cfs.Permissions;

namespace Ssi.Host.Client;

public static class Callers
{
    /// <summary>
    /// The caller's identity: the credential's user, or with --user (root's credential only) root, a numeric uid, or a
    /// name from the cluster's /etc/passwd (with its groups from /etc/group), read through <paramref name="through"/>.
    /// An unknown name is refused, so nothing runs as nobody-in-particular. The gateway checks the same rule; this
    /// only fails earlier and more clearly.
    /// </summary>
    public static async Task<Credentials> ResolveAsync(ClusterConnection connection, string? user, int? through, CancellationToken ct)
    {
        if (user is null || user == connection.UserName || user == connection.Identity.Uid.ToString(CultureInfo.InvariantCulture))
            return connection.Identity;
        if (!connection.Identity.IsRoot)
            throw new ClientException(Errno.EPERM, $"only root may act as another user; this credential is {connection.UserName}'s");
        if (user == "root") return Credentials.Root;
        if (int.TryParse(user, out var uid) && uid >= 0) return Credentials.Of(uid, uid);
        return await LookUpAsync(new FileClient(connection, connection.Identity, through), user, ct)
            ?? throw ClientException.Usage($"unknown user '{user}' (not in the cluster's /etc/passwd)");
    }

    /// <summary>A user of the cluster's /etc/passwd with its groups from /etc/group, or null if there is none.</summary>
    public static async Task<Credentials?> LookUpAsync(FileClient files, string user, CancellationToken ct)
    {
        var passwd = await files.ReadTextAsync("/etc/passwd", ct);
        var entry = passwd?.Split('\n').Select(l => l.Split(':')).FirstOrDefault(f => f.Length >= 4 && f[0] == user);
        if (entry is null || !int.TryParse(entry[2], out var uid) || !int.TryParse(entry[3], out var gid)) return null;
        var group = await files.ReadTextAsync("/etc/group", ct) ?? "";
        var groups = group.Split('\n').Select(l => l.Split(':'))
            .Where(f => f.Length >= 4 && f[3].Split(',').Contains(user) && int.TryParse(f[2], out _))
            .Select(f => int.Parse(f[2], CultureInfo.InvariantCulture)).ToArray();
        return Credentials.Of(uid, gid, groups);
    }

    /// <summary>User names by uid, from the cluster's /etc/passwd; empty when there is none or it may not be read.</summary>
    public static async Task<Dictionary<int, string>> NamesAsync(FileClient files, CancellationToken ct)
    {
        var names = new Dictionary<int, string>();
        var passwd = await files.TryReadTextAsync("/etc/passwd", ct);
        if (passwd.Error is Errno.ENOENT or Errno.EACCES) return names; // numeric user ids then
        foreach (var fields in passwd.OrThrow().Split('\n').Select(l => l.Split(':')))
            if (fields.Length >= 3 && int.TryParse(fields[2], CultureInfo.InvariantCulture, out var uid)) names.TryAdd(uid, fields[0]);
        return names;
    }
}
