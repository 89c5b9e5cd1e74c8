// $(( )) evaluated without a shell process: C's precedence, 64-bit wrap-around, variables, assignment and errors.
using Ssi.Vproc.Programs.Shell;

namespace Ssi.Tests.Vproc.Programs.Shell;

public class ShellArithmeticTests
{
    private static long Eval(string expression, ShellState? state = null) => ShellArithmetic.Evaluate(expression, state ?? new ShellState());

    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("-7 / 2", -3)]
    [InlineData("-7 % 2", -1)]
    [InlineData("1 << 4 | 1", 17)]
    [InlineData("5 > 3 && 2 > 1", 1)]
    [InlineData("0 || 0", 0)]
    [InlineData("!0 + ~0", 0)]
    [InlineData("1 ? 2 : 3", 2)]
    [InlineData("0 ? 2 : 0 ? 3 : 4", 4)]
    [InlineData("0x10 + 010 + 2#101", 29)]
    [InlineData("9223372036854775807 + 1", long.MinValue)]
    [InlineData("3, 4", 4)]
    [InlineData("", 0)]
    public void Expressions_evaluate_as_in_c(string expression, long expected) => Assert.Equal(expected, Eval(expression));

    [Fact]
    public void Variables_are_read_assigned_and_incremented()
    {
        var state = new ShellState();
        state.Set("x", "5");
        state.Set("ref", "x * 2");
        Assert.Equal(10, Eval("ref", state));
        Assert.Equal(8, Eval("x += 3", state));
        Assert.Equal("8", state.Get("x"));
        Assert.Equal(8, Eval("x++", state));
        Assert.Equal(10, Eval("++x", state));
        Assert.Equal(0, Eval("unset_var", state));
    }

    [Fact]
    public void The_branch_not_taken_has_no_side_effect()
    {
        var state = new ShellState();
        state.Set("x", "1");
        Eval("0 && (x = 5)", state);
        Eval("1 || (x = 6)", state);
        Eval("1 ? x : (x = 7)", state);
        Assert.Equal("1", state.Get("x"));
    }

    [Theory]
    [InlineData("1 / 0")]
    [InlineData("1 +")]
    [InlineData("(1")]
    [InlineData("1 2")]
    [InlineData("08")]
    public void Bad_expressions_are_errors_not_numbers(string expression) =>
        Assert.Throws<ShellArithmeticError>(() => Eval(expression));

    [Fact]
    public void Set_u_makes_an_unset_variable_an_error()
    {
        var state = new ShellState { NoUnset = true };
        Assert.Throws<ShellArithmeticError>(() => Eval("nothing + 1", state));
    }
}
