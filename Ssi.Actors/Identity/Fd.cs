// A file descriptor: the small number that names an entry of one process's descriptor table, meaningless outside it.
using System.Globalization;
using System.Text.Json.Serialization;

namespace Ssi.Actors.Identity;

[JsonConverter(typeof(FdJsonConverter))]
public readonly record struct Fd(int Value) : IComparable<Fd>
{
    public static readonly Fd Stdin = new(0);
    public static readonly Fd Stdout = new(1);
    public static readonly Fd Stderr = new(2);

    public int CompareTo(Fd other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
