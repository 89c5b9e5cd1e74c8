// Multi-node specs of the CLI's connection: authentication, routing to a chosen node, and surviving its contact's death.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Membership;
using Ssi.Actors.Security;
using Ssi.Host.Cli;
using Ssi.Host.Client;
using Ssi.Host.Node;
using Ssi.Tests.Harness;

namespace Ssi.Tests.Host.Client;

public class ClusterClientSpecs
{
    [Fact]
    public async Task Client_with_the_secret_gets_the_cluster_view_through_one_contact_point()
    {
        await using var cluster = await ClusterHarness.StartAsync(3);
        var client = cluster.Connect([2]);

        var status = await client.RequestAsync<ClusterStatus>(GetClusterStatus.Instance);

        Assert.Equal(new NodeNumber(2), status.View.ObservedBy);
        Assert.Equal([1, 2, 3], status.View.Nodes.Select(n => n.Node.Value));
        Assert.Equal(Environment.ProcessId, status.ProcessId);
    }

    [Fact]
    public async Task Client_can_ask_a_chosen_node_through_any_contact()
    {
        await using var cluster = await ClusterHarness.StartAsync(3);
        var client = cluster.Connect([1]);

        var status = await client.RequestAsync<ClusterStatus>(GetClusterStatus.Instance, targetNode: 3);

        Assert.Equal(new NodeNumber(3), status.View.ObservedBy);
    }

    [Fact]
    public async Task Asking_a_node_that_is_not_up_fails_with_EHOSTDOWN()
    {
        await using var cluster = await ClusterHarness.StartAsync(3);
        var client = cluster.Connect([1]);

        var error = await Assert.ThrowsAsync<ClientException>(() => client.RequestAsync<ClusterStatus>(GetClusterStatus.Instance, targetNode: 9));

        Assert.Equal(Errno.EHOSTDOWN, error.Errno);
    }

    [Fact]
    public async Task Client_whose_credential_another_secret_signed_is_refused_with_EACCES()
    {
        await using var cluster = await ClusterHarness.StartAsync(3);
        // Our cluster's client certificate, but the identity signed by a stranger's secret.
        var stranger = ClusterSecret.FromBytes(new byte[32]);
        var forged = UserCredential.Issue(stranger, "root", 0, 0, [], cluster.RootCredential.Serial);
        var client = cluster.Connect([1], cluster.RootCredential with { Mac = Convert.ToBase64String(forged.Mac) });

        var error = await Assert.ThrowsAsync<ClientException>(() => client.RequestAsync<ClusterStatus>(GetClusterStatus.Instance));

        Assert.Equal(Errno.EACCES, error.Errno);
        Assert.Equal(ExitCodes.PermissionDenied, CliErrors.ExitCode(error));
        Assert.Contains("access denied", error.Message);
    }

    [Fact]
    public async Task Client_carries_on_through_another_node_when_its_contact_dies_mid_session()
    {
        await using var cluster = await ClusterHarness.StartAsync(3);
        var client = cluster.Connect([1, 2, 3]);
        var first = await client.RequestAsync<ClusterStatus>(GetClusterStatus.Instance);
        var contact = first.View.ObservedBy;

        await cluster.CrashAsync(contact.Value);

        var next = await client.RequestAsync<ClusterStatus>(GetClusterStatus.Instance, giveUpAfter: TimeSpan.FromSeconds(30));
        Assert.NotEqual(contact, next.View.ObservedBy);
        // The session goes on: the new contact keeps answering, and in time reports the old one DOWN.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var status = await client.RequestAsync<ClusterStatus>(GetClusterStatus.Instance, giveUpAfter: TimeSpan.FromSeconds(10));
            if (status.View.Nodes.Single(n => n.Node == contact).State == NodeState.DOWN) break;
            Assert.True(DateTime.UtcNow < deadline, $"node {contact} was never reported DOWN");
            await Task.Delay(50);
        }
    }
}
