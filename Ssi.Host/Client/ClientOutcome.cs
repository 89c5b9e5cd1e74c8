// Failure replies the typed clients hand back instead of throwing, and the way to throw one when a caller cannot go on.
using Ssi.Actors.Errors;

namespace Ssi.Host.Client;

public static class ClientOutcome
{
    /// <summary>The value, or the failure as a <see cref="ClientException"/> worded as the outcome words it.</summary>
    public static T OrThrow<T>(this Outcome<T> outcome) =>
        outcome.IsOk ? outcome.Value : throw new ClientException(outcome.Error!.Value, outcome.Detail ?? outcome.Error.Value.Describe());

    /// <summary>The failure of a request about <paramref name="subject"/> (a PID, a path), worded "SUBJECT: detail".</summary>
    public static Outcome<T> About<T>(this Outcome<T> outcome, object subject, string? detail = null) =>
        outcome.IsOk ? outcome : Outcome<T>.Fail(outcome.Error!.Value, $"{subject}: {detail ?? outcome.Detail}");
}
