// Pure tests of node settings: defaults, ports, seeds, and that every deployment file in HOCON/ composes into valid settings.
using Akka.Configuration;
using Ssi.Actors.Configuration;
using Ssi.Host.Node;
using Ssi.Tests.Harness;

namespace Ssi.Tests.Host.Node;

public class NodeSettingsTests
{
    private static readonly SsiHome Home = new("/tmp/ssi-settings-test");

    private static NodeSettings Settings(string hocon, params Config[] files) =>
        NodeSettings.Create(NodeHost.ComposeConfig(ConfigurationFactory.ParseString(hocon), files), Home);

    [Fact]
    public void Defaults_put_node_N_on_base_port_plus_N_and_seed_on_node_1()
    {
        var s = Settings("ssi.node.number = 4");
        Assert.Equal(4, s.Number.Value);
        Assert.Equal(7104, s.Port);
        Assert.Equal(["127.0.0.1:7101"], s.SeedNodes);
        Assert.Equal("akka.ssl.tcp://ssi@127.0.0.1:7101", s.SeedAddress(s.SeedNodes[0]));
        Assert.True(s.Tls.Enabled);
        Assert.Equal(Home.TlsDir, s.Tls.Dir);
        Assert.Equal(Home.SecretFile, s.SecretFile);
        Assert.Equal("node-4", s.Number.Role);
    }

    [Fact]
    public void A_node_without_a_number_is_refused()
    {
        var error = Assert.Throws<ConfigurationException>(() => Settings(""));
        Assert.Contains("--node", error.Message);
    }

    [Fact]
    public void Plain_TCP_changes_the_address_scheme()
    {
        var s = Settings("ssi.node.number = 2\nssi.security.tls.enabled = off");
        Assert.Equal("akka.tcp://ssi@127.0.0.1:7101", s.SeedAddress(s.SeedNodes[0]));
    }

    [Fact]
    public void Manual_join_has_no_seeds()
    {
        Assert.Empty(Settings("ssi.node.number = 1\nssi.cluster.auto-join = off").SeedNodes);
    }

    [Theory]
    [InlineData("seed.conf", 1)]
    [InlineData("member.conf", 2)]
    [InlineData("local-cluster.conf", 3)]
    [InlineData("multi-host.conf", 5)]
    public void Every_deployment_file_composes_into_valid_settings(string file, int node)
    {
        var path = Path.Combine(SsiCli.RepoRoot, "HOCON", file);
        var s = Settings($"ssi.node.number = {node}", SsiConfig.FromFile(path));
        Assert.Equal(node, s.Number.Value);
        Assert.InRange(s.Port, 1, 65535);
        Assert.NotEmpty(s.SeedNodes);
    }

    [Fact]
    public void Default_waits_of_a_node_and_its_gateways_come_from_the_embedded_config()
    {
        var s = Settings("ssi.node.number = 1");
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1)), (s.StartAbortWait, s.ProbeTimeout, s.ProbeRefusalWait));
        Assert.Equal(new GatewaySettings(TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(5)), s.Gateway);
    }

    [Fact]
    public void Overridden_waits_take_effect()
    {
        var s = Settings("""
            ssi.node { number = 1, start-abort-wait = 3s }
            ssi.security.tls.probe { timeout = 2s, refusal-wait = 250ms }
            ssi.gateway { reply-timeout = 10s, status-timeout = 1s }
            """);
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(250)), (s.StartAbortWait, s.ProbeTimeout, s.ProbeRefusalWait));
        Assert.Equal(new GatewaySettings(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1)), s.Gateway);
    }
}
