// Root marker of every message that crosses the network; its binding selects the restricted wire serializer.
namespace Ssi.Actors.Protocol;

/// <remarks>
/// Only our own types and plain data may cross (see Serialization/SsiTypeFilter). Declare collections as concrete
/// types (ImmutableArray, List): a collection expression assigned to an interface creates a compiler-generated type
/// that the filter refuses.
/// </remarks>
public interface ISsiMessage;

/// <summary>A typed failure reply: the errno and what it was about.</summary>
public sealed record Failed(Errors.Errno Errno, string Detail) : ISsiMessage;
