// Starting, finding and killing the OS process of one local node.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Ssi.Actors.Configuration;

namespace Ssi.Host.Launcher;

public static class NodeProcess
{
    /// <summary>
    /// Starts `ssi node --node N --config FILE...` detached from the caller: its own session, stdin from /dev/null and
    /// output appended to the node's log, so no pipe of the caller is held open. Returns its pid.
    /// </summary>
    public static int Spawn(SsiHome home, int node, IReadOnlyList<string> configFiles)
    {
        var ssiDll = typeof(NodeProcess).Assembly.Location;
        var dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // sh backgrounds the node without job control, so setsid needs no fork and $! is the node's own pid.
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("log=$1; shift; setsid \"$@\" </dev/null >>\"$log\" 2>&1 & echo $!");
        start.ArgumentList.Add("ssi-launch");
        start.ArgumentList.Add(home.NodeLogFile(node));
        start.ArgumentList.Add(dotnet);
        start.ArgumentList.Add(ssiDll);
        start.ArgumentList.Add("node");
        start.ArgumentList.Add("--node");
        start.ArgumentList.Add(node.ToString(CultureInfo.InvariantCulture));
        foreach (var file in configFiles)
        {
            start.ArgumentList.Add("--config");
            start.ArgumentList.Add(file);
        }
        start.Environment[SsiHome.EnvironmentVariable] = home.Root;
        using var sh = Process.Start(start) ?? throw new InvalidOperationException("cannot start /bin/sh");
        sh.StandardInput.Close();
        var line = sh.StandardOutput.ReadLine();
        sh.WaitForExit();
        if (!int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            throw new InvalidOperationException($"could not start node {node}");
        File.WriteAllText(home.NodePidFile(node), pid.ToString(CultureInfo.InvariantCulture) + "\n");
        return pid;
    }

    /// <summary>The pid of node N's live process, or null; a pid file left by a dead or reused pid does not count.</summary>
    public static int? LivePid(SsiHome home, int node)
    {
        var file = home.NodePidFile(node);
        if (!File.Exists(file)) return null;
        if (!int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return null;
        return IsNodeProcess(pid, node) ? pid : null;
    }

    /// <summary>True while the pid is a running (not zombie) `ssi node --node N` process.</summary>
    public static bool IsNodeProcess(int pid, int node)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault();
            if (state is 'Z' or 'X') return false;
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline.Contains($"\0node\0--node\0{node}\0", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static void Signal(int pid, PosixSignalNumber signal)
    {
        if (Kill(pid, (int)signal) != 0 && Marshal.GetLastPInvokeError() != Esrch)
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    // Not a tunable: how finely a wait notices the process is gone, far below any timeout it is given.
    private static readonly TimeSpan ExitPollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until the node's process is gone; false if it is still there at the deadline.</summary>
    public static async Task<bool> WaitForExitAsync(int pid, int node, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsNodeProcess(pid, node))
        {
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(ExitPollInterval);
        }
        return true;
    }

    /// <summary>The last lines of node N's log, to explain why it died.</summary>
    public static string LogTail(SsiHome home, int node, int lines = 5)
    {
        var file = home.NodeLogFile(node);
        if (!File.Exists(file)) return "";
        var tail = File.ReadLines(file, Encoding.UTF8).TakeLast(lines);
        return string.Join(Environment.NewLine, tail);
    }

    private const int Esrch = 3;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

public enum PosixSignalNumber
{
    SIGKILL = 9,
    SIGTERM = 15,
    SIGCONT = 18,
    SIGSTOP = 19,
}
