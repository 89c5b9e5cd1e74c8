// id and whoami on the real process core and file system (ProgramMachine), worded as GNU coreutils words them.
using Ssi.Cfs.RootImage;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class UserToolTests(ProgramCluster cluster)
{
    private ProgramMachine Machine(bool names = true)
    {
        var k = new ProgramMachine(cluster);
        k.AddDirectory("/etc");
        if (names)
        {
            k.AddFile("/etc/passwd", DefaultRoot.Passwd);
            k.AddFile("/etc/group", DefaultRoot.Group);
        }
        return k;
    }

    [Fact]
    public void Id_prints_the_processs_ids_with_names_from_passwd_and_group()
    {
        var k = Machine();
        k.Groups = [100];
        var r = k.Run(new Id(), "id");
        Assert.Equal((0, "uid=1000(ann) gid=1000(ann) groups=1000(ann),100(users)\n", ""), (r.ExitCode, r.Stdout, r.Stderr));
        k.Uid = k.Gid = 0;
        k.Groups = [];
        Assert.Equal("uid=0(root) gid=0(root) groups=0(root)\n", k.Run(new Id(), "id").Stdout);
    }

    [Fact]
    public void Id_without_passwd_or_group_prints_numbers()
    {
        var k = Machine(names: false);
        k.Uid = 1234;
        k.Gid = 55;
        Assert.Equal("uid=1234 gid=55 groups=55\n", k.Run(new Id(), "id").Stdout);
    }

    [Theory]
    [InlineData(new[] { "-u" }, "1000\n")]
    [InlineData(new[] { "-un" }, "ann\n")]
    [InlineData(new[] { "-g", "-n" }, "ann\n")]
    [InlineData(new[] { "-G" }, "1000 100\n")]
    [InlineData(new[] { "-Gn" }, "ann users\n")]
    [InlineData(new[] { "-u", "bob" }, "1001\n")]
    [InlineData(new[] { "bob" }, "uid=1001(bob) gid=1001(bob) groups=1001(bob),100(users)\n")]
    [InlineData(new[] { "0" }, "uid=0(root) gid=0(root) groups=0(root)\n")]
    public void Id_prints_one_kind_of_id_or_another_users(string[] args, string expected)
    {
        var k = Machine();
        k.Groups = [100];
        var r = k.Run(new Id(), ["id", .. args]);
        Assert.Equal((0, expected, ""), (r.ExitCode, r.Stdout, r.Stderr));
    }

    [Fact]
    public void Id_refuses_bad_combinations_and_unknown_users()
    {
        var k = Machine();
        var both = k.Run(new Id(), "id", "-u", "-g");
        Assert.Equal(1, both.ExitCode);
        Assert.StartsWith("id: cannot print \"only\" of more than one choice\n", both.Stderr);
        var nobody = k.Run(new Id(), "id", "nobody");
        Assert.Equal((1, "id: 'nobody': no such user\n"), (nobody.ExitCode, nobody.Stderr));
        k.Uid = 4321;
        var unnamed = k.Run(new Id(), "id", "-un");
        Assert.Equal((1, "4321\n", "id: cannot find name for user ID 4321\n"), (unnamed.ExitCode, unnamed.Stdout, unnamed.Stderr));
    }

    [Fact]
    public void Whoami_names_the_effective_user_or_fails_without_a_name()
    {
        var k = Machine();
        Assert.Equal("ann\n", k.Run(new Whoami(), "whoami").Stdout);
        k.Uid = 0;
        Assert.Equal("root\n", k.Run(new Whoami(), "whoami").Stdout);
        var unknown = Machine(names: false).Run(new Whoami(), "whoami");
        Assert.Equal((1, "whoami: cannot find name for user ID 1000\n"), (unknown.ExitCode, unknown.Stderr));
    }
}
