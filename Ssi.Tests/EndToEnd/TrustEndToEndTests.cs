// End to end with real node processes: credentials decide who a client is, and a client certificate reaches only gateways.
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Service;
using Ssi.Host.Cli;
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
        var tls = CredentialFile.Load(annFile).Tls();
        var config = ConfigurationFactory.ParseString("""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0, enable-ssl = on }
            akka.loglevel = OFF
            """).WithFallback(NodeHost.Defaults);
        var attacker = ActorSystem.Create("attacker", Akka.Actor.Setup.ActorSystemSetup.Create(Akka.Actor.BootstrapSetup.Create().WithConfig(config), tls.Setup()));
        try
        {
            foreach (var node in run.Ports.Keys)
            foreach (var address in new[] { run.Address(node), run.GatewayAddress(node) })
            foreach (var path in new[] { "/user/fs", "/user/ssi-gateway", "/user/*" })
            {
                var create = new FsCreate(Credentials.Root, "/PROBE", 420);
                attacker.ActorSelection(address + path).Tell(create);
                attacker.ActorSelection(address + path).Tell(new GatewayRequest(null, new FileSystemCall(create)));
            }
            var denied = await attacker.ActorSelection(run.GatewayAddress(1) + ClientGateway.Path)
                .Ask<object>(new ClientRequest(null, null, new FileSystemCall(new FsCreate(Credentials.Root, "/PROBE", 420))), TimeSpan.FromSeconds(20));
            Assert.IsType<AccessDenied>(denied);
        }
        finally
        {
            await attacker.Terminate();
        }
        var probe = await ssi.RunAsync("fs", "stat", "/PROBE");
        Assert.Equal(1, probe.ExitCode);
        Assert.Contains("(ENOENT)", probe.Stderr);
        var cluster = await ssi.RunAsync("cluster", "--json");
        Assert.True(cluster.ExitCode == 0, cluster.ToString());
    }
}
