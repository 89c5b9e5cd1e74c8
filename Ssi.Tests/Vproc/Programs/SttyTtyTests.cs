// stty and tty: the words stty takes, what it prints (-a, -g, the differences), and tty's name or "not a tty".
using Ssi.Cfs.Devices;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class SttyTtyTests(ProgramCluster cluster)
{
    private ProgramMachine OnTerminal() => new(cluster) { StdinIsTerminal = true, StdoutIsTerminal = true };

    private static TerminalSettings Applied(params string[] args)
    {
        var (settings, error) = SttySettings.Apply(TerminalSettings.Sane, args);
        Assert.Null(error);
        return settings;
    }

    [Fact]
    public void Flags_are_set_and_cleared_by_name()
    {
        var s = Applied("-echo", "-icanon", "tostop", "-isig", "ctlecho");
        Assert.False(s.Has(TerminalFlags.Echo) || s.Has(TerminalFlags.Icanon) || s.Has(TerminalFlags.Isig));
        Assert.True(s.Has(TerminalFlags.Tostop) && s.Has(TerminalFlags.Echoctl));
    }

    [Fact]
    public void Raw_clears_editing_echo_signals_and_cr_mapping_and_minus_raw_and_sane_bring_them_back()
    {
        var raw = Applied("raw");
        Assert.Equal(TerminalSettings.Sane.Raw(), raw);
        Assert.False(raw.Has(TerminalFlags.Icanon) || raw.Has(TerminalFlags.Isig) || raw.Has(TerminalFlags.Icrnl) || raw.Has(TerminalFlags.Echo));
        var cooked = SttySettings.Apply(raw, ["-raw"]).Settings;
        Assert.True(cooked.Has(TerminalFlags.Icanon) && cooked.Has(TerminalFlags.Isig) && cooked.Has(TerminalFlags.Icrnl));
        Assert.Equal(TerminalSettings.Sane, SttySettings.Apply(raw, ["sane"]).Settings);
    }

    [Theory]
    [InlineData("^X", 0x18)]
    [InlineData("^?", 0x7F)]
    [InlineData("^-", 0)]
    [InlineData("undef", 0)]
    [InlineData("#", (int)'#')]
    [InlineData("0x1f", 0x1F)]
    [InlineData("3", (int)'3')]
    [InlineData("0177", 0x7F)]
    public void Special_characters_are_taken_as_stty_writes_them(string text, int value)
    {
        Assert.Equal((byte)value, Applied("intr", text).Intr);
        Assert.Equal((byte)value, Applied("erase", text).Erase);
    }

    [Theory]
    [InlineData("bogus", "invalid argument 'bogus'")]
    [InlineData("intr", "missing argument to 'intr'")]
    [InlineData("-intr", "invalid argument '-intr'")]
    public void A_bad_word_is_refused_in_gnus_words(string arg, string error) =>
        Assert.Equal(error, SttySettings.Apply(TerminalSettings.Sane, [arg]).Error);

    [Fact]
    public void Saved_settings_read_back_the_same()
    {
        var odd = Applied("raw", "intr", "^X", "tostop", "min", "4");
        var saved = SttySettings.Saved(odd).TrimEnd('\n');
        Assert.Equal(36, saved.Split(':').Length);
        Assert.Equal(odd, Applied(saved));
        Assert.StartsWith("100:5:bf:8a3b:3:1c:7f:15:4:0:1:0:0:0:1a:0:0:0:17:16:", SttySettings.Saved(TerminalSettings.Sane));
    }

    [Fact]
    public void Stty_a_prints_linuxs_layout()
    {
        var r = OnTerminal().Run(new Stty(), "stty", "-a");
        Assert.Equal((0, ""), (r.ExitCode, r.Stderr));
        Assert.Equal("""
            speed 38400 baud; line = 0;
            intr = ^C; quit = ^\; erase = ^?; kill = ^U; eof = ^D; eol = <undef>; susp = ^Z; werase = ^W; lnext = ^V; min = 1; time = 0;
            -parenb -parodd -cmspar cs8 -hupcl -cstopb cread -clocal -crtscts
            -inlcr -igncr icrnl
            opost onlcr
            isig icanon iexten echo echoe echok -echonl -noflsh -tostop echoctl echoke

            """, r.Stdout);
    }

    [Fact]
    public void Stty_changes_the_terminal_and_plain_stty_shows_what_differs_from_sane()
    {
        var k = OnTerminal();
        var changed = k.Run(new Stty(), "stty", "-echo", "intr", "^X");
        Assert.Equal((0, "", ""), (changed.ExitCode, changed.Stdout, changed.Stderr));
        Assert.Contains(k.Calls, c => c.Call is Ssi.Vproc.Programs.TcSetAttr set && set.Settings == Applied("-echo", "intr", "^X"));
        Assert.Equal("speed 38400 baud; line = 0;\nintr = ^X;\n-echo\n", SttySettings.Differences(Applied("-echo", "intr", "^X")));
        Assert.Equal("speed 38400 baud; line = 0;\n", k.Run(new Stty(), "stty").Stdout); // each run here has a sane terminal of its own
    }

    [Fact]
    public void Stty_on_a_pipe_and_with_a_bad_word_fails_with_status_1()
    {
        var r = new ProgramMachine(cluster) { StdinIsPipe = true }.Run(new Stty(), "stty", "-a");
        Assert.Equal((1, "stty: 'standard input': Inappropriate ioctl for device\n"), (r.ExitCode, r.Stderr));
        r = OnTerminal().Run(new Stty(), "stty", "bogus");
        Assert.Equal((1, "stty: invalid argument 'bogus'\nTry 'stty --help' for more information.\n"), (r.ExitCode, r.Stderr));
    }

    [Fact]
    public void Tty_prints_the_terminals_name_or_not_a_tty_with_status_1_and_s_prints_nothing()
    {
        var named = OnTerminal().Run(new Tty(), "tty");
        Assert.Equal((0, "/dev/pts/7\n"), (named.ExitCode, named.Stdout));
        var piped = new ProgramMachine(cluster) { StdinIsPipe = true }.Run(new Tty(), "tty");
        Assert.Equal((1, "not a tty\n"), (piped.ExitCode, piped.Stdout));
        var silent = new ProgramMachine(cluster) { StdinIsPipe = true }.Run(new Tty(), "tty", "-s");
        Assert.Equal((1, ""), (silent.ExitCode, silent.Stdout));
        Assert.Equal(0, OnTerminal().Run(new Tty(), "tty", "-s").ExitCode);
        Assert.Equal(2, OnTerminal().Run(new Tty(), "tty", "extra").ExitCode);
    }
}
