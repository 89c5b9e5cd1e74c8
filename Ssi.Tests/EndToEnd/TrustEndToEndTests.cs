// End to end with real node processes: credentials decide who a client is, and a client certificate reaches only gateways.
using System.Text.Json;
using Akka.Actor;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Service;
using Ssi.Host.Client;
using Ssi.Host.Launcher;
using Ssi.Host.Node;
using Ssi.Tests.Harness;

namespace Ssi.Tests.EndToEnd;

public class TrustEndToEndTests
{
    [Fact]
    public async Task A_user_credential_works_from_another_machine_as_that_user_only_and_its_certificate_reaches_no_member()
    {
        using var ssi = new SsiCli();
        var start = await ssi.RunAsync("start");
        Assert.True(start.ExitCode == 0, start.ToString());

        // Root issues ann a credential; it is owner-only, like a private key.
        var add = await ssi.RunAsync("user", "add", "ann");
        Assert.True(add.ExitCode == 0, add.ToString());
        var annFile = CredentialFile.UserFile(ssi.Home, "ann");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(annFile));
        var unknown = await ssi.RunAsync("user", "add", "nosuch");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("ssi: user add: no user 'nosuch' in the cluster's /etc/passwd (ENOENT)", unknown.Stderr.Trim());

        // "Another machine": an empty $SSI_HOME holding nothing but ann's credential file.
        using var elsewhere = new TempHome();
        var copy = Path.Combine(elsewhere.Home.Root, "ann.cred");
        File.Copy(annFile, copy);
        File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var asAnn = new Dictionary<string, string> { ["SSI_HOME"] = elsewhere.Home.Root, [CredentialFile.EnvironmentVariable] = copy };

        var motd = await ssi.RunWithEnvironmentAsync(asAnn, "fs", "cat", "/etc/motd");
        Assert.True(motd.ExitCode == 0, motd.ToString());
        var ps = await ssi.RunWithEnvironmentAsync(asAnn, "ps", "--json");
        Assert.True(ps.ExitCode == 0, ps.ToString());
        var own = await ssi.RunWithEnvironmentAsync(asAnn, "fs", "mkdir", "/home/ann/work");
        Assert.True(own.ExitCode == 0, own.ToString());
        var owner = await ssi.RunAsync("fs", "stat", "/home/ann/work", "--json");
        Assert.Equal(1000, owner.Json.GetProperty("uid").GetInt32());

        // What Unix refuses ann is refused; acting as root or bob is refused before anything is tried.
        var etc = await ssi.RunWithEnvironmentAsync(asAnn, "fs", "mkdir", "/etc/evil");
        Assert.Equal(1, etc.ExitCode);
        Assert.Contains("(EACCES)", etc.Stderr);
        foreach (var user in new[] { "root", "0", "bob", "99999" })
        {
            var sudo = await ssi.RunWithEnvironmentAsync(asAnn, "fs", "mkdir", "/etc/evil", "--user", user);
            Assert.Equal(1, sudo.ExitCode);
            Assert.Equal("ssi: fs mkdir: only root may act as another user; this credential is ann's (EPERM)", sudo.Stderr.Trim());
        }
        var issue = await ssi.RunWithEnvironmentAsync(asAnn, "user", "add", "bob");
        Assert.Equal(1, issue.ExitCode);
        Assert.Contains("only root may issue credentials", issue.Stderr);

        // A credential whose uid was edited refuses to work at all.
        var forged = JsonSerializer.Deserialize<CredentialFile>(File.ReadAllText(copy))! with { Uid = 0, Gid = 0 };
        var forgedFile = Path.Combine(elsewhere.Home.Root, "forged.cred");
        forged.Save(forgedFile);
        var refused = await ssi.RunWithEnvironmentAsync(new Dictionary<string, string>(asAnn) { [CredentialFile.EnvironmentVariable] = forgedFile }, "fs", "cat", "/etc/motd");
        Assert.Equal(77, refused.ExitCode);
        Assert.Contains("access denied", refused.Stderr);

        // ann's certificate, used straight against every node's member port and gateway paths, creates nothing.
        var run = ClusterRunFile.Read(ssi.Home)!;
        // Two systems: a refused handshake at a member port may stop the system that dialled it (Akka.Remote does).
        await using var atMembers = AttackerSystem.Start(CredentialFile.Load(annFile).Tls());
        await using var atGateways = AttackerSystem.Start(CredentialFile.Load(annFile).Tls());
        foreach (var node in run.Ports.Keys)
        foreach (var (attacker, address) in new[] { (atMembers, run.Address(node)), (atGateways, run.GatewayAddress(node)) })
        foreach (var path in new[] { "/user/fs", "/user/ssi-gateway", "/user/*" })
        {
            var create = new FsCreate(Credentials.Root, "/PROBE", 420);
            attacker.System.ActorSelection(address + path).Tell(create);
            attacker.System.ActorSelection(address + path).Tell(new GatewayRequest(null, new FileSystemCall(create)));
        }
        var denied = await atGateways.System.ActorSelection(run.GatewayAddress(1) + ClientGateway.Path)
            .Ask<object>(new ClientRequest(null, null, new FileSystemCall(new FsCreate(Credentials.Root, "/PROBE", 420))), TimeSpan.FromSeconds(20));
        Assert.IsType<AccessDenied>(denied);
        var probe = await ssi.RunAsync("fs", "stat", "/PROBE");
        Assert.Equal(1, probe.ExitCode);
        Assert.Contains("(ENOENT)", probe.Stderr);
        var cluster = await ssi.RunAsync("cluster", "--json");
        Assert.True(cluster.ExitCode == 0, cluster.ToString());
    }

    [Fact]
    public async Task A_node_holding_only_the_client_certificate_cannot_join_and_no_peer_can_deploy_onto_a_node()
    {
        using var ssi = new SsiCli();
        var start = await ssi.RunAsync("start", "2");
        Assert.True(start.ExitCode == 0, start.ToString());
        var run = ClusterRunFile.Read(ssi.Home)!;

        // The intruder's home: the cluster's CA certificate and root's client certificate as its member.pfx, locked
        // with a secret of its own (it does not have the cluster's).
        using var intruder = new TempHome();
        var intruderSecret = intruder.CreateSecret();
        Directory.CreateDirectory(intruder.Home.TlsDir);
        File.Copy(Ssi.Actors.Security.ClusterTls.CaFile(ssi.Home.TlsDir), Ssi.Actors.Security.ClusterTls.CaFile(intruder.Home.TlsDir));
        using (var certificate = CredentialFile.Load(CredentialFile.RootFile(ssi.Home)).Tls().Identity)
            File.WriteAllBytes(Ssi.Actors.Security.ClusterTls.MemberFile(intruder.Home.TlsDir), certificate.Export(
                System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, Convert.ToBase64String(intruderSecret.Derive("ssi-tls-private-keys-v1"))));
        File.WriteAllText(Path.Combine(intruder.Home.TlsDir, "format"), "2\n");
        var config = Path.Combine(intruder.Home.Root, "intruder.conf");
        File.WriteAllText(config, $"""
            ssi.cluster.seed-nodes = ["{run.HostPort(1)}"]
            ssi.node.port = 0
            ssi.node.client-port = 0
            """);

        var joined = await ssi.RunWithEnvironmentAsync(new Dictionary<string, string> { ["SSI_HOME"] = intruder.Home.Root }, "node", "--node", "9", "--config", config);

        Assert.Equal(77, joined.ExitCode);
        Assert.Contains("ssi: node: the TLS handshake with the cluster was refused", joined.Stderr);

        // That intruder's own validator refused node 1's certificate (not bound to the intruder's secret), which may end
        // the handshake before node 1 sees the client certificate. An attacker's modified node accepts any peer: the
        // intruder again, under a copy of the cluster's secret that only its own validator uses. Node 1 must refuse it
        // by role and say so in its log; the intruder, refused after its own part of the handshake, keeps retrying.
        using var modified = new TempHome();
        Directory.CreateDirectory(modified.Home.Root);
        File.Copy(ssi.Home.SecretFile, modified.Home.SecretFile);
        Directory.CreateDirectory(modified.Home.TlsDir);
        foreach (var file in Directory.GetFiles(intruder.Home.TlsDir).Where(f => !f.EndsWith("member.pfx", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(modified.Home.TlsDir, Path.GetFileName(file)));
        var secret = Ssi.Actors.Security.ClusterSecret.Load(ssi.Home.SecretFile);
        using (var certificate = CredentialFile.Load(CredentialFile.RootFile(ssi.Home)).Tls().Identity)
            File.WriteAllBytes(Ssi.Actors.Security.ClusterTls.MemberFile(modified.Home.TlsDir), certificate.Export(
                System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, Convert.ToBase64String(secret.Derive("ssi-tls-private-keys-v1"))));
        var retrying = ssi.Start(new Dictionary<string, string> { ["SSI_HOME"] = modified.Home.Root }, "node", "--node", "9", "--config", config);
        await CliPolling.UntilAsync(() => Task.FromResult(SharedRead(ssi.Home.NodeLogFile(1)).Contains("a client certificate where only member certificates are accepted")),
            TimeSpan.FromSeconds(60), () => "node 1's log of the refused client certificate");
        Assert.False(retrying.HasExited);
        retrying.Kill(entireProcessTree: true);
        var cluster = await ssi.RunAsync("cluster", "--json");
        Assert.True(cluster.ExitCode == 0, cluster.ToString());
        Assert.Equal(2, cluster.Json.GetProperty("nodes").GetArrayLength());

        // A compromised member (it holds the secret) asks node 1 to create an actor of a type the node can load.
        await using (var attacker = AttackerSystem.Start(Ssi.Actors.Security.ClusterTls.ForMember(ssi.Home.TlsDir, secret), stockDeployment: true))
        {
            var planted = attacker.System.ActorOf(Props.Create<Akka.Event.DeadLetterListener>()
                .WithDeploy(new Deploy(new RemoteScope(Address.Parse(run.Address(1))))), "planted");
            var identity = await planted.Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(20));
            Assert.Null(identity.Subject);
        }
        Assert.Contains("remote deployment is disabled", await File.ReadAllTextAsync(ssi.Home.NodeLogFile(1)));
    }

    /// <summary>A file a running node is still writing.</summary>
    private static string SharedRead(string path)
    {
        if (!File.Exists(path)) return "";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }
}
