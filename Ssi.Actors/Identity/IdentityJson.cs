// JSON for identities: each is written and read as the bare number it wraps, so --json output keeps plain numbers.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ssi.Actors.Identity;

/// <summary>Writes an identity as its number (also as a dictionary key, where JSON needs a string) and reads it back.</summary>
public abstract class IdentityJsonConverter<T>(Func<T, long> number, Func<long, T> make) : JsonConverter<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => make(reader.GetInt64());

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteNumberValue(number(value));

    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        make(long.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture));

    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WritePropertyName(number(value).ToString(System.Globalization.CultureInfo.InvariantCulture));
}

public sealed class PidJsonConverter() : IdentityJsonConverter<Pid>(p => p.Value, n => new Pid(checked((int)n)));

public sealed class NodeNumberJsonConverter() : IdentityJsonConverter<NodeNumber>(n => n.Value, n => new NodeNumber(checked((int)n)));

public sealed class FdJsonConverter() : IdentityJsonConverter<Fd>(f => f.Value, n => new Fd(checked((int)n)));

public sealed class InodeNumberJsonConverter() : IdentityJsonConverter<InodeNumber>(i => i.Value, n => new InodeNumber(n));
