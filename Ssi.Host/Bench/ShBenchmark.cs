// Shell benchmark: a loop of fork+exec under the cluster's sh and a 3-node pipeline, each beside dash and a host pipeline in the same run.
using System.CommandLine;
using Akka.Actor;
using System.Diagnostics;
using System.Globalization;
using Ssi.Cfs.Permissions;
using Ssi.Host.Cli;
using Ssi.Host.Client;
using Ssi.Host.Launcher;
using Row = Ssi.Host.Bench.ProcBenchmark.Row;

namespace Ssi.Host.Bench;

public static class ShBenchmark
{
    public static Command Command()
    {
        var commands = new Option<int>("--commands") { Description = "commands in the timed loop", DefaultValueFactory = _ => 1000 };
        var megabytes = new Option<int>("--megabytes") { Description = "MiB through the 3-stage pipeline", DefaultValueFactory = _ => 100 };
        var rounds = new Option<int>("--rounds") { Description = "timed rounds of each case", DefaultValueFactory = _ => 5 };
        var keys = new Option<int>("--keys") { Description = "timed keystrokes of the echo case", DefaultValueFactory = _ => 2000 };
        var warmup = new Option<double>("--warmup") { Description = "seconds of untimed work before each case is timed", DefaultValueFactory = _ => 3 };
        var json = new JsonOption();
        var command = new Command("sh", """
            Boots a 3-node cluster in a temporary $SSI_HOME and measures the cluster's sh, each beside a baseline
            measured in the same run (medians of --rounds):
              - a loop of --commands /bin/true commands (each a fork and an exec) under 'sh -c' on node 1, against
                the same script under the host's dash;
              - 'onnode 1 head -c N /dev/zero | onnode 2 cat | onnode 3 wc -c' moving --megabytes MiB, against the
                same pipeline of host processes, and against a bare Akka.Remote stream of 64 KiB chunks from node 1
                to node 2 (at most 4 unacknowledged);
              - the echo of --keys keystrokes on the pts of an interactive sh on node 2 (the line discipline is on
                the client's contact node), against the echo of a host pty and an Akka round trip between nodes.
            Each case runs untimed for --warmup seconds first (.NET optimises a path once it has run a while).

            Examples:
              ssi bench sh
              ssi bench sh --commands 200 --megabytes 16 --rounds 3 --json
            """);
        foreach (var o in new Option[] { commands, megabytes, rounds, keys, warmup, json }) command.Options.Add(o);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("bench sh", async token =>
        {
            if (parse.GetValue(commands) < 1 || parse.GetValue(megabytes) < 1 || parse.GetValue(rounds) < 1 || parse.GetValue(keys) < 1 || parse.GetValue(warmup) < 0)
                throw CliException.Usage("--commands, --megabytes, --rounds and --keys must be at least 1, --warmup at least 0");
            var quiet = parse.GetValue(json);
            var rows = new List<Row>();
            await BootBenchmark.WithClusterAsync(3, token, async (cluster, _) => rows.AddRange(await MeasureAsync(cluster,
                parse.GetValue(commands), (long)parse.GetValue(megabytes) << 20, parse.GetValue(rounds), parse.GetValue(keys), parse.GetValue(warmup), quiet, token)));
            Console.Write(quiet ? ProcBenchmark.Json(rows, "sh") : ProcBenchmark.Table(rows));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static string Loop(int count) => $"i=0; while [ $i -lt {count} ]; do /bin/true; i=$((i+1)); done";

    private static string Pipeline(long bytes, bool onNodes) =>
        onNodes ? $"onnode 1 head -c {bytes} /dev/zero | onnode 2 cat | onnode 3 wc -c" : $"head -c {bytes} /dev/zero | cat | wc -c";

    private static async Task<List<Row>> MeasureAsync(LocalCluster cluster, int commands, long bytes, int rounds, int keys, double warmup, bool quiet, CancellationToken ct)
    {
        void Say(string line) => (quiet ? Console.Error : Console.Out).WriteLine(line);
        await using var client = new SsiClient(cluster.Connect(), Credentials.Root);
        var rows = new List<Row>();
        var warm = TimeSpan.FromSeconds(warmup);

        Say($"a loop of {commands} fork+exec commands: sh on node 1, dash on the host");
        await WarmAsync(warm, () => ShellAsync(client, Loop(Math.Max(1, commands / 10)), ct));
        var ssiLoop = new List<double>();
        for (var i = 0; i < rounds; i++) ssiLoop.Add(await ShellAsync(client, Loop(commands), ct) * 1e6 / commands);
        await WarmAsync(warm, () => Task.FromResult(Host(Loop(Math.Max(1, commands / 10)))));
        var dashLoop = Enumerable.Range(0, rounds).Select(_ => Host(Loop(commands)) * 1e6 / commands).ToList();
        rows.Add(new Row($"sh loop of {commands} /bin/true, per command", "us", ssiLoop, "dash on the host, per command", dashLoop));

        Say($"{bytes >> 20} MiB through a 3-stage pipeline across nodes 1, 2, 3");
        var small = Math.Max(1L << 20, bytes / 10);
        await WarmAsync(warm, () => ShellAsync(client, Pipeline(small, onNodes: true), ct));
        var ssiPipe = new List<double>();
        for (var i = 0; i < rounds; i++) ssiPipe.Add(bytes / (await ShellAsync(client, Pipeline(bytes, onNodes: true), ct) * 1e6));
        var hostPipe = Enumerable.Range(0, rounds + 1).Select(_ => bytes / (Host(Pipeline(bytes, onNodes: false)) * 1e6)).Skip(1).ToList();
        await client.Processes.StreamAsync(1, 2, 65536, bytes / 4, 4, TimeSpan.FromMinutes(10), ct);
        var akka = new List<double>();
        for (var i = 0; i < rounds; i++) akka.Add((await client.Processes.StreamAsync(1, 2, 65536, bytes, 4, TimeSpan.FromMinutes(10), ct)).MegabytesPerSecond);
        rows.Add(new Row("sh pipeline across 3 nodes", "MB/s", ssiPipe, "host pipeline head | cat | wc", hostPipe));
        rows.Add(new Row("sh pipeline across 3 nodes", "MB/s", ssiPipe, "Akka.Remote stream, 64 KiB chunks", akka));

        Say($"keystroke echo on a pts, the shell on node 2: {keys} keys");
        var echo = await EchoAsync(client, keys, warm, ct);
        var hostEcho = HostPtyEcho(keys, warm);
        var trip = (await client.Processes.PingAsync(1, 2, keys, TimeSpan.FromMinutes(5), ct)).Microseconds.ToList();
        rows.Add(new Row("keystroke echo, sh on node 2", "us", echo, "host pty echo", hostEcho));
        rows.Add(new Row("keystroke echo, sh on node 2", "us", echo, "Akka round trip node 1 -> node 2", trip));
        return rows;
    }

    /// <summary>
    /// Microseconds from a key sent by a client to its echo coming back, for an interactive sh on node 2 whose pts
    /// (and line discipline) is on the client's contact node, as `ssi sh --node 2` on a terminal has it.
    /// </summary>
    private static async Task<List<double>> EchoAsync(SsiClient client, int count, TimeSpan warmup, CancellationToken ct)
    {
        var echoed = new SemaphoreSlim(0);
        var sink = new EchoSink(echoed);
        var ended = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var attachment = client.ActorOf(TerminalAttachment.Props(sink, sink, ended, client.Settings), "bench-echo");
        var started = await client.Processes.RunAsync(2, ["sh", "-i"], System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add("PS1", ""),
            "/", attachment, ct: ct, streams: new Ssi.Vproc.ProcessTable.HostStreams(true, true, true));
        attachment.Tell(new TerminalAttachment.Attach(started.Terminal));
        var times = new List<double>();
        var warm = Stopwatch.StartNew();
        var typed = 0;
        while (times.Count < count)
        {
            if (++typed % 1000 == 0)
            {
                // ^U empties the line (a canonical line holds 4,095 characters); its echo is not timed.
                await SendAsync(attachment, [0x15]);
                while (await echoed.WaitAsync(TimeSpan.FromMilliseconds(200), ct)) { }
            }
            var clock = Stopwatch.StartNew();
            await SendAsync(attachment, "x"u8.ToArray());
            if (!await echoed.WaitAsync(TimeSpan.FromSeconds(10), ct)) throw new CliException(Ssi.Actors.Errors.Errno.ETIMEDOUT, "no echo from the pts within 10 s");
            if (warm.Elapsed >= warmup) times.Add(clock.Elapsed.TotalMicroseconds);
        }
        await SendAsync(attachment, [0x15]);
        await SendAsync(attachment, "exit\n"u8.ToArray());
        await ended.Task.WaitAsync(TimeSpan.FromMinutes(1), ct);
        return times;
    }

    private static async Task SendAsync(IActorRef attachment, byte[] keys)
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        attachment.Tell(new TerminalAttachment.Input(keys, sent));
        await sent.Task;
    }

    /// <summary>Output of the echo benchmark's terminal: each write releases one waiter.</summary>
    private sealed class EchoSink(SemaphoreSlim echoed) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => 0;
        public override long Position { get => 0; set { } }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => echoed.Release();
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int openpty(out int master, out int slave, IntPtr name, IntPtr termios, IntPtr size);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern nint read(int fd, byte[] buffer, nint count);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern nint write(int fd, byte[] buffer, nint count);

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern int close(int fd);

    /// <summary>Microseconds from a byte written to a host pty's master to its echo read back (the kernel's line discipline, ECHO on).</summary>
    private static List<double> HostPtyEcho(int count, TimeSpan warmup)
    {
        if (openpty(out var master, out var slave, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero) != 0)
            throw new CliException(Ssi.Actors.Errors.Errno.EIO, "openpty failed");
        try
        {
            var key = "x"u8.ToArray();
            var kill = new byte[] { 0x15 };
            var buffer = new byte[4096];
            var times = new List<double>();
            var warm = Stopwatch.StartNew();
            var typed = 0;
            while (times.Count < count)
            {
                if (++typed % 1000 == 0)
                {
                    write(master, kill, 1);
                    read(master, buffer, buffer.Length);
                }
                var clock = Stopwatch.StartNew();
                write(master, key, 1);
                if (read(master, buffer, buffer.Length) < 1) throw new CliException(Ssi.Actors.Errors.Errno.EIO, "no echo from the host pty");
                if (warm.Elapsed >= warmup) times.Add(clock.Elapsed.TotalMicroseconds);
            }
            return times;
        }
        finally
        {
            close(master);
            close(slave);
        }
    }

    private static async Task WarmAsync(TimeSpan warmup, Func<Task<double>> run)
    {
        var clock = Stopwatch.StartNew();
        do await run();
        while (clock.Elapsed < warmup);
    }

    /// <summary>Seconds for 'sh -c SCRIPT' on node 1, from its start to its exit.</summary>
    private static async Task<double> ShellAsync(SsiClient client, string script, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await ProcBenchmark.RunAsync(client, 1, ["sh", "-c", script], ct);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Seconds for the host's dash (or /bin/sh) to run SCRIPT.</summary>
    private static double Host(string script)
    {
        var shell = File.Exists("/bin/dash") ? "/bin/dash" : "/bin/sh";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo(shell, ["-c", script]) { UseShellExecute = false, RedirectStandardOutput = true })!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new CliException(Ssi.Actors.Errors.Errno.EIO, $"{shell} -c '{script}' exited {process.ExitCode}");
        return clock.Elapsed.TotalSeconds;
    }
}
