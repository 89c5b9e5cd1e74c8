// burn: a CPU-bound program, to watch load leveling spread work over the cluster.
namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// <c>burn [SECONDS]</c>: computes (real CPU work, in slices of about a millisecond) for SECONDS of wall time, or until
/// killed. It prints nothing; <c>ps</c> shows it runnable (R) with its CPU time growing.
/// </summary>
public sealed class Burn : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        TimeSpan? limit = null;
        if (p.Args.Length > 2)
        {
            yield return Io.Complain(p, "usage: burn [SECONDS]");
            yield return new Exit(2);
        }
        if (p.Args.Length == 2)
        {
            if (Sleep.Parse(p.Args[1]) is not { } parsed)
            {
                yield return Io.Complain(p, $"invalid time interval '{p.Args[1]}'");
                yield return new Exit(2);
                yield break;
            }
            limit = parsed;
        }
        yield return new GetTime();
        var start = p.Result.Value;
        var work = (ulong)start | 1;
        while (true)
        {
            for (var k = 0; k < 400_000; k++) work = work * 6364136223846793005UL + 1442695040888963407UL;
            yield return new GetTime();
            if (limit is { } l && p.Result.Value - start >= l.TotalMicroseconds) break;
        }
        yield return new Exit(work == 0 ? 1 : 0); // uses the result, so the loop is not optimised away
    }
}
