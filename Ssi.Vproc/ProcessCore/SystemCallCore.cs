// The entry to the core's system-call decisions: /proc first, then the file calls, then the process calls.
using Ssi.Actors.Errors;
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
        ?? FileCalls.Decide(state, call, world)
        ?? ProcessCalls.Decide(state, call, world)
        ?? CallDecision.Fail(state, Errno.ENOSYS);
}
