// End-to-end harness: the real ssi CLI on a real pseudo-terminal (Python's pty module), driven key by key.
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Ssi.Tests.Harness;

/// <summary>What the pty said once the CLI had exited: its status and whether the CLI left canonical mode and echo on.</summary>
public sealed record PtyEnd(int ExitCode, bool Canonical, bool Echo);

/// <summary>
/// Runs <c>ssi ARGS</c> (<see cref="Ssi"/>), or a /bin/sh script in which <c>ssi</c> is this build's CLI
/// (<see cref="Shell"/>), on the slave side of a new pty (a session of its own with it as the controlling terminal,
/// 80 columns, TERM=xterm so that .NET finds terminfo sequences it could emit). A small Python
/// bridge copies what the test writes to the master, as typed keys, and everything the CLI writes back; when the CLI
/// exits it reports the pty's final ICANON and ECHO. Output is kept as bytes, escape sequences included.
/// </summary>
public sealed class PtySession : IDisposable
{
    private const string Bridge = """
        import fcntl, json, os, pty, select, struct, sys, termios
        pid, master = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
            os.execvp(sys.argv[1], sys.argv[1:])
        sys.stderr.write(f'{pid}\n')
        sys.stderr.flush()
        keys_open = True
        while True:
            ready = select.select([master] + ([0] if keys_open else []), [], [])[0]
            if 0 in ready:
                keys = os.read(0, 1024)
                if keys: os.write(master, keys)
                else: keys_open = False
            if master in ready:
                try: out = os.read(master, 65536)
                except OSError: out = b''  # EIO: the slave side is closed, the CLI is gone
                if not out: break
                os.write(1, out)
        lflag = termios.tcgetattr(master)[3]
        status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        sys.stderr.write(json.dumps({'exit': status, 'icanon': bool(lflag & termios.ICANON), 'echo': bool(lflag & termios.ECHO)}) + '\n')
        """;

    private readonly Process _bridge;
    private readonly MemoryStream _output = new();
    private readonly Task _reading;
    private readonly Task<string> _report;
    private readonly TaskCompletionSource<int> _pid = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary><c>ssi ARGS</c> on a new pty.</summary>
    public static PtySession Ssi(SsiCli cli, params string[] args) => new(cli, ["dotnet", SsiCli.Dll, .. args]);

    /// <summary>A /bin/sh script on a new pty, where <c>ssi</c> runs this build's CLI; the script's redirections decide what is a terminal.</summary>
    public static PtySession Shell(SsiCli cli, string script) => new(cli, ["/bin/sh", "-c", "ssi() { dotnet \"$SSI_DLL\" \"$@\"; }\n" + script]);

    private PtySession(SsiCli cli, string[] command)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = SsiCli.RepoRoot,
        };
        foreach (var a in (string[])["-c", Bridge, .. command]) start.ArgumentList.Add(a);
        start.Environment["SSI_DLL"] = SsiCli.Dll;
        start.Environment[global::Ssi.Actors.Configuration.SsiHome.EnvironmentVariable] = cli.Home.Root;
        start.Environment["TERM"] = "xterm";
        _bridge = Process.Start(start)!;
        _reading = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            int n;
            while ((n = await _bridge.StandardOutput.BaseStream.ReadAsync(buffer)) > 0)
                lock (_output) _output.Write(buffer, 0, n);
        });
        _report = Task.Run(async () =>
        {
            var first = await _bridge.StandardError.ReadLineAsync();
            if (int.TryParse(first, out var pid)) _pid.TrySetResult(pid);
            else _pid.TrySetException(new InvalidOperationException($"the pty bridge did not say its child's pid: {first}"));
            return first + "\n" + await _bridge.StandardError.ReadToEndAsync();
        });
    }

    /// <summary>The PID (on this host) of the process on the pty: the CLI, or the shell that runs the script.</summary>
    public Task<int> ProcessId => _pid.Task;

    /// <summary>Everything the CLI has written to the terminal so far.</summary>
    public byte[] Output
    {
        get { lock (_output) return _output.ToArray(); }
    }

    /// <summary>The output as lines (the terminal ends them with CR LF).</summary>
    public List<string> Lines() => [.. Encoding.UTF8.GetString(Output).Split("\r\n")];

    /// <summary>Types <paramref name="keys"/> on the terminal, as they are: no Enter is added.</summary>
    public async Task TypeAsync(string keys)
    {
        await _bridge.StandardInput.WriteAsync(keys);
        await _bridge.StandardInput.FlushAsync();
    }

    /// <summary>Waits until the output satisfies <paramref name="condition"/>; on timeout says what was seen.</summary>
    public async Task AwaitOutputAsync(Func<List<string>, bool> condition, string what, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (!condition(Lines()))
        {
            if (DateTime.UtcNow > until || _reading.IsCompleted && !condition(Lines()))
                throw new TimeoutException($"{what}: not seen; the terminal showed:\n{Encoding.UTF8.GetString(Output)}\n(bridge {(_bridge.HasExited ? "exited" : "running")})");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits for the CLI to exit and for the last of its output.</summary>
    public async Task<PtyEnd> WaitForExitAsync(TimeSpan deadline)
    {
        await _bridge.WaitForExitAsync().WaitAsync(deadline);
        await _reading.WaitAsync(deadline);
        var report = (await _report).Trim().Split('\n')[^1];
        try
        {
            var json = JsonDocument.Parse(report).RootElement;
            return new PtyEnd(json.GetProperty("exit").GetInt32(), json.GetProperty("icanon").GetBoolean(), json.GetProperty("echo").GetBoolean());
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"the pty bridge did not report: {report}");
        }
    }

    public void Dispose()
    {
        if (!_bridge.HasExited) _bridge.Kill(entireProcessTree: true);
        _bridge.WaitForExit(10_000);
        _bridge.Dispose();
    }
}
