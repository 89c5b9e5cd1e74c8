// Orphaned process groups (POSIX): which groups an exit leaves orphaned with a stopped member, to be sent SIGHUP then SIGCONT.
using Ssi.Actors.Identity;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Vproc.ProcessCore;

/// <summary>
/// A process group is orphaned when no member has a parent in another group of the same session: nothing is left
/// that could continue it by job control. When an exit orphans a group that has a stopped member, every member gets
/// SIGHUP then SIGCONT, so a stopped job is not left stopped forever (the shell exits leaving a stopped job). Linux
/// checks this on every exit for the exiting process's own group and for each of its children's groups; here the
/// parent-exit path is the one checked (<see cref="Worth"/>), from the cluster's process list (<see cref="HangUpOnExit"/>).
/// </summary>
public static class OrphanedGroups
{
    /// <summary>
    /// Whether the exit of <paramref name="state"/> may orphan a group: it has a living child in another group (as its
    /// records know them). Only then is the cluster asked for its processes, so that most exits cost nothing.
    /// </summary>
    public static bool Worth(ProcessState state) =>
        !state.Pid.IsInit && state.Children.Values.Any(c => c.Status is null && c.Pgid is { } pgid && pgid != state.Pgid);

    /// <summary>
    /// The groups the exit of <paramref name="exiting"/> (group <paramref name="pgid"/>, session <paramref name="sid"/>,
    /// living <paramref name="children"/> as its records knew them) orphans that have a stopped member, from
    /// <paramref name="cluster"/> (every process, as ps lists them, which may show the children adopted by init
    /// already, or not yet). The exiting process counts as gone and its children as init's. A child's group in its
    /// session was not orphaned before (the child's parent, in another group, kept it), so it becomes orphaned now when
    /// no other member keeps it.
    /// </summary>
    public static IReadOnlyList<Pid> HangUpOnExit(Pid exiting, Pid pgid, Pid sid, IReadOnlyCollection<Pid> children, IEnumerable<ProcessInfo> cluster)
    {
        var all = cluster.Where(p => p.Pid != exiting).ToList();
        var living = all.Where(p => p.State != RunState.Zombie).GroupBy(p => p.Pid).ToDictionary(g => g.Key, g => g.First());
        bool IsChild(ProcessInfo p) => p.Ppid == exiting || children.Contains(p.Pid);
        Pid ParentOf(ProcessInfo p) => IsChild(p) ? Pid.Init : p.Ppid;
        bool KeptBy(ProcessInfo member) =>
            living.TryGetValue(ParentOf(member), out var parent) && parent.Pgid != member.Pgid && parent.Sid == member.Sid;
        var groups = living.Values.Where(p => IsChild(p) && p.Sid == sid && p.Pgid != pgid).Select(p => p.Pgid).Distinct().Order();
        var orphaned = new List<Pid>();
        foreach (var group in groups)
        {
            var members = living.Values.Where(p => p.Pgid == group).ToList();
            if (members.Any(m => m.State == RunState.Stopped) && !members.Any(KeptBy)) orphaned.Add(group);
        }
        return orphaned;
    }
}
