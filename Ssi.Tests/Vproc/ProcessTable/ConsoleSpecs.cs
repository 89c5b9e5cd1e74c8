// Multi-node specs of the nodes' consoles: /devfs/nodeN/console from any node, /dev/console on its own node, one
// client attached through another node, and ENXIO for a node that is not up.
using System.Text;
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Permissions;
using Ssi.Tests.Harness;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Tests.Vproc.ProcessTable;

public sealed class ConsoleSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly Credentials Ann = Credentials.Of(1000, 1000);
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(3, prepareRoot: SpecPrograms.Install);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>A client of node <paramref name="node"/>'s console, attached through <paramref name="contact"/> as ssi console is.</summary>
    private async Task<(TerminalClient Client, object Reply)> AttachAsync(int contact, int node)
    {
        var clientRef = _cluster[contact].System.ActorOf(Props.Create(() => new TerminalClient()));
        var client = await clientRef.Ask<TerminalClient>(new TerminalClient.Itself(), Timeout);
        var reply = await _cluster.AskProcesses(contact, new AttachConsole(Credentials.Root, new NodeNumber(node), clientRef), Timeout);
        if (reply is ConsoleOpened opened) clientRef.Tell(new TerminalClient.Attach(opened.Console));
        return (client, reply);
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(int node, Credentials who, string? input, params string[] args)
    {
        var (_, client) = await _cluster.RunAsync(1, node, who, args, Timeout);
        if (input is not null)
        {
            client.Ref.Tell(new TerminalClient.Send(new TerminalInput(Encoding.UTF8.GetBytes(input))));
            client.Ref.Tell(new TerminalClient.Send(TerminalInputEnd.Instance));
        }
        int status;
        try
        {
            status = await client.Ended.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"{string.Join(' ', args)} did not exit; it wrote:\n{client.Stdout}\nand on stderr:\n{client.Stderr}");
        }
        Assert.True(WaitStatus.IfExited(status), $"{string.Join(' ', args)}: status {status}\n{client.Stderr}");
        return (WaitStatus.ExitStatus(status), client.Stdout, client.Stderr);
    }

    /// <summary>Attaches as soon as the console has seen its last client go (it hears of that asynchronously).</summary>
    private async Task<TerminalClient> AttachOnceFreeAsync(int contact, int node)
    {
        var until = DateTime.UtcNow + Timeout;
        while (true)
        {
            var (client, reply) = await AttachAsync(contact, node);
            if (reply is ConsoleOpened) return client;
            Assert.Equal(Errno.EBUSY, Assert.IsType<Failed>(reply).Errno);
            if (DateTime.UtcNow > until) throw new TimeoutException($"node {node}'s console stayed busy");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Node_2s_console_shows_what_node_3_writes_to_a_client_attached_through_node_1_and_gives_node_2_what_it_types()
    {
        var (console, reply) = await AttachAsync(contact: 1, node: 2);
        Assert.IsType<ConsoleOpened>(reply);

        var tee = await RunAsync(3, Credentials.Root, "hello\n", "tee", "/devfs/node2/console");
        Assert.Equal((0, "hello\n"), (tee.Code, tee.Stdout));
        await _cluster.AwaitAsync(() => console.Stdout == "hello\n", Timeout, () => $"the console client shows {console.Stdout}");

        // /dev/console on node 2 is the same console: a read there waits for what its client types.
        var reading = RunAsync(2, Credentials.Root, null, "head", "-n", "1", "/dev/console");
        // Nothing typed yet: head must still be waiting (a negative check, so a fixed pause; a fast read only makes it pass more easily).
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(reading.IsCompleted, "head did not wait for input at the console");
        console.Ref.Tell(new TerminalClient.Send(new TerminalInput(Encoding.UTF8.GetBytes("typed at the console\n"))));
        var head = await reading;
        Assert.Equal((0, "typed at the console\n"), (head.Code, head.Stdout));

        // One client at a time; once it has gone, output goes to the node's log and writers go on.
        var (_, second) = await AttachAsync(contact: 3, node: 2);
        Assert.Equal(Errno.EBUSY, Assert.IsType<Failed>(second).Errno);
        _cluster[1].System.Stop(console.Ref);
        var third = await AttachOnceFreeAsync(contact: 3, node: 2);
        Assert.Equal(0, (await RunAsync(1, Credentials.Root, "to the new client\n", "tee", "/devfs/node2/console")).Code);
        await _cluster.AwaitAsync(() => third.Stdout == "to the new client\n", Timeout, () => $"the second client shows {third.Stdout}");
    }

    [Fact]
    public async Task Devfs_lists_the_nodes_that_are_up_and_a_console_is_root_only_and_ENXIO_without_its_node()
    {
        var listed = await RunAsync(2, Ann, null, "ls", "-1", "/devfs", "/devfs/node3");
        Assert.Equal((0, "/devfs:\nnode1\nnode2\nnode3\n\n/devfs/node3:\nconsole\n"), (listed.Code, listed.Stdout));

        var refused = await RunAsync(2, Ann, null, "cat", "/devfs/node1/console");
        Assert.Equal((1, "cat: /devfs/node1/console: Permission denied\n"), (refused.Code, refused.Stderr));

        var missing = await RunAsync(1, Credentials.Root, null, "cat", "/devfs/node9/console");
        Assert.Equal((1, "cat: /devfs/node9/console: No such device or address\n"), (missing.Code, missing.Stderr));
        Assert.Equal(Errno.ENXIO, Assert.IsType<Failed>((await AttachAsync(contact: 1, node: 9)).Reply).Errno);

        await _cluster.CrashAsync(3);
        await _cluster.AwaitAsync(async () => (await RunAsync(1, Credentials.Root, null, "ls", "-1", "/devfs")).Stdout == "node1\nnode2\n", Timeout,
            "/devfs lists the two nodes left");
        var gone = await RunAsync(2, Credentials.Root, null, "cat", "/devfs/node3/console");
        Assert.Equal((1, "cat: /devfs/node3/console: No such device or address\n"), (gone.Code, gone.Stderr));
    }
}
