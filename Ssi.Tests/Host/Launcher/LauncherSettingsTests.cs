// Settings of the launcher, the CLI client and the cluster's shared names: embedded defaults and overrides.
using Akka.Configuration;
using Ssi.Host.Client;
using Ssi.Host.Launcher;
using Ssi.Host.Node;

namespace Ssi.Tests.Host.Launcher;

public class LauncherSettingsTests
{
    private static Config Compose(string hocon) => NodeHost.ComposeConfig(ConfigurationFactory.ParseString(hocon), []);

    [Fact]
    public void The_launcher_defaults_come_from_the_embedded_config()
    {
        Assert.Equal(new LauncherSettings(TimeSpan.FromSeconds(120), 3, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60)),
            LauncherSettings.Create(Compose("")));
    }

    [Fact]
    public void Launcher_overrides_take_effect_and_a_boot_wave_is_at_least_one_node()
    {
        var s = LauncherSettings.Create(Compose("ssi.launcher { start-timeout = 1m, boot-wave = 0, stop-timeout = 5s, kill-wait = 2s, lock-wait = 1s }"));
        Assert.Equal(new LauncherSettings(TimeSpan.FromMinutes(1), 1, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)), s);
    }

    [Fact]
    public void The_client_defaults_and_an_override()
    {
        Assert.Equal(new ClientSettings(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2)), ClientSettings.Create(Compose("")));
        Assert.Equal(TimeSpan.FromSeconds(40), ClientSettings.Create(Compose("ssi.client.give-up-after = 40s")).GiveUpAfter);
    }

    [Fact]
    public void The_cluster_names_default_to_ssi_on_loopback_and_can_be_overridden()
    {
        var defaults = ClusterSettings.Create(Compose(""));
        Assert.Equal(("ssi", "127.0.0.1", 7100, 7200, true), (defaults.SystemName, defaults.Hostname, defaults.BasePort, defaults.ClientBasePort, defaults.AutoJoin));
        Assert.Empty(defaults.SeedNodes);
        var s = ClusterSettings.Create(Compose("ssi.cluster { system-name = lab, hostname = \"10.0.0.5\", seed-nodes = [\"10.0.0.1:7101\"] }"));
        Assert.Equal(("lab", "10.0.0.5"), (s.SystemName, s.Hostname));
        Assert.Equal(["10.0.0.1:7101"], s.SeedNodes);
    }

    [Fact]
    public void Without_the_reference_config_the_settings_refuse_to_guess()
    {
        Assert.Throws<ConfigurationException>(() => LauncherSettings.Create(Config.Empty));
        Assert.Throws<ConfigurationException>(() => ClusterSettings.Create(Config.Empty));
        Assert.Throws<ConfigurationException>(() => GatewaySettings.Create(Config.Empty));
    }
}
