// Multi-node specs of the trust boundary, tried as an attacker would: forged requests to every path, remote deployment, forged users.
using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Security;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.RootImage;
using Ssi.Cfs.Service;
using Ssi.Host.Bench;
using Ssi.Host.Client;
using Ssi.Host.Node;
using Ssi.Tests.Harness;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Tests.Host.Node;

public class GatewaySecuritySpecs
{
    private static readonly string[] EveryPath =
    [
        "/user/fs", "/user/proc", "/user/proc-index", "/user/node-monitor", "/user/loadlevel", "/user/ssi-gateway",
        "/user/*", "/system/*", "/system/sharding/*", "/system/sharding/*/*", "/system/receptionist",
        "/system/cluster/core/daemon", "/remote", "/",
    ];

    [Fact]
    public async Task A_client_certificate_without_the_secret_reaches_no_actor_but_the_gateway_and_is_refused_there()
    {
        await using var cluster = await ClusterHarness.StartAsync(3, prepareRoot: store => DefaultRoot.CreateIfEmpty(store));
        // The attacker holds root's client certificate, but not the secret its identity is signed with.
        await using var atMembers = AttackerSystem.Start(cluster.RootCredential.Tls());
        await using var atGateways = AttackerSystem.Start(cluster.RootCredential.Tls());
        var n = 0;
        void Probe(AttackerSystem attacker, string address)
        {
            foreach (var path in EveryPath)
            {
                var create = new FsCreate(Credentials.Root, $"/PROBE-{++n}", 420);
                // As a selection, as a direct reference, and wrapped as the member side's own envelope.
                attacker.System.ActorSelection(address + path).Tell(create);
                attacker.System.ActorSelection(address + path).Tell(new GatewayRequest(null, new FileSystemCall(create)));
                if (!path.Contains('*')) attacker.Resolve(address + path).Tell(create);
            }
        }
        foreach (var node in new[] { 1, 2 })
        {
            Probe(atMembers, cluster[node].Cluster.SelfAddress.ToString());
            Probe(atGateways, cluster[node].ClientAddress);
        }

        // A member refuses the client certificate at the handshake, so nothing sent to a member's address arrives.
        // The gateway itself answers, so the attacker's connection works; what it sent before arrived first.
        var reply = await atGateways.System.ActorSelection(cluster[1].ClientAddress + ClientGateway.Path)
            .Ask<object>(new ClientRequest(null, null, new FileSystemCall(new FsCreate(Credentials.Root, "/PROBE-0", 420))), TimeSpan.FromSeconds(10));
        Assert.Equal(AccessRefusal.NoCredential, Assert.IsType<AccessDenied>(reply).Reason);
        var forged = cluster.RootCredential.Proof with { User = "mallory" };
        reply = await atGateways.System.ActorSelection(cluster[2].ClientAddress + ClientGateway.Path)
            .Ask<object>(new ClientRequest(forged, null, GetClusterStatus.Instance), TimeSpan.FromSeconds(10));
        var denied = Assert.IsType<AccessDenied>(reply);
        Assert.Equal((AccessRefusal.NotIssuedByThisCluster, Errno.EACCES), (denied.Reason, denied.Errno));

        var root = cluster.Connect([3]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        do
        {
            var entries = await root.RequestAsync<FsEntries>(new FileSystemCall(new FsReadDirectory(Credentials.Root, "/")));
            Assert.DoesNotContain(entries.Entries, e => e.Name.StartsWith("PROBE", StringComparison.Ordinal));
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);
        Assert.True(cluster.AllUp([1, 2, 3]));
    }

    [Fact]
    public async Task No_peer_can_deploy_an_actor_onto_a_node_neither_a_member_nor_a_client()
    {
        await using var cluster = await ClusterHarness.StartAsync(2);
        Deployed.Count.Clear();
        // A process holding the member certificate and the secret (a compromised member) and a client.
        await using var member = AttackerSystem.Start(ClusterTls.ForMember(cluster.Tls.Dir, cluster.Secret), stockDeployment: true);
        await using var client = AttackerSystem.Start(cluster.RootCredential.Tls(), stockDeployment: true);

        foreach (var (attacker, address, name) in new[]
                 {
                     (member, cluster[1].Cluster.SelfAddress.ToString(), "by-member"),
                     (client, cluster[1].ClientAddress, "by-client"),
                 })
        {
            var props = Props.Create(() => new Deployed(name)).WithDeploy(new Deploy(new RemoteScope(Address.Parse(address))));
            attacker.System.ActorOf(props, name);
        }

        // Identify the remote daemon's children after the deployment requests: same sender and path, so they came first.
        foreach (var (attacker, address) in new[] { (member, cluster[1].Cluster.SelfAddress.ToString()), (client, cluster[1].ClientAddress) })
        {
            var identity = await attacker.System.ActorSelection(address + "/remote/*/*").Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(3))
                .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null);
            Assert.Null(identity?.Subject);
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        while (DateTime.UtcNow < deadline)
        {
            Assert.Empty(Deployed.Count);
            await Task.Delay(50);
        }
        Assert.True(cluster.AllUp([1, 2]));
    }

    [Fact]
    public async Task A_user_is_who_the_credential_says_and_only_root_acts_as_another()
    {
        await using var cluster = await ClusterHarness.StartAsync(2, prepareRoot: store => DefaultRoot.CreateIfEmpty(store));
        var annCredential = cluster.Issue("ann", DefaultRoot.UserId, DefaultRoot.UserId, 100);
        var ann = cluster.Connect([1], annCredential);
        var annIdentity = Credentials.Of(DefaultRoot.UserId, DefaultRoot.UserId, 100);

        // As herself: what Unix lets ann do.
        await ann.RequestAsync<FsAttributes>(new FileSystemCall(new FsCreate(annIdentity, "/home/ann/notes", 420)), idempotent: false);
        var denied = await Assert.ThrowsAsync<ClientException>(() =>
            ann.RequestAsync<FsAttributes>(new FileSystemCall(new FsCreate(annIdentity, "/etc/evil", 420)), idempotent: false));
        Assert.Equal(Errno.EACCES, denied.Errno);

        // As root, or as bob, or with root's diagnostics: refused at the gateway with EPERM.
        foreach (var query in new IClientQuery[]
                 {
                     new FileSystemCall(new FsCreate(Credentials.Root, "/etc/evil", 420)),
                     new FileSystemCall(new FsRead(Credentials.Of(1001, 1001), "/home/bob/.profile", 0, 10)),
                     new ProcessCall(new KillRequest(Credentials.Root, 1, 9)),
                     new BenchCall(new MeasureMigrations(new Pid(1), new NodeNumber(1), new NodeNumber(2), 1)),
                     new BenchCall(new PingNode(new NodeNumber(2), 1)),
                     new BenchCall(new SetLinks(["127.0.0.1:1"], Cut: true)),
                 })
        {
            // Any reply but a refusal would come back as EIO (unexpected reply), so only the gateway's EPERM passes.
            var error = await Assert.ThrowsAsync<ClientException>(() => ann.RequestAsync<ClusterStatus>(query, idempotent: false));
            Assert.Equal(Errno.EPERM, error.Errno);
            Assert.Contains("only root may", error.Message); // the gateway's words, not a service's own refusal
        }

        // A credential whose identity was edited after signing is no credential at all.
        foreach (var tampered in new[]
                 {
                     annCredential with { Uid = 0 },
                     annCredential with { Groups = [0, 100] },
                     annCredential with { User = "root" },
                     annCredential with { Mac = Convert.ToBase64String(new byte[32]) },
                 })
        {
            var error = await Assert.ThrowsAsync<ClientException>(() =>
                cluster.Connect([2], tampered).RequestAsync<ClusterStatus>(GetClusterStatus.Instance));
            Assert.Equal(Errno.EACCES, error.Errno);
        }

        // Root acts as anyone, as sudo -u does.
        var asAnn = await cluster.Connect([2]).RequestAsync<FsAttributes>(new FileSystemCall(new FsStat(annIdentity, "/home/ann/notes")));
        Assert.Equal(DefaultRoot.UserId, asAnn.Attributes.Uid);
        Assert.True(cluster.AllUp([1, 2]));
    }

    /// <summary>An actor a deployment would create; its constructor counts, so a deployment cannot go unseen.</summary>
    private sealed class Deployed : ReceiveActor
    {
        public static readonly ConcurrentDictionary<string, int> Count = new();

        public Deployed(string name)
        {
            Count.AddOrUpdate(name, 1, (_, c) => c + 1);
            ReceiveAny(m => Sender.Tell(m));
        }
    }
}
