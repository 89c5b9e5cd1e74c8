// An inode's number: names one file of the cluster file system, clusterwide and for the file's whole life.
using System.Globalization;
using System.Text.Json.Serialization;

namespace Ssi.Actors.Identity;

[JsonConverter(typeof(InodeNumberJsonConverter))]
public readonly record struct InodeNumber(long Value) : IComparable<InodeNumber>
{
    /// <summary>The root directory "/".</summary>
    public static readonly InodeNumber Root = new(1);

    public int CompareTo(InodeNumber other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
