// Settings of entity calls (ssi.sharding): the embedded defaults, an override, and that OwnerCalls follows them.
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Ssi.Actors.Configuration;
using Ssi.Actors.Sharding;

namespace Ssi.Tests.Actors.Sharding;

public class ShardingSettingsTests : TestKit
{
    private static ShardingSettings Settings(string hocon) =>
        ShardingSettings.Create(ConfigurationFactory.ParseString(hocon).WithFallback(SsiConfig.Reference));

    [Fact]
    public void The_embedded_defaults_give_4_s_attempts_a_25_s_deadline_and_30_s_operations()
    {
        Assert.Equal(new ShardingSettings(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30)), Settings(""));
    }

    [Fact]
    public void A_deployment_override_replaces_the_default()
    {
        var s = Settings("ssi.sharding { call-attempt = 1s, call-deadline = 9s, operation-timeout = 2m }");
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(9), TimeSpan.FromMinutes(2)), (s.CallAttempt, s.CallDeadline, s.OperationTimeout));
    }

    [Fact]
    public void Without_the_reference_config_the_settings_refuse_to_guess()
    {
        Assert.Throws<ConfigurationException>(() => ShardingSettings.Create(Config.Empty));
    }

    [Fact]
    public async Task A_repeatable_call_is_sent_again_after_each_unanswered_attempt_of_the_configured_length()
    {
        var owner = CreateTestProbe();
        var calls = new OwnerCalls(Settings("ssi.sharding { call-attempt = 300ms, call-deadline = 20s }"));
        var reply = calls.AskAsync(owner.Ref, "read", repeatable: true);
        owner.ExpectMsg("read");
        owner.ExpectMsg("read", TimeSpan.FromSeconds(5)); // the first attempt went unanswered
        owner.Reply("data");
        Assert.Equal("data", await reply.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_once_only_call_is_sent_once_and_fails_at_the_configured_deadline()
    {
        var owner = CreateTestProbe();
        var calls = new OwnerCalls(Settings("ssi.sharding { call-attempt = 100ms, call-deadline = 600ms }"));
        var reply = calls.AskAsync(owner.Ref, "create", repeatable: false);
        owner.ExpectMsg("create");
        await Assert.ThrowsAsync<Akka.Actor.AskTimeoutException>(() => reply.WaitAsync(TimeSpan.FromSeconds(5)));
        owner.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
}
