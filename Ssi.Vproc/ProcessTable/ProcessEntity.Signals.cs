// Signals arriving at the process: the core says whether one is taken, the entity delivers it between steps.
using Akka.Actor;
using Ssi.Actors.Identity;
using Ssi.Vproc.ProcessCore;

namespace Ssi.Vproc.ProcessTable;

public sealed partial class ProcessEntity
{
    /// <summary>kill(2) arriving: same uid or root, else EPERM; signal 0 only answers.</summary>
    private void Signalled(SignalProcess signal)
    {
        var (reply, post) = Family.Receive(_state, signal);
        ReplyTo.Tell(reply);
        if (post) Post(signal.Signal);
    }

    private void Post(int signal)
    {
        _state = _state with { Signals = _state.Signals.Post(signal) };
        // Between steps the program is not running here: Run is on the stack only inside a turn of this actor.
        Call(new CallInput.SignalPosted());
    }
}
