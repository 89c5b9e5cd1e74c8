// The line discipline alone: what typed bytes make readable, what they echo, and which signals they raise.
using System.Text;
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;

namespace Ssi.Tests.Cfs.Devices;

public sealed class LineDisciplineTests
{
    private static byte[] B(string text) => Encoding.Latin1.GetBytes(text);

    private static string S(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    private static (LineDiscipline Line, TypedResult Typed) Typed(string keys, TerminalSettings? settings = null)
    {
        var line = new LineDiscipline(settings);
        return (line, line.Type(B(keys)));
    }

    [Fact]
    public void Canonical_input_is_readable_only_once_a_line_ends_and_is_echoed_as_typed()
    {
        var (line, typed) = Typed("abc");
        Assert.False(line.Readable(100, true));
        Assert.Equal("abc", S(typed.Echo));
        Assert.Equal("\n", S(line.Type(B("\r")).Echo)); // ICRNL: Enter gives a newline
        Assert.True(line.Readable(100, true));
        Assert.Equal("abc\n", S(line.Take(100, true)));
    }

    [Fact]
    public void Erase_removes_the_last_character_and_rubs_it_out_on_the_screen()
    {
        var (line, typed) = Typed("abc\x7f" + "d\r");
        Assert.Equal("abc\b \bd\n", S(typed.Echo));
        Assert.Equal("abd\n", S(line.Take(100, true)));
    }

    [Fact]
    public void Backspace_erases_too_and_erasing_an_empty_line_does_nothing()
    {
        var (line, typed) = Typed("\x7f" + "ab\b\n");
        Assert.Equal("ab\b \b\n", S(typed.Echo));
        Assert.Equal("a\n", S(line.Take(100, true)));
    }

    [Fact]
    public void Erase_takes_a_whole_utf8_character()
    {
        var line = new LineDiscipline();
        line.Type(Encoding.UTF8.GetBytes("aé"));
        line.Type(B("\x7f\n"));
        Assert.Equal("a\n", S(line.Take(100, true)));
    }

    [Fact]
    public void Kill_erases_the_whole_line()
    {
        var (line, typed) = Typed("hello\x15" + "bye\n");
        Assert.Equal("hello" + string.Concat(Enumerable.Repeat("\b \b", 5)) + "bye\n", S(typed.Echo));
        Assert.Equal("bye\n", S(line.Take(100, true)));
    }

    [Fact]
    public void Kill_without_echoke_echoes_the_kill_character_and_a_newline()
    {
        var (line, typed) = Typed("hello\x15" + "bye\n", TerminalSettings.Sane.With(TerminalFlags.Echoke, false));
        Assert.Equal("hello^U\nbye\n", S(typed.Echo));
        Assert.Equal("bye\n", S(line.Take(100, true)));
    }

    [Fact]
    public void Word_erase_removes_the_last_word_and_the_blanks_after_it()
    {
        var (line, _) = Typed("cat foo bar  \x17\n");
        Assert.Equal("cat foo \n", S(line.Take(100, true)));
        line.Type(B("ls /usr/lib\x17\n"));
        Assert.Equal("ls /usr/\n", S(line.Take(100, true)));
    }

    [Fact]
    public void Eof_at_the_start_of_a_line_is_an_end_of_file_for_one_read_only()
    {
        var (line, typed) = Typed("\x04" + "after\n");
        Assert.Equal("after\n", S(typed.Echo)); // ^D is not echoed
        Assert.True(line.Readable(100, true));
        Assert.Empty(line.Take(100, true));
        Assert.Equal("after\n", S(line.Take(100, true)));
    }

    [Fact]
    public void Eof_mid_line_delivers_the_partial_line_without_a_delimiter()
    {
        var (line, _) = Typed("part\x04");
        Assert.True(line.Readable(100, true));
        Assert.Equal("part", S(line.Take(100, true)));
        Assert.False(line.Readable(100, true));
    }

    [Fact]
    public void A_canonical_read_returns_one_line_at_most_and_a_short_read_leaves_the_rest()
    {
        var (line, _) = Typed("one\ntwo\n");
        Assert.Equal("on", S(line.Take(2, true)));
        Assert.Equal("e\n", S(line.Take(100, true)));
        Assert.Equal("two\n", S(line.Take(100, true)));
    }

    [Theory]
    [InlineData("\x03", Signal.SIGINT, "^C")]
    [InlineData("\x1c", Signal.SIGQUIT, "^\\")]
    [InlineData("\x1a", Signal.SIGTSTP, "^Z")]
    public void Isig_characters_raise_their_signal_echo_as_caret_and_flush_the_input(string key, int signal, string echo)
    {
        var (line, typed) = Typed("done\npending" + key);
        Assert.Equal([signal], typed.Signals.ToArray());
        Assert.EndsWith(echo, S(typed.Echo));
        Assert.False(line.Readable(100, true)); // the whole line and the pending one are gone
        line.Type(B("x\n"));
        Assert.Equal("x\n", S(line.Take(100, true)));
    }

    [Fact]
    public void Noflsh_keeps_the_input_at_a_signal()
    {
        var (line, typed) = Typed("done\n\x03", TerminalSettings.Sane.With(TerminalFlags.Noflsh, true));
        Assert.Equal([Signal.SIGINT], typed.Signals.ToArray());
        Assert.Equal("done\n", S(line.Take(100, true)));
    }

    [Fact]
    public void Without_isig_the_interrupt_character_is_plain_input()
    {
        var (line, typed) = Typed("\x03\n", TerminalSettings.Sane.With(TerminalFlags.Isig, false));
        Assert.Empty(typed.Signals);
        Assert.Equal("\x03\n", S(line.Take(100, true)));
    }

    [Fact]
    public void Without_echo_nothing_is_echoed_but_input_is_edited_as_before()
    {
        var (line, typed) = Typed("secret\x7fT\r", TerminalSettings.Sane.With(TerminalFlags.Echo, false));
        Assert.Empty(typed.Echo);
        Assert.Equal("secreT\n", S(line.Take(100, true)));
    }

    [Fact]
    public void Echonl_echoes_the_newline_even_without_echo()
    {
        var (_, typed) = Typed("pw\n", TerminalSettings.Sane.With(TerminalFlags.Echo, false).With(TerminalFlags.Echonl, true));
        Assert.Equal("\n", S(typed.Echo));
    }

    [Fact]
    public void Without_icrnl_a_carriage_return_is_plain_input()
    {
        var (line, _) = Typed("a\rb\n", TerminalSettings.Sane.With(TerminalFlags.Icrnl, false));
        Assert.Equal("a\rb\n", S(line.Take(100, true)));
    }

    [Fact]
    public void Control_characters_are_echoed_as_caret_letters_with_echoctl_and_raw_without()
    {
        Assert.Equal("^A", S(Typed("\x01").Typed.Echo));
        Assert.Equal("\x01", S(Typed("\x01", TerminalSettings.Sane.With(TerminalFlags.Echoctl, false)).Typed.Echo));
    }

    [Fact]
    public void Non_canonical_input_is_readable_byte_by_byte_with_no_editing()
    {
        var raw = TerminalSettings.Sane.With(TerminalFlags.Icanon, false);
        var (line, typed) = Typed("q\x7f", raw);
        Assert.Equal("q^?", S(typed.Echo));
        Assert.True(line.Readable(100, true));
        Assert.Equal("q\x7f", S(line.Take(100, true)));
        Assert.False(line.Readable(1, true));
    }

    [Fact]
    public void Raw_mode_has_no_signals_no_echo_and_no_carriage_return_mapping()
    {
        var (line, typed) = Typed("\x03\r", TerminalSettings.Sane.Raw());
        Assert.Empty(typed.Signals);
        Assert.Empty(typed.Echo);
        Assert.Equal("\x03\r", S(line.Take(100, true)));
    }

    [Fact]
    public void Non_canonical_reads_wait_for_min_bytes_and_never_with_min_zero()
    {
        var line = new LineDiscipline(TerminalSettings.Sane.Raw() with { Min = 3 });
        line.Type(B("ab"));
        Assert.False(line.Readable(100, true));
        Assert.True(line.Readable(2, true)); // a read of fewer bytes than MIN waits for those only
        line.Type(B("c"));
        Assert.True(line.Readable(100, true));
        Assert.True(new LineDiscipline(TerminalSettings.Sane.Raw() with { Min = 0 }).Readable(100, true));
    }

    [Fact]
    public void Leaving_canonical_mode_makes_the_line_being_edited_readable()
    {
        var (line, _) = Typed("half");
        line.Apply(TerminalSettings.Sane.With(TerminalFlags.Icanon, false));
        Assert.Equal("half", S(line.Take(100, true)));
    }

    [Fact]
    public void Changed_special_characters_take_effect()
    {
        var settings = TerminalSettings.Sane with { Intr = 0x18, Erase = (byte)'#' }; // intr ^X, erase #
        var (line, typed) = Typed("ab#c\n\x03\x18", settings);
        Assert.Equal([Signal.SIGINT], typed.Signals.ToArray());
        Assert.False(line.Readable(100, true)); // flushed by ^X; ^C was plain input before it
    }

    [Fact]
    public void Lnext_takes_the_next_character_literally()
    {
        var (line, typed) = Typed("\x16\x03\n");
        Assert.Empty(typed.Signals);
        Assert.Equal("\x03\n", S(line.Take(100, true)));
    }

    [Fact]
    public void Consumed_counts_bytes_read_erased_or_flushed_so_the_client_may_send_more()
    {
        var line = new LineDiscipline();
        line.Type(B("ab\x7f"));
        Assert.Equal(2, line.Consumed); // the b and the erase
        line.Type(B("\n"));
        line.Take(100, true);
        Assert.Equal(4, line.Consumed);
        line.Type(B("xyz\x03"));
        Assert.Equal(8, line.Consumed);
    }

    [Fact]
    public void A_full_line_drops_further_characters()
    {
        var line = new LineDiscipline();
        line.Type(B(new string('x', LineDiscipline.MaxLine + 10)));
        line.Type(B("\n"));
        Assert.Equal(LineDiscipline.MaxLine + 1, line.Take(10_000, true).Length);
    }
}
