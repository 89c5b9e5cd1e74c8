// The cluster's sh against the host's dash as the oracle: each script of ShellScripts/ runs under both, byte for byte.
using System.Diagnostics;
using Ssi.Tests.Harness;

namespace Ssi.Tests.EndToEnd;

/// <summary>One cluster of 3 real nodes for all the scripts, stopped at the end.</summary>
public sealed class ShellOracleCluster : IAsyncLifetime
{
    public SsiCli Ssi { get; } = new();

    public async Task InitializeAsync() => (await Ssi.RunAsync("start", "3")).Succeeded();

    public async Task DisposeAsync()
    {
        await Ssi.RunAsync("stop");
        Ssi.Dispose();
    }
}

/// <summary>
/// Each script runs under the host's dash (with <c>onnode N</c>, <c>fast</c> and <c>migrate N</c> as stand-ins that run in place) and under
/// <c>ssi sh -c</c> on 3 nodes, where onnode and fast place commands and migrate moves the shell mid-script; stdout and the
/// exit status must be equal byte for byte. No output is written by hand: the host is the oracle.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ShellOracleTests(ShellOracleCluster cluster) : IClassFixture<ShellOracleCluster>
{
    private static readonly string ScriptDirectory = Path.Combine(AppContext.BaseDirectory, "ShellScripts");

    public static TheoryData<string> Scripts =>
        [.. Directory.GetFiles(ScriptDirectory, "*.sh").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Script_prints_and_exits_as_under_dash(string name)
    {
        var body = await File.ReadAllTextAsync(Path.Combine(ScriptDirectory, name + ".sh"));
        // Each run in a fresh directory of its own /tmp (the host's, and the cluster's).
        var dir = $"/tmp/ssi-oracle-{Environment.ProcessId}-{Guid.NewGuid():N}";
        var prologue = $"T={dir}; rm -rf \"$T\"; mkdir -p \"$T\" && cd \"$T\" || exit 99\n";
        try
        {
            var host = await DashAsync("onnode() { shift; \"$@\"; }; fast() { \"$@\"; }; migrate() { :; }; " + prologue + body);
            var ssi = await cluster.Ssi.RunShellAsync("ssi sh -c \"$SCRIPT\"", new Dictionary<string, string> { ["SCRIPT"] = prologue + body });
            Assert.True(host.Exit == ssi.ExitCode && host.Stdout.SequenceEqual(ssi.Stdout),
                $"{name}: dash exited {host.Exit}, ssi sh {ssi.ExitCode}\n--- dash stdout\n{Text(host.Stdout)}\n--- ssi stdout\n{Text(ssi.Stdout)}\n--- ssi stderr\n{ssi.Stderr}");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);

    private static async Task<(int Exit, byte[] Stdout)> DashAsync(string script)
    {
        var shell = File.Exists("/bin/dash") ? "/bin/dash" : "/bin/sh";
        var start = new ProcessStartInfo(shell) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";
        start.Environment["HOME"] = "/root";
        using var process = Process.Start(start)!;
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var drain = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(deadline.Token);
        await copy;
        await drain;
        return (process.ExitCode, stdout.ToArray());
    }
}
