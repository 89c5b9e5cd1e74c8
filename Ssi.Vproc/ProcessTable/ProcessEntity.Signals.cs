// Signals between processes: kill as the sender makes it, and as the target receives it.
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Vproc.Programs;
using Kill = Ssi.Vproc.Programs.Kill;

namespace Ssi.Vproc.ProcessTable;

public sealed partial class ProcessEntity
{
    private SysResult? SendKill(Kill c)
    {
        if (c.Signal != 0 && !Signal.IsValid(c.Signal)) return SysResult.Fail(Errno.EINVAL);
        var uid = _state.Credentials.Uid;
        if (c.Pid > 0)
        {
            Await(c, Region.Ask<object>(new SignalProcess(c.Pid, c.Signal, uid, _pid), _node.Settings.CallTimeout), o => o switch
            {
                SignalSent => SysResult.Ok(0),
                Failed f => SysResult.Fail(f.Errno),
                _ => SysResult.Fail(Errno.EIO),
            });
            return null;
        }
        var group = c.Pid == 0 ? _state.Pgid : c.Pid == -1 ? 0 : -c.Pid;
        Await(c, _node.Service.Ask<object>(new KillGroup(group, c.Signal, uid, _pid), _node.Settings.CallTimeout), o => o switch
        {
            GroupSignalled { Delivered: > 0 } => SysResult.Ok(0),
            GroupSignalled { Denied: > 0 } => SysResult.Fail(Errno.EPERM),
            GroupSignalled => SysResult.Fail(Errno.ESRCH),
            _ => SysResult.Fail(Errno.EIO),
        });
        return null;
    }

    /// <summary>kill(2) arriving: same uid or root, else EPERM; signal 0 only answers.</summary>
    private void Signalled(SignalProcess signal)
    {
        if (IsZombie)
        {
            ReplyTo.Tell(new SignalSent(_pid)); // a zombie exists but a signal does nothing to it
            return;
        }
        if (signal.SenderUid != 0 && signal.SenderUid != _state.Credentials.Uid)
        {
            ReplyTo.Tell(new Failed(Errno.EPERM, $"process {_pid} belongs to another user"));
            return;
        }
        ReplyTo.Tell(new SignalSent(_pid));
        if (signal.Signal != 0) Post(signal.Signal);
    }

    private void Post(int signal)
    {
        _state = _state with { Signals = _state.Signals.Post(signal) };
        // Between steps the program is not running here: Run is on the stack only inside a turn of this actor.
        ConsiderSignals();
    }
}
