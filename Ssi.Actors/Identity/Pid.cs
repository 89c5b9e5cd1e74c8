// Clusterwide process ids: the node that allocated a PID can be read from it.
using System.Globalization;
using System.Text.Json.Serialization;

namespace Ssi.Actors.Identity;

/// <summary>
/// A clusterwide PID. Node N allocates <c>N * 1,000,000 + seq</c> (seq 1..999,999), so "3000042" was born on
/// node 3 and every node allocates without asking anyone. PID 1 is init. The value never changes, wherever the
/// process runs.
/// </summary>
[JsonConverter(typeof(PidJsonConverter))]
public readonly record struct Pid(int Value) : IComparable<Pid>
{
    public const int PerNode = 1_000_000;

    /// <summary>Highest node number whose PIDs fit in 31 bits.</summary>
    public const int MaxNode = int.MaxValue / PerNode - 1;

    public static readonly Pid Init = new(1);

    /// <summary>PID 0, the kernel, as in Unix: init's parent, and the sender of a signal no process sent (Ctrl-C, ssi kill).</summary>
    public static readonly Pid Kernel = new(0);

    public bool IsInit => Value == 1;

    /// <summary>The node that allocated this PID (null for init, which belongs to no node).</summary>
    public NodeNumber? Origin => Value / PerNode is > 0 and var node ? new NodeNumber(node) : null;

    public int Sequence => Value % PerNode;

    public static Pid Of(NodeNumber node, int sequence)
    {
        if (node.Value > MaxNode) throw new ArgumentOutOfRangeException(nameof(node));
        if (sequence is < 1 or >= PerNode) throw new ArgumentOutOfRangeException(nameof(sequence));
        return new Pid(node.Value * PerNode + sequence);
    }

    public static bool TryParse(string text, out Pid pid)
    {
        pid = default;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1) return false;
        pid = new Pid(value);
        return true;
    }

    public int CompareTo(Pid other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
