// Identities in --json output are plain numbers under the same keys as before they had types, and read back alike.
using System.Text.Json;
using Ssi.Actors.Identity;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Tests.Actors.Identity;

public class IdentityJsonTests
{
    [Fact]
    public void Each_identity_is_written_as_its_bare_number()
    {
        var json = JsonSerializer.Serialize(new { pid = new Pid(2_000_017), node = new NodeNumber(3), fd = Fd.Stderr, ino = new InodeNumber(1L << 40), none = (NodeNumber?)null });
        Assert.Equal("""{"pid":2000017,"node":3,"fd":2,"ino":1099511627776,"none":null}""", json);
    }

    [Fact]
    public void Each_identity_reads_back_from_its_number_also_as_a_dictionary_key()
    {
        Assert.Equal(new Pid(42), JsonSerializer.Deserialize<Pid>("42"));
        Assert.Equal(new NodeNumber(3), JsonSerializer.Deserialize<NodeNumber>("3"));
        Assert.Equal(new Fd(5), JsonSerializer.Deserialize<Fd>("5"));
        Assert.Equal(new InodeNumber(9), JsonSerializer.Deserialize<InodeNumber>("9"));
        var byNode = new Dictionary<NodeNumber, int> { [new NodeNumber(2)] = 7 };
        Assert.Equal("""{"2":7}""", JsonSerializer.Serialize(byNode));
        Assert.Equal(7, JsonSerializer.Deserialize<Dictionary<NodeNumber, int>>("""{"2":7}""")![new NodeNumber(2)]);
    }

    [Fact]
    public void A_process_row_keeps_its_keys_and_numbers()
    {
        var info = new ProcessInfo(new Pid(1_000_002), Pid.Init, new Pid(1_000_002), new Pid(1_000_002), 1000, 1000, RunState.Running,
            new NodeNumber(1), "sh", DateTimeOffset.UnixEpoch, TimeSpan.Zero);
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(info));
        var root = doc.RootElement;
        Assert.Equal((1_000_002, 1, 1_000_002, 1_000_002, 1), (root.GetProperty("Pid").GetInt32(), root.GetProperty("Ppid").GetInt32(),
            root.GetProperty("Pgid").GetInt32(), root.GetProperty("Sid").GetInt32(), root.GetProperty("Node").GetInt32()));
    }

    [Fact]
    public void Identities_print_as_their_bare_numbers()
    {
        Assert.Equal("2000017 3 2 7", $"{new Pid(2_000_017)} {new NodeNumber(3)} {Fd.Stderr} {new InodeNumber(7)}");
        Assert.Null(Pid.Init.Origin);
        Assert.Equal(new NodeNumber(2), new Pid(2_000_017).Origin);
    }
}
