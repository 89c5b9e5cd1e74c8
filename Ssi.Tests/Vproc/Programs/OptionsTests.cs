// The shared command-line parser of the built-in tools, as getopt_long reads a line (pure, no machine).
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

public class OptionsTests
{
    private static readonly OptionSpec Spec = new("k:nrt:v", ["key=k", "numeric=n", "reverse=r", "verbose=v", "version", "check::"], "Usage: tool\n");

    private static Options Parse(params string[] args) => Options.Parse(args, Spec);

    [Fact]
    public void Clustered_short_options_and_attached_or_detached_arguments_are_read_in_order()
    {
        var o = Parse("-nrk2", "-k", "1,1", "-t:", "file");
        Assert.Null(o.Error);
        Assert.True(o.Has('n') && o.Has('r'));
        Assert.Equal(["2", "1,1"], o.All('k'));
        Assert.Equal(":", o.Value('t'));
        Assert.Equal(["file"], o.Operands);
    }

    [Fact]
    public void Options_may_follow_operands_until_a_double_dash_and_a_lone_dash_is_an_operand()
    {
        var o = Parse("a", "-n", "-", "--", "-r", "--key=x");
        Assert.True(o.Has('n'));
        Assert.False(o.Has('r'));
        Assert.Equal(["a", "-", "-r", "--key=x"], o.Operands);
    }

    [Fact]
    public void Long_options_take_arguments_after_an_equals_sign_or_as_the_next_word_and_map_to_their_letter()
    {
        var o = Parse("--key=2n", "--key", "3", "--numeric", "--check=quiet", "--check");
        Assert.Equal(["2n", "3"], o.All('k'));
        Assert.True(o.Has('n'));
        Assert.Equal([new GivenOption("check", "quiet"), new GivenOption("check", null)], o.Given.Where(g => g.Name == "check"));
    }

    [Fact]
    public void An_unambiguous_prefix_names_a_long_option_and_an_exact_name_beats_longer_ones()
    {
        Assert.True(Parse("--rev").Has('r'));
        Assert.True(Parse("--version").Has("version"));
        Assert.Equal("option '--ver' is ambiguous; possibilities: '--verbose' '--version'", Parse("--ver").Error);
    }

    [Theory]
    [InlineData(new[] { "-x" }, "invalid option -- 'x'")]
    [InlineData(new[] { "-nx" }, "invalid option -- 'x'")]
    [InlineData(new[] { "-k" }, "option requires an argument -- 'k'")]
    [InlineData(new[] { "--oops" }, "unrecognized option '--oops'")]
    [InlineData(new[] { "--oops=3" }, "unrecognized option '--oops=3'")]
    [InlineData(new[] { "--key" }, "option '--key' requires an argument")]
    [InlineData(new[] { "--numeric=3" }, "option '--numeric' doesn't allow an argument")]
    public void A_bad_line_gets_getopts_complaint(string[] args, string complaint) => Assert.Equal(complaint, Parse(args).Error);

    [Fact]
    public void The_last_of_competing_options_wins_and_help_is_known_to_every_tool_with_a_usage()
    {
        Assert.Equal('n', Parse("-k1", "-n", "-r").LastOf("kn"));
        Assert.True(Parse("--help").WantsHelp);
        Assert.Equal("unrecognized option '--help'", Options.Parse(["--help"], "n").Error);
    }
}
