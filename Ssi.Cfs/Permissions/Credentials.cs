// Who asks: the caller identity carried by every file-system request (uid, primary gid, supplementary gids).
using System.Collections.Immutable;

namespace Ssi.Cfs.Permissions;

public sealed record Credentials(int Uid, int Gid, ImmutableArray<int> Groups)
{
    public static readonly Credentials Root = new(0, 0, []);

    public static Credentials Of(int uid, int gid, params int[] groups) => new(uid, gid, [.. groups]);

    public bool IsRoot => Uid == 0;

    public bool InGroup(int gid) => Gid == gid || Groups.Contains(gid);
}
