// Jobs: wait, kill, jobs, fg and bg, the terminal handed to the foreground job, and finished jobs reported at the prompt.
using System.Text;
using Ssi.Actors.Errors;
using Ssi.Actors.Signals;

namespace Ssi.Vproc.Programs.Shell;

public sealed partial class ShellInterpreter
{
    /// <summary>With job control a stopped child is reported too (WUNTRACED), so Ctrl-Z gives the prompt back.</summary>
    private Wait WaitCall(int pid) => new(pid, State.Monitor ? WaitOptions.Untraced : WaitOptions.None);

    /// <summary>With job control, the foreground job's group gets the terminal while the shell waits (tcsetpgrp).</summary>
    private IEnumerable<SystemCall> ForegroundBegin(int group)
    {
        if (!State.Monitor || group <= 0) yield break;
        yield return new TcSetPgrp(Io.Stdin, group);
    }

    /// <summary>The terminal back to the shell's own group once the job ended or stopped.</summary>
    private IEnumerable<SystemCall> ForegroundEnd()
    {
        if (!State.Monitor || State.ShellProcessGroup <= 0) yield break;
        yield return new TcSetPgrp(Io.Stdin, State.ShellProcessGroup);
    }

    /// <summary>The number of the job fg resumed, which it keeps if it stops again.</summary>
    private int _resumedJobNumber;

    /// <summary>Collects children that ended without being waited for, so jobs and the prompt can report them.</summary>
    public IEnumerable<SystemCall> Reap()
    {
        while (State.Jobs.Count > 0)
        {
            yield return new Wait(-1, WaitOptions.NoHang);
            if (Failed || P.Result.Value <= 0) yield break;
            var pid = P.Result.Int;
            var job = State.Jobs.FirstOrDefault(j => j.Pids.Contains(pid));
            if (job is null) continue;
            if (IsStoppedStatus(P.Result.Status)) job.Stopped = true;
            else job.Statuses[pid] = P.Result.Status;
        }
    }

    /// <summary>Before a prompt: "[1]+ Done ..." for background jobs that finished, which then leave the table.</summary>
    public IEnumerable<SystemCall> ReportDoneJobs()
    {
        foreach (var call in Reap()) yield return call;
        var s = new StringBuilder();
        foreach (var job in State.Jobs.Where(j => j.Done).ToList())
        {
            s.Append(JobLine(job));
            State.Jobs.Remove(job);
        }
        if (s.Length > 0) yield return Io.Err(s.ToString());
    }

    private string JobLine(ShellJob job)
    {
        var current = State.Jobs.Count > 0 && State.Jobs[^1] == job ? '+' : State.Jobs.Count > 1 && State.Jobs[^2] == job ? '-' : ' ';
        string status;
        if (job.Stopped) status = "Stopped";
        else if (!job.Done) status = "Running";
        else
        {
            var last = job.Statuses[job.Pids[^1]];
            status = WaitStatus.IfSignaled(last) ? Signal.Describe(WaitStatus.TermSig(last))
                : WaitStatus.ExitStatus(last) == 0 ? "Done" : $"Done({WaitStatus.ExitStatus(last)})";
        }
        return $"[{job.Number}]{current}  {status,-24}{job.Text}\n";
    }

    /// <summary>%n, %+, %%, %-, %string, or a PID: the job it names.</summary>
    private ShellJob? FindJob(string spec)
    {
        if (State.Jobs.Count == 0) return null;
        if (spec is "%" or "%%" or "%+" or "") return State.Jobs[^1];
        if (spec == "%-") return State.Jobs.Count > 1 ? State.Jobs[^2] : State.Jobs[^1];
        if (spec.StartsWith('%'))
        {
            var rest = spec[1..];
            if (int.TryParse(rest, out var n)) return State.Jobs.FirstOrDefault(j => j.Number == n);
            return State.Jobs.LastOrDefault(j => j.Text.StartsWith(rest, StringComparison.Ordinal));
        }
        return int.TryParse(spec, out var pid) ? State.Jobs.FirstOrDefault(j => j.Pids.Contains(pid)) : null;
    }

    private IEnumerable<SystemCall> WaitBuiltin(List<string> args)
    {
        var operands = args.Skip(1).Where(a => a != "--").ToList();
        if (operands.Count == 0)
        {
            for (var i = 0; i < State.Jobs.Count; i++)
            {
                var job = State.Jobs[i];
                for (var k = 0; k < job.Pids.Count; k++)
                {
                    if (job.Statuses.ContainsKey(job.Pids[k])) continue;
                    var interrupted = new Box<bool>();
                    foreach (var call in WaitInterruptible(job, job.Pids[k], interrupted)) yield return call;
                    if (interrupted.Value) yield break;
                }
            }
            State.Jobs.RemoveAll(j => j.Done);
            State.LastStatus = 0;
            yield break;
        }
        var status = 0;
        foreach (var operand in operands)
        {
            var job = FindJob(operand);
            if (job is null)
            {
                if (!operand.StartsWith('%') && int.TryParse(operand, out var stray))
                {
                    // Not one of our jobs: a child we never listed, or no child at all (127).
                    yield return new Wait(stray);
                    status = Failed ? 127 : WaitStatus.ShellCode(P.Result.Status);
                    continue;
                }
                foreach (var call in Fail("wait", $"{operand}: no such job", 127)) yield return call;
                status = 127;
                continue;
            }
            for (var k = 0; k < job.Pids.Count; k++)
            {
                if (job.Statuses.ContainsKey(job.Pids[k])) continue;
                var interrupted = new Box<bool>();
                foreach (var call in WaitInterruptible(job, job.Pids[k], interrupted)) yield return call;
                if (interrupted.Value) yield break;
            }
            status = WaitStatus.ShellCode(job.LastStatus);
            State.Jobs.Remove(job);
        }
        State.LastStatus = status;
    }

    /// <summary>wait for one process; a trapped signal ends the wait with 128+n, as POSIX says.</summary>
    private IEnumerable<SystemCall> WaitInterruptible(ShellJob job, int pid, Box<bool> interrupted)
    {
        while (true)
        {
            yield return new Wait(pid);
            if (!Failed)
            {
                job.Statuses[pid] = P.Result.Status;
                yield break;
            }
            if (P.Result.Error == Errno.EINTR)
            {
                if (State.PendingSignals.Count > 0 && State.Traps.ContainsKey(State.PendingSignals[0]))
                {
                    State.LastStatus = 128 + State.PendingSignals[0];
                    interrupted.Value = true;
                    yield break;
                }
                continue;
            }
            job.Statuses[pid] = WaitStatus.Exited(127);
            yield break;
        }
    }

    private IEnumerable<SystemCall> KillBuiltin(List<string> args)
    {
        var signal = Signal.SIGTERM;
        var i = 1;
        if (i < args.Count && args[i] == "-l")
        {
            var s = new StringBuilder();
            if (i + 1 < args.Count)
            {
                foreach (var a in args.Skip(i + 1))
                {
                    if (int.TryParse(a, out var n))
                    {
                        var number = n > 128 ? n - 128 : n;
                        if (!Signal.IsValid(number))
                        {
                            foreach (var call in Fail("kill", $"invalid signal number or exit status: {a}")) yield return call;
                            yield break;
                        }
                        s.Append(Signal.Name(number)).Append('\n');
                    }
                    else if (ParseSignal(a) is { } sig) s.Append(sig).Append('\n');
                    else
                    {
                        foreach (var call in Fail("kill", $"invalid signal name: {a}")) yield return call;
                        yield break;
                    }
                }
            }
            else
                for (var n = 1; n <= 31; n++) s.Append(Signal.Name(n)).Append('\n');
            foreach (var call in Output(s.ToString(), 0)) yield return call;
            yield break;
        }
        if (i < args.Count && args[i] == "-s" && i + 1 < args.Count)
        {
            if (ParseSignal(args[i + 1]) is not { } named)
            {
                foreach (var call in Fail("kill", $"invalid signal number or name: {args[i + 1]}")) yield return call;
                yield break;
            }
            signal = named;
            i += 2;
        }
        else if (i < args.Count && args[i].Length > 1 && args[i][0] == '-' && args[i] != "--")
        {
            var text = args[i][1..];
            if (text.StartsWith('n') && text.Length == 1 && i + 1 < args.Count) text = args[++i];
            if (ParseSignal(text) is not { } named)
            {
                foreach (var call in Fail("kill", $"invalid signal number or name: {text}")) yield return call;
                yield break;
            }
            signal = named;
            i++;
        }
        if (i < args.Count && args[i] == "--") i++;
        if (i >= args.Count)
        {
            foreach (var call in Fail("kill", "usage: kill [-s sigspec | -signum | -sigspec] [pid | job]... or kill -l [exitstatus]", 2)) yield return call;
            yield break;
        }
        var status = 0;
        for (; i < args.Count; i++)
        {
            var target = args[i];
            var pids = new List<int>();
            if (target.StartsWith('%'))
            {
                var job = FindJob(target);
                if (job is null)
                {
                    foreach (var call in Fail("kill", $"{target}: no such job")) yield return call;
                    status = 1;
                    continue;
                }
                if (State.Monitor) pids.Add(-job.ProcessGroup);
                else pids.AddRange(job.Pids.Where(p => !job.Statuses.ContainsKey(p)));
            }
            else if (int.TryParse(target, out var pid)) pids.Add(pid);
            else
            {
                foreach (var call in Fail("kill", $"Illegal number: {target}")) yield return call;
                status = 1;
                continue;
            }
            foreach (var pid in pids)
            {
                yield return new Kill(pid, signal);
                if (Failed)
                {
                    yield return Message($"kill: {target}: {P.Result.Error!.Value.Describe()}");
                    status = 1;
                }
            }
        }
        State.LastStatus = status;
    }

    private IEnumerable<SystemCall> JobsBuiltin(List<string> args)
    {
        foreach (var call in Reap()) yield return call;
        var pidsOnly = args.Contains("-p");
        var s = new StringBuilder();
        foreach (var job in State.Jobs)
            s.Append(pidsOnly ? $"{job.ProcessGroup}\n" : JobLine(job));
        State.Jobs.RemoveAll(j => j.Done);
        foreach (var call in Output(s.ToString(), 0)) yield return call;
    }

    private IEnumerable<SystemCall> Foreground(List<string> args)
    {
        var job = FindJob(args.Count > 1 ? args[1] : "%");
        if (job is null)
        {
            foreach (var call in Fail("fg", $"{(args.Count > 1 ? args[1] : "current")}: no such job", 2)) yield return call;
            yield break;
        }
        yield return Io.Out(job.Text + "\n");
        State.Jobs.Remove(job);
        foreach (var call in ForegroundBegin(job.ProcessGroup)) yield return call;
        yield return new Kill(State.Monitor ? -job.ProcessGroup : job.Pids[^1], Signal.SIGCONT);
        var waiting = job.Pids.Where(p => !job.Statuses.ContainsKey(p)).ToList();
        if (waiting.Count == 0)
        {
            foreach (var call in ForegroundEnd()) yield return call;
            State.LastStatus = WaitStatus.ShellCode(job.LastStatus);
            yield break;
        }
        _resumedJobNumber = job.Number;
        foreach (var call in WaitForJob(waiting, job.ProcessGroup, job.Text)) yield return call;
        _resumedJobNumber = 0;
    }

    private IEnumerable<SystemCall> BackgroundBuiltin(List<string> args)
    {
        var job = FindJob(args.Count > 1 ? args[1] : "%");
        if (job is null)
        {
            foreach (var call in Fail("bg", $"{(args.Count > 1 ? args[1] : "current")}: no such job", 2)) yield return call;
            yield break;
        }
        job.Stopped = false;
        yield return new Kill(State.Monitor ? -job.ProcessGroup : job.Pids[^1], Signal.SIGCONT);
        yield return Io.Out($"[{job.Number}] {job.Text} &\n");
        State.LastStatus = 0;
    }
}
