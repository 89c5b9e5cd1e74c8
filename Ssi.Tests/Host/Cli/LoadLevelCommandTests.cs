// ssi loadlevel's choice of rows: --node N shows node N alone, and a node that is not up is an error.
using System.Collections.Immutable;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Host.Cli;
using Ssi.Host.Cli.Commands.Processes;
using Ssi.Vproc.Leveling;

namespace Ssi.Tests.Host.Cli;

public sealed class LoadLevelCommandTests
{
    private static readonly LoadTable Three = new(new NodeNumber(1), [.. new[] { 1, 2, 3 }.Select(n => new NodeLoad(new NodeNumber(n), n == 2, n, n, 0, 1))]);

    [Fact]
    public void Without_a_node_every_row_is_shown()
    {
        Assert.Equal([1, 2, 3], LoadLevelCommand.Rows(Three, null).Select(r => r.Node.Value));
    }

    [Fact]
    public void With_a_node_only_its_row_is_shown()
    {
        var row = Assert.Single(LoadLevelCommand.Rows(Three, 2));
        Assert.Equal(new NodeNumber(2), row.Node);
        Assert.True(row.Enabled);
    }

    [Fact]
    public void A_node_that_is_not_up_is_EHOSTDOWN_exit_1()
    {
        var e = Assert.Throws<CliException>(() => LoadLevelCommand.Rows(Three, 16));
        Assert.Equal(Errno.EHOSTDOWN, e.Errno);
        Assert.Equal(ExitCodes.Failure, CliErrors.ExitCode(e));
        Assert.Equal("ssi: loadlevel: node 16 is not up (EHOSTDOWN)", CliErrors.Line("loadlevel", e));
    }
}
