// Stands in for Akka.Remote's DaemonMsgCreate serializer so that no peer can create an actor on a node.
using System.Runtime.Serialization;
using Akka.Actor;
using AkkaSerializer = Akka.Serialization.Serializer;

namespace Ssi.Actors.Serialization;

/// <summary>
/// Remote deployment (<c>DaemonMsgCreate</c>) makes the receiving node instantiate any loadable type a peer names,
/// outside every type filter. ssi deploys nothing remotely, so the serializer bound to it refuses both ways: an
/// incoming request fails to deserialise and Akka.Remote drops it, logged, with the association left up.
/// It keeps the id of the serializer it replaces (3), so a peer's request reaches it rather than an unknown id.
/// </summary>
public sealed class RemoteDeploymentRefusal(ExtendedActorSystem system) : AkkaSerializer(system)
{
    public override int Identifier => 3;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) =>
        throw new SerializationException("remote deployment is disabled in ssi; create actors on their own node");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new SerializationException("refused a remote deployment request (DaemonMsgCreate): remote deployment is disabled in ssi");
}
