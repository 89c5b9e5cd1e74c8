// The entry to the core's system-call decisions: /proc first, then the file calls, then the process calls.
using Ssi.Actors.Errors;
using Ssi.Cfs.Service;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessCore;

/// <summary>
/// Decides each system call of a process from its state alone: the result, or what the call must wait for and how
/// its reply becomes the result (<see cref="Then"/>). Nothing here sends, blocks or reads a clock; the entity does
/// what a decision says (docs/processes.md, "The core").
/// </summary>
public static class SystemCallCore
{
    public static CallDecision Decide(ProcessState state, SystemCall call, CallWorld world) =>
        ProcCalls.Decide(state, call)
        ?? DevfsCalls.Decide(state, call)
        ?? FileCalls.Decide(state, call, world)
        ?? TerminalCalls.Decide(state, call)
        ?? ProcessCalls.Decide(state, call, world)
        ?? CallDecision.Fail(state, Errno.ENOSYS);

    /// <summary>
    /// A reply that came after its call was given up (a signal ended it, or the process moved or died meanwhile): what
    /// it holds is given back. An open file is closed; a child forked as the process died has init as its parent.
    /// </summary>
    public static IReadOnlyList<Effect> LateReply(ProcessState state, object reply) => reply switch
    {
        FsOpened opened => [new Send(Destination.FileSystem, new FsClose(state.Credentials, opened.OpenFile))],
        ProcessCreated child when state.State == RunState.Zombie => [new Send(Destination.Processes, new Reparent(child.Pid, Ssi.Actors.Identity.Pid.Init))],
        _ => [],
    };
}
