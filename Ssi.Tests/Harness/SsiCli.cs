// End-to-end harness: runs the real ssi CLI against real node processes in a temporary $SSI_HOME, and cleans up after.
using System.Diagnostics;
using System.Text.Json;
using Ssi.Actors.Configuration;
using Ssi.Host.Launcher;

namespace Ssi.Tests.Harness;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

public sealed class SsiCli : IDisposable
{
    private readonly TempHome _home = new();

    public SsiHome Home => _home.Home;

    /// <summary>The repository root, found from the test binary's location.</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ssi.slnx"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root (with ./ssi) not found");
        }
    }

    /// <summary>Runs `ssi ARGS` from the build the tests were compiled with (the same code ./ssi builds).</summary>
    public Task<CliResult> RunAsync(params string[] args) =>
        RunProcessAsync("dotnet", [typeof(Ssi.Host.Program).Assembly.Location, .. args], TimeSpan.FromMinutes(3));

    /// <summary>Runs the repo's ./ssi script itself (it builds on first use).</summary>
    public Task<CliResult> RunScriptAsync(params string[] args) =>
        RunProcessAsync(Path.Combine(RepoRoot, "ssi"), args, TimeSpan.FromMinutes(5));

    private async Task<CliResult> RunProcessAsync(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment[SsiHome.EnvironmentVariable] = Home.Root;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ssi {string.Join(' ', args)} did not finish within {timeout}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Pids of this home's live node processes.</summary>
    public IReadOnlyDictionary<int, int> LiveNodePids() =>
        Enumerable.Range(1, 15).Select(n => (n, pid: NodeProcess.LivePid(Home, n))).Where(x => x.pid is not null)
            .ToDictionary(x => x.n, x => x.pid!.Value);

    public void Dispose()
    {
        foreach (var (node, pid) in LiveNodePids())
        {
            NodeProcess.Signal(pid, PosixSignalNumber.SIGKILL);
            NodeProcess.WaitForExitAsync(pid, node, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        }
        _home.Dispose();
    }
}
