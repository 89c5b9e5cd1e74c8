// When a process away from its origin must tell the origin's route (a new stand-in) where it is after a node is lost.
using Ssi.Actors.Identity;
using Ssi.Vproc.Routing;

namespace Ssi.Tests.Vproc.Routing;

public sealed class RelocationAnnouncementTests
{
    private const int Pid = 1_000_042; // born on node 1

    private static bool Announces(int here, int lost, params int[] up) =>
        ProcessRoute.MustAnnounceAfterLosing(new Pid(Pid), new NodeNumber(here), new NodeNumber(lost), n => up.Contains(n.Value));

    [Fact]
    public void A_process_away_from_its_origin_announces_itself_when_the_origin_is_lost() =>
        Assert.True(Announces(here: 3, lost: 1, up: [2, 3]));

    [Fact]
    public void A_process_away_from_a_down_origin_announces_itself_again_when_any_other_node_is_lost()
    {
        // Node 2 may have held the stand-in, and a node the process only passed through must not take its PID along.
        Assert.True(Announces(here: 4, lost: 2, up: [3, 4]));
        Assert.True(Announces(here: 4, lost: 3, up: [2, 4]));
    }

    [Fact]
    public void A_process_away_from_a_live_origin_keeps_quiet_when_another_node_is_lost() =>
        Assert.False(Announces(here: 3, lost: 2, up: [1, 3]));

    [Fact]
    public void A_process_at_its_origin_or_on_the_lost_node_itself_announces_nothing()
    {
        Assert.False(Announces(here: 1, lost: 2, up: [1]));
        Assert.False(Announces(here: 3, lost: 3, up: [2]));
    }
}
