// Processes that keep CPUs busy during a benchmark, killed when disposed.
using System.Diagnostics;

namespace Ssi.Host.Bench;

public sealed class CpuBurners : IDisposable
{
    private readonly List<Process> _processes;

    private CpuBurners(List<Process> processes) => _processes = processes;

    /// <summary>Starts one busy-looping shell per CPU; each stops by itself after a bound, should this process die.</summary>
    public static CpuBurners Start(int count, int maxSeconds = 300)
    {
        var list = new List<Process>();
        for (var i = 0; i < count; i++)
        {
            var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"end=$(( $(date +%s) + {maxSeconds} )); while [ $(date +%s) -lt $end ]; do i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; done");
            list.Add(Process.Start(start)!);
        }
        return new CpuBurners(list);
    }

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            try
            {
                p.Kill();
                p.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // already exited
            }
            p.Dispose();
        }
    }
}
