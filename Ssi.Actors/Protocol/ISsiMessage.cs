// Root marker of every message that crosses the network; its binding selects the restricted wire serializer.
namespace Ssi.Actors.Protocol;

public interface ISsiMessage;

/// <summary>A typed failure reply: the errno and what it was about.</summary>
public sealed record Failed(Errors.Errno Errno, string Detail) : ISsiMessage;
