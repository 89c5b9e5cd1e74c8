// Restricted Hyperion serializer for everything of ours that crosses the network.
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Util;
using Hyperion;
using AkkaSerializer = Akka.Serialization.Serializer;
using HyperionSerializer = Hyperion.Serializer;

namespace Ssi.Actors.Serialization;

/// <summary>
/// Hyperion for Akka remoting, restricted to <see cref="SsiTypeFilter.Default"/>.
/// Replaces Akka.Serialization.HyperionSerializer, whose 1.5.73 build ignores a programmatic type filter and breaks
/// sending when HOCON allowed-types is set. Bind it to both the "hyperion" and the "json" serializer names so that no
/// permissive serializer (Newtonsoft, id 1) stays reachable by a peer.
/// </summary>
public sealed class SsiWireSerializer : AkkaSerializer
{
    private readonly HyperionSerializer _hyperion;

    public SsiWireSerializer(ExtendedActorSystem system) : base(system)
    {
        _hyperion = new HyperionSerializer(new SerializerOptions(
            // Must equal the peer's setting: it changes how fields are encoded (a false reader hits a NullReferenceException
            // on a true payload). true is Akka.Serialization.Hyperion's default, so stock peers stay readable both ways.
            versionTolerance: true,
            preserveObjectReferences: true,
            // Same surrogate as Akka's HyperionSerializer: IActorRef, ActorPath, Address travel as path/address strings.
            surrogates: [Surrogate.Create<ISurrogated, ISurrogate>(from => from.ToSurrogate(system), to => to.FromSurrogate(system))],
            serializerFactories: null,
            knownTypes: null, // Known-type indices would have to match on every peer, stock Hyperion included.
            ignoreISerializable: true,
            packageNameOverrides: null,
            disallowUnsafeTypes: true, // Hyperion consults the type filter only when this is on.
            typeFilter: SsiTypeFilter.Default));
    }

    // Akka calls this overload when akka.actor.serialization-settings.<name> exists (it does for "json");
    // the allow-list is deliberately not configurable from HOCON.
    public SsiWireSerializer(ExtendedActorSystem system, Config config) : this(system)
    {
    }

    /// <summary>Hyperion's id, so payloads stay readable by and from stock Akka.Serialization.Hyperion peers.</summary>
    public override int Identifier => -5;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        _hyperion.Serialize(obj, stream);
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, Type type)
    {
        try
        {
            using var stream = new MemoryStream(bytes);
            return _hyperion.Deserialize<object>(stream);
        }
        catch (Exception ex)
        {
            // Akka.Remote drops the message and keeps the association on a deserialisation failure.
            throw new SerializationException($"SsiWireSerializer refused or failed to read a payload: {ex.Message}", ex);
        }
    }
}
