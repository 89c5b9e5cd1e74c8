// The shell's grammar without running anything: what each construct parses to, and which inputs are errors or incomplete.
using Ssi.Vproc.Programs.Shell;

namespace Ssi.Tests.Vproc.Programs.Shell;

public class ShellParserTests
{
    private static Command Parse(string source) => ShellParser.ParseAll(source);

    [Fact]
    public void A_simple_command_keeps_its_words_as_source_text_with_quotes()
    {
        var c = Assert.IsType<SimpleCommand>(Parse("echo 'a b' \"$x\" c\\ d"));
        Assert.Equal(["echo", "'a b'", "\"$x\"", "c\\ d"], c.Words.ToArray());
    }

    [Fact]
    public void Assignments_come_before_the_first_word_only()
    {
        var c = Assert.IsType<SimpleCommand>(Parse("A=1 B=\"x y\" env C=3"));
        Assert.Equal([new Assignment("A", "1"), new Assignment("B", "\"x y\"")], c.Assignments.ToArray());
        Assert.Equal(["env", "C=3"], c.Words.ToArray());
    }

    [Fact]
    public void Pipelines_and_lists_nest_as_posix_says()
    {
        var list = Assert.IsType<Sequence>(Parse("a | b && ! c || d; e &"));
        var andOr = Assert.IsType<AndOr>(list.Commands[0]);
        Assert.False(andOr.And);
        var inner = Assert.IsType<AndOr>(andOr.Left);
        Assert.True(inner.And);
        Assert.Equal(2, Assert.IsType<Pipeline>(inner.Left).Stages.Length);
        Assert.True(Assert.IsType<Pipeline>(inner.Right).Negated);
        Assert.IsType<Background>(list.Commands[1]);
    }

    [Fact]
    public void Compound_commands_take_their_redirections()
    {
        var r = Assert.IsType<Redirected>(Parse("{ echo a; } >out 2>&1"));
        Assert.IsType<BraceGroup>(r.Body);
        Assert.Equal([new Redirection(-1, RedirectionKind.Output, "out"), new Redirection(2, RedirectionKind.DupOutput, "1")], r.Redirections.ToArray());
    }

    [Fact]
    public void If_while_for_and_case_parse_with_newlines_anywhere_posix_allows()
    {
        var script = "if a\nthen b\nelif c; then d\nelse e\nfi\nwhile x; do y; done\nfor i in 1 2\ndo\n echo $i\ndone\ncase $v in\n (a|b) one;;\n *) two\nesac\n";
        var all = Assert.IsType<Sequence>(Parse(script));
        var @if = Assert.IsType<IfClause>(all.Commands[0]);
        Assert.Equal(2, @if.Branches.Length);
        Assert.NotNull(@if.Else);
        Assert.IsType<LoopClause>(all.Commands[1]);
        Assert.Equal(["1", "2"], Assert.IsType<ForClause>(all.Commands[2]).Words!.Value.ToArray());
        var @case = Assert.IsType<CaseClause>(all.Commands[3]);
        Assert.Equal(["a", "b"], @case.Items[0].Patterns.ToArray());
        Assert.Equal(["*"], @case.Items[1].Patterns.ToArray());
    }

    [Fact]
    public void A_function_definition_takes_a_compound_body()
    {
        var f = Assert.IsType<FunctionDefinition>(Parse("greet() { echo hi; }"));
        Assert.Equal("greet", f.Name);
        Assert.IsType<BraceGroup>(f.Body);
    }

    [Fact]
    public void Here_documents_are_read_after_the_line_and_quoting_the_delimiter_stops_expansion()
    {
        var all = Assert.IsType<Sequence>(Parse("cat <<EOF; cat <<-'END'\nhello $x\nEOF\n\tliteral $y\n\tEND\necho after\n"));
        var line = Assert.IsType<Sequence>(all.Commands[0]);
        var first = Assert.IsType<SimpleCommand>(line.Commands[0]).Redirections[0].Document!;
        var second = Assert.IsType<SimpleCommand>(line.Commands[1]).Redirections[0].Document!;
        Assert.Equal(("hello $x\n", true), (first.Body, first.Expand));
        Assert.Equal(("literal $y\n", false), (second.Body, second.Expand));
        Assert.Equal(["echo", "after"], Assert.IsType<SimpleCommand>(all.Commands[1]).Words.ToArray());
    }

    [Fact]
    public void Command_substitution_may_hold_a_case_with_unbalanced_parentheses()
    {
        var c = Assert.IsType<SimpleCommand>(Parse("echo $(case x in x) echo y;; esac) end"));
        Assert.Equal(["echo", "$(case x in x) echo y;; esac)", "end"], c.Words.ToArray());
    }

    [Fact]
    public void Arithmetic_and_a_subshell_in_a_substitution_are_told_apart()
    {
        Assert.Equal(["echo", "$((1 + (2 * 3)))"], Assert.IsType<SimpleCommand>(Parse("echo $((1 + (2 * 3)))")).Words.ToArray());
        Assert.Equal(["echo", "$( (echo a) )"], Assert.IsType<SimpleCommand>(Parse("echo $( (echo a) )")).Words.ToArray());
    }

    [Theory]
    [InlineData("if true; then", true)]
    [InlineData("echo 'open", true)]
    [InlineData("for i in 1; do", true)]
    [InlineData("a &&", true)]
    [InlineData("fi", false)]
    [InlineData("echo )", false)]
    [InlineData("{ }", false)]
    public void Errors_say_whether_more_input_could_finish_the_command(string source, bool incomplete)
    {
        var error = Assert.Throws<ShellSyntaxError>(() => Parse(source));
        Assert.Equal(incomplete, error.Incomplete);
        Assert.Equal(incomplete, ShellParser.IsIncomplete(source));
    }

    [Fact]
    public void Parsing_goes_one_line_at_a_time_so_an_error_later_does_not_stop_earlier_lines()
    {
        var (first, next) = ShellParser.ParseNext("echo one\nfi\n", 0);
        Assert.Equal(["echo", "one"], Assert.IsType<SimpleCommand>(first).Words.ToArray());
        Assert.Throws<ShellSyntaxError>(() => ShellParser.ParseNext("echo one\nfi\n", next));
    }

    [Fact]
    public void Only_a_single_digit_before_a_redirection_is_a_descriptor_as_in_dash()
    {
        var c = Assert.IsType<SimpleCommand>(Parse("echo hi 99>&1 2>/dev/null"));
        Assert.Equal(["echo", "hi", "99"], c.Words.ToArray());
        Assert.Equal(1, c.Redirections[0].Descriptor);
        Assert.Equal(2, c.Redirections[1].Descriptor);
    }
}
