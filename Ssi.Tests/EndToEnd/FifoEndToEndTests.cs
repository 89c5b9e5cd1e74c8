// End to end, as the HOWTO does it: a FIFO made on node 1, read by cat on node 2, written by tee on node 3 from a host pipe.
using Ssi.Tests.Harness;

namespace Ssi.Tests.EndToEnd;

[Trait("Category", "EndToEnd")]
public sealed class FifoEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Cat_on_node_2_waits_for_the_fifo_until_tee_on_node_3_writes_hello_into_it()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "3")).Succeeded();
        (await ssi.RunAsync("run", "--node", "1", "mkfifo", "/tmp/fifo")).Succeeded();

        var reader = ssi.Start("onnode", "2", "cat", "/tmp/fifo"); // the harness kills and disposes it
        reader.StandardInput.Close();
        var readerOut = reader.StandardOutput.ReadToEndAsync();
        // cat is running on node 2 and waits in open: no writer has the FIFO open yet.
        var deadline = DateTime.UtcNow + Deadline;
        while (!(await ssi.RunAsync("ps")).Stdout.Split('\n').Any(l => l.Contains("cat /tmp/fifo")))
        {
            Assert.False(reader.HasExited, "cat ended before anyone wrote");
            Assert.True(DateTime.UtcNow < deadline, "cat never showed in ssi ps");
            await Task.Delay(200);
        }
        Assert.False(reader.HasExited);

        var writer = await ssi.RunShellAsync("echo 'hello' | ssi onnode 3 tee /tmp/fifo");
        Assert.True(writer.ExitCode == 0, writer.ToString());
        Assert.Equal("hello\n", System.Text.Encoding.UTF8.GetString(writer.Stdout));

        await reader.WaitForExitAsync(new CancellationTokenSource(Deadline).Token);
        Assert.Equal(0, reader.ExitCode);
        Assert.Equal("hello\n", await readerOut);
        (await ssi.RunAsync("stop")).Succeeded();
    }
}
