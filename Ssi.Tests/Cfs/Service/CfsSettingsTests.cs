// Settings of the cluster file system (ssi.cfs): the embedded defaults, overrides, and refusals of bad values.
using Akka.Configuration;
using Ssi.Actors.Configuration;
using Ssi.Cfs.Service;

namespace Ssi.Tests.Cfs.Service;

public class CfsSettingsTests
{
    private static readonly SsiHome Home = new("/tmp/ssi-cfs-settings-test");

    private static CfsSettings Settings(string hocon) =>
        CfsSettings.Create(ConfigurationFactory.ParseString(hocon).WithFallback(SsiConfig.FromAssembly(typeof(CfsSettings).Assembly)), Home);

    [Fact]
    public void The_embedded_defaults_are_sqlite_in_the_home_64_KiB_chunks_100_shards_and_a_30_s_busy_timeout()
    {
        var s = Settings("");
        Assert.Equal(("sqlite", Path.Combine(Home.Root, "cfs.db"), 64 * 1024, 100, TimeSpan.FromSeconds(30)),
            (s.Kind, s.SqlitePath, s.ChunkSize, s.Shards, s.SqliteBusyTimeout));
    }

    [Fact]
    public void Overrides_take_effect()
    {
        var s = Settings("ssi.cfs { chunk-size = 4 KiB, shards = 7, store.sqlite { path = \"/data/x.db\", busy-timeout = 5s } }");
        Assert.Equal(("/data/x.db", 4096, 7, TimeSpan.FromSeconds(5)), (s.SqlitePath, s.ChunkSize, s.Shards, s.SqliteBusyTimeout));
    }

    [Theory]
    [InlineData("ssi.cfs.store.kind = mysql")]
    [InlineData("ssi.cfs.store.kind = postgres")]
    [InlineData("ssi.cfs.shards = 0")]
    public void Bad_values_are_refused_with_the_key_named(string hocon)
    {
        var error = Assert.Throws<ConfigurationException>(() => Settings(hocon));
        Assert.Contains("ssi.cfs.", error.Message);
    }

    [Fact]
    public void Without_the_reference_config_the_settings_refuse_to_guess()
    {
        Assert.Throws<ConfigurationException>(() => CfsSettings.Create(Config.Empty, Home));
    }
}
