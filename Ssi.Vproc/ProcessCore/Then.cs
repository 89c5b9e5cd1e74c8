// How the reply to a waiting system call becomes its result: plain data, so every reply path is a pure, tested function.
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessCore;

/// <summary>
/// The rest of a system call once its reply has come. A <see cref="Failed"/> reply is the call's errno, unless the
/// continuation reads failures itself (<see cref="TakesFailures"/>); a reply of another type than expected is EIO.
/// </summary>
public abstract record Then
{
    public CallDecision Complete(ProcessState state, object reply, CallWorld world) =>
        reply is Failed failed && !TakesFailures ? CallDecision.Fail(state, failed.Errno) : On(state, reply, world);

    protected virtual bool TakesFailures => false;

    protected abstract CallDecision On(ProcessState state, object reply, CallWorld world);

    protected static CallDecision Unexpected(ProcessState state) => CallDecision.Fail(state, Errno.EIO);
}

/// <summary>A continuation that maps one reply type to a result and changes nothing else.</summary>
public abstract record Then<TReply> : Then
{
    protected sealed override CallDecision On(ProcessState state, object reply, CallWorld world) =>
        reply is TReply typed ? On(state, typed, world) : Unexpected(state);

    protected abstract CallDecision On(ProcessState state, TReply reply, CallWorld world);
}
