// The small stable number that names a node clusterwide (OpenSSI's clusternode_num).
using System.Text.Json.Serialization;

namespace Ssi.Actors.Identity;

[JsonConverter(typeof(NodeNumberJsonConverter))]
public readonly record struct NodeNumber : IComparable<NodeNumber>
{
    /// <summary>Node numbers a local cluster may use (the HOWTO's 1..15).</summary>
    public const int LocalMax = 15;

    private const string RolePrefix = "node-";

    public NodeNumber(int value)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "node numbers start at 1");
        Value = value;
    }

    public int Value { get; }

    /// <summary>The cluster role that carries the number, so every member can read any member's number.</summary>
    public string Role => RolePrefix + Value;

    public static bool TryFromRole(string role, out NodeNumber node)
    {
        node = default;
        if (!role.StartsWith(RolePrefix, StringComparison.Ordinal)) return false;
        if (!int.TryParse(role.AsSpan(RolePrefix.Length), out var n) || n < 1) return false;
        node = new NodeNumber(n);
        return true;
    }

    public static bool TryFromRoles(IEnumerable<string> roles, out NodeNumber node)
    {
        foreach (var role in roles)
            if (TryFromRole(role, out node)) return true;
        node = default;
        return false;
    }

    public int CompareTo(NodeNumber other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
