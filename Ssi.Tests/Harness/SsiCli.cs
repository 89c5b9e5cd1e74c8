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

    /// <summary>Fails the test unless the command exited 0, saying what it printed (a failed start says why).</summary>
    public CliResult Succeeded()
    {
        Xunit.Assert.True(ExitCode == 0, ToString());
        return this;
    }
}

/// <summary>A run whose stdout is kept as bytes, for output that need not be UTF-8 (raw file names).</summary>
public sealed record CliBytes(int ExitCode, byte[] Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout (hex): {Convert.ToHexString(Stdout)}\nstderr:\n{Stderr}";
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

    /// <summary>
    /// The CLI these tests run, as users run it: the repo's ./ssi build (ReadyToRun compiled, so each command and each
    /// node's boot spends less CPU), made once per test run from the sources the tests were compiled from.
    /// </summary>
    public static string Dll => BuiltDll.Value;

    private static readonly Lazy<string> BuiltDll = new(() =>
    {
        var script = Path.Combine(RepoRoot, "ssi");
        using var build = Process.Start(new ProcessStartInfo(script, ["--help"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var stdout = build.StandardOutput.ReadToEndAsync(); // drained, so a full pipe never stalls the build
        var stderr = build.StandardError.ReadToEndAsync();
        if (!build.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            build.Kill(entireProcessTree: true);
            throw new TimeoutException("./ssi did not build the CLI within 10 minutes (see .build/build.log)");
        }
        if (build.ExitCode != 0) throw new InvalidOperationException($"./ssi could not build the CLI: {stderr.Result} (see .build/build.log)");
        return Path.Combine(RepoRoot, ".build", "ssi", "ssi.dll");
    });

    /// <summary>Runs `ssi ARGS` from the ./ssi build (the same sources the tests were compiled from).</summary>
    public Task<CliResult> RunAsync(params string[] args) =>
        RunProcessAsync("dotnet", [Dll, .. args], TimeSpan.FromMinutes(3));

    /// <summary>Runs `ssi ARGS` that may take longer than the usual 3 minutes (chaos runs, benchmarks).</summary>
    public Task<CliResult> RunLongAsync(TimeSpan timeout, params string[] args) =>
        RunProcessAsync("dotnet", [Dll, .. args], timeout);

    /// <summary>Runs the repo's ./ssi script itself (it builds on first use).</summary>
    public Task<CliResult> RunScriptAsync(params string[] args) =>
        RunProcessAsync(Path.Combine(RepoRoot, "ssi"), args, TimeSpan.FromMinutes(5));

    /// <summary>Runs `ssi ARGS` with more environment variables (another credential, another $SSI_HOME).</summary>
    public Task<CliResult> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunProcessAsync("dotnet", [Dll, .. args], TimeSpan.FromMinutes(3), environment: environment);

    /// <summary>Runs `ssi ARGS` with <paramref name="input"/> on its stdin (then closed).</summary>
    public Task<CliResult> RunWithInputAsync(string input, params string[] args) =>
        RunProcessAsync("dotnet", [Dll, .. args], TimeSpan.FromMinutes(3), input);

    /// <summary>
    /// Runs a /bin/sh script in which <c>ssi</c> is this build's CLI, for arguments that are raw bytes
    /// (<c>ssi fs mkdir "$(printf '/tmp/\377')"</c>), which ProcessStartInfo's strings cannot carry.
    /// </summary>
    public async Task<CliBytes> RunShellAsync(string script, IReadOnlyDictionary<string, string>? environment = null)
    {
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["SSI_DLL"] = Dll,
        };
        var (exit, stdout, stderr) = await RunRawAsync("/bin/sh", ["-c", "ssi() { dotnet \"$SSI_DLL\" \"$@\"; }\n" + script],
            TimeSpan.FromMinutes(3), "", variables);
        return new CliBytes(exit, stdout, stderr);
    }

    /// <summary>For a failure message: the last warnings and errors of every node's log (what a post-mortem needs first).</summary>
    /// <param name="alsoContaining">Lines that contain this are notable too (a test's own subject).</param>
    /// <summary>
    /// A program of this build's spec or test assemblies, added as users add programs: its assembly put at
    /// /usr/lib/ssi-tests.dll, and /bin/NAME naming the class there.
    /// </summary>
    public async Task InstallProgramAsync(string name, Type program)
    {
        const string assembly = "/usr/lib/ssi-tests.dll";
        if ((await RunAsync("fs", "stat", "/usr/lib")).ExitCode != 0) (await RunAsync("fs", "mkdir", "/usr/lib")).Succeeded();
        if ((await RunAsync("fs", "stat", assembly)).ExitCode != 0) (await RunAsync("fs", "put", program.Assembly.Location, assembly)).Succeeded();
        var entry = Path.Combine(Home.Root, name);
        await File.WriteAllTextAsync(entry, $"{Ssi.Vproc.Programs.ProgramCatalog.Magic}{program.FullName} @{assembly}\n");
        (await RunAsync("fs", "put", entry, "/bin/" + name)).Succeeded();
        (await RunAsync("fs", "chmod", "755", "/bin/" + name)).Succeeded();
    }

    public string NodeLogTails(int lines = 15, string? alsoContaining = null)
    {
        if (!Directory.Exists(Home.LogDir)) return "(no logs)";
        var tails = Directory.GetFiles(Home.LogDir, "node-*.log").Order().Select(file =>
        {
            string[] all;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                all = new StreamReader(stream).ReadToEnd().Split('\n');
            }
            catch (IOException e)
            {
                return $"{Path.GetFileName(file)}: unreadable ({e.Message})";
            }
            var notable = all.Where(l => l.Contains("WARN", StringComparison.OrdinalIgnoreCase) || l.Contains("ERR", StringComparison.OrdinalIgnoreCase)
                || l.Contains("DOWN", StringComparison.Ordinal) || l.Contains("nreachable", StringComparison.Ordinal)
                || (alsoContaining is not null && l.Contains(alsoContaining, StringComparison.OrdinalIgnoreCase))).TakeLast(lines);
            return $"--- {Path.GetFileName(file)}\n" + string.Join('\n', notable);
        });
        return string.Join('\n', tails);
    }

    private readonly List<Process> _background = new();

    /// <summary>Starts `ssi ARGS` and lets it run; it is killed when the harness is disposed if still running.</summary>
    public Process Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts `ssi ARGS` with these variables added to its environment, as <see cref="Start(string[])"/>.</summary>
    public Process Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = StartInfo("dotnet", [Dll, .. args]);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = Process.Start(start)!;
        _background.Add(process);
        return process;
    }

    /// <summary>The command line of `ssi ARGS` from the tests' build, for <see cref="StartLogged"/>.</summary>
    public static string[] Command(params string[] args) => ["dotnet", Dll, .. args];

    /// <summary>
    /// Starts a command (`ip netns exec HOST ssi node ...`, say) with its stdout and stderr in <paramref name="logFile"/>,
    /// so nothing blocks on a full pipe; it is killed when the harness is disposed if still running.
    /// </summary>
    public Process StartLogged(string logFile, IReadOnlyDictionary<string, string> environment, params string[] command)
    {
        var start = StartInfo("sh", ["-c", "exec \"$0\" \"$@\" >\"$SSI_TEST_LOG\" 2>&1", .. command]);
        start.Environment["SSI_TEST_LOG"] = logFile;
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = Process.Start(start)!;
        process.StandardInput.Close();
        _background.Add(process);
        return process;
    }

    private ProcessStartInfo StartInfo(string file, IEnumerable<string> args)
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
        return start;
    }

    private async Task<CliResult> RunProcessAsync(string file, IEnumerable<string> args, TimeSpan timeout, string input = "", IReadOnlyDictionary<string, string>? environment = null)
    {
        var (exit, stdout, stderr) = await RunRawAsync(file, args, timeout, input, environment);
        return new CliResult(exit, System.Text.Encoding.UTF8.GetString(stdout), stderr);
    }

    private async Task<(int Exit, byte[] Stdout, string Stderr)> RunRawAsync(string file, IEnumerable<string> args, TimeSpan timeout, string input, IReadOnlyDictionary<string, string>? environment)
    {
        var start = StartInfo(file, args);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        if (input.Length > 0) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = ReadAllAsync(process.StandardOutput.BaseStream);
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
        return (process.ExitCode, await stdout, await stderr);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var bytes = new MemoryStream();
        await stream.CopyToAsync(bytes);
        return bytes.ToArray();
    }

    /// <summary>Pids of this home's live node processes.</summary>
    public IReadOnlyDictionary<int, int> LiveNodePids() =>
        Enumerable.Range(1, 15).Select(n => (n, pid: NodeProcess.LivePid(Home, n))).Where(x => x.pid is not null)
            .ToDictionary(x => x.n, x => x.pid!.Value);

    public void Dispose()
    {
        foreach (var process in _background)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
            process.Dispose();
        }
        foreach (var (node, pid) in LiveNodePids())
        {
            NodeProcess.Signal(pid, PosixSignalNumber.SIGKILL);
            NodeProcess.WaitForExitAsync(pid, node, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        }
        _home.Dispose();
    }
}
