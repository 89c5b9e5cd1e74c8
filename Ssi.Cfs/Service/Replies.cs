// Turns an outcome into the reply message a caller gets: the value's reply, or Failed with the errno.
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;

namespace Ssi.Cfs.Service;

internal static class Replies
{
    public static ISsiMessage From<T>(Outcome<T> outcome, Func<T, ISsiMessage> ok) =>
        outcome.IsOk ? ok(outcome.Value) : new Failed(outcome.Error!.Value, outcome.Detail ?? "");
}
