// Expected failures outside a typed reply: an errno, a message for people, and what kind of failure it is.
using Ssi.Actors.Errors;

namespace Ssi.Host.Client;

/// <summary>What kind of failure it is; the CLI's exit status follows from it (1, 2 or 77).</summary>
public enum FailureKind
{
    /// <summary>The request was made and failed (a typed failure reply, a time-out).</summary>
    Failed,

    /// <summary>The request was malformed before anything was sent.</summary>
    Usage,

    /// <summary>Who we are was refused: no credential, a credential this cluster did not issue, no secret.</summary>
    Denied,
}

/// <summary>The one shape every expected failure of the host side has, so one formatter prints them all.</summary>
public abstract class ErrnoException(Errno errno, string message, FailureKind kind) : Exception(message)
{
    public Errno Errno { get; } = errno;
    public FailureKind Kind { get; } = kind;
}

/// <summary>A failure of the client: a failure reply of the cluster, no answer, or a refused credential.</summary>
public sealed class ClientException(Errno errno, string message, FailureKind kind = FailureKind.Failed)
    : ErrnoException(errno, message, kind)
{
    public static ClientException Denied(string message) => new(Errno.EACCES, message, FailureKind.Denied);

    public static ClientException Usage(string message) => new(Errno.EINVAL, message, FailureKind.Usage);
}
