// ln and chmod on the real process core and file system (ProgramMachine): the links and modes they leave, as GNU's do.
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class LinkModeTests(ProgramCluster cluster)
{
    private ProgramMachine Kernel()
    {
        var k = new ProgramMachine(cluster);
        k.AddFile("/f", "data\n", mode: 0x1A4); // 0644
        k.AddDirectory("/d");
        return k;
    }

    [Fact]
    public void Ln_makes_hard_links_symbolic_links_and_links_into_a_directory()
    {
        var k = Kernel();
        Assert.Equal(0, k.Run(new Ln(), "ln", "/f", "/hard").ExitCode);
        Assert.Equal("data\n", k.ReadFile("/hard"));
        Assert.Equal(2, k.Find("/f")!.Nlink);
        Assert.Equal(0, k.Run(new Ln(), "ln", "-s", "f", "/soft").ExitCode);
        Assert.Equal("f", k.ReadLink("/soft"));
        Assert.Equal(0, k.Run(new Ln(), "ln", "-s", "/f", "/hard", "/d").ExitCode);
        Assert.Equal(("/f", "/hard"), (k.ReadLink("/d/f"), k.ReadLink("/d/hard")));
    }

    [Fact]
    public void Ln_refuses_an_existing_name_unless_forced_and_names_a_missing_target()
    {
        var k = Kernel();
        var taken = k.Run(new Ln(), "ln", "-s", "x", "/f");
        Assert.Equal((1, "ln: failed to create symbolic link '/f': File exists\n"), (taken.ExitCode, taken.Stderr));
        Assert.Equal(0, k.Run(new Ln(), "ln", "-sf", "x", "/f").ExitCode);
        Assert.Equal("x", k.ReadLink("/f"));
        var missing = k.Run(new Ln(), "ln", "/nosuch", "/n");
        Assert.Equal((1, "ln: failed to access '/nosuch': No such file or directory\n"), (missing.ExitCode, missing.Stderr));
        var usage = k.Run(new Ln(), "ln");
        Assert.Equal(1, usage.ExitCode);
        Assert.StartsWith("ln: missing file operand\n", usage.Stderr);
    }

    [Theory]
    [InlineData("755", 0x1A4, 0x1ED)]
    [InlineData("u+x", 0x1A4, 0x1E4)]
    [InlineData("go-r", 0x1A4, 0x180)]
    [InlineData("a=rw,u+x", 0x124, 0x1F6)]
    [InlineData("-w", 0x1A4, 0x124)]
    [InlineData("g=u", 0x1C0, 0x1F8)]
    [InlineData("+X", 0x1A4, 0x1A4)]
    [InlineData("u+s,o+t", 0x1ED, 0xBED)]
    public void Chmod_applies_octal_and_symbolic_modes_as_GNU_does(string mode, int before, int after)
    {
        var k = Kernel();
        k.Chmod("/f", before);
        var r = k.Run(new ChangeMode(), "chmod", mode, "/f");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(Convert.ToString(after, 8), Convert.ToString(k.Find("/f")!.Mode & 0xFFF, 8));
    }

    [Fact]
    public void Chmod_R_goes_down_directories_and_bad_modes_and_missing_files_are_one_line_errors()
    {
        var k = Kernel();
        k.AddFile("/d/inner", "", mode: 0x1A4);
        Assert.Equal(0, k.Run(new ChangeMode(), "chmod", "-R", "go-rx", "/d").ExitCode);
        Assert.Equal(("700", "600"), (Convert.ToString(k.Find("/d")!.Mode & 0xFFF, 8), Convert.ToString(k.Find("/d/inner")!.Mode & 0xFFF, 8)));
        var bad = k.Run(new ChangeMode(), "chmod", "u+q", "/f");
        Assert.Equal((1, "chmod: invalid mode: 'u+q'\n"), (bad.ExitCode, bad.Stderr));
        var missing = k.Run(new ChangeMode(), "chmod", "644", "/nosuch");
        Assert.Equal((1, "chmod: cannot access '/nosuch': No such file or directory\n"), (missing.ExitCode, missing.Stderr));
    }
}
