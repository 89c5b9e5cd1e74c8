// The command line without a cluster: node numbers, parse errors and kill's targets, as ssi parses its argv.
using System.CommandLine;
using Ssi.Host.Cli;

namespace Ssi.Tests.Host.Cli;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("cluster", "cluster --node 0")]
    [InlineData("run", "run --node 0 true")]
    [InlineData("onnode", "onnode 0 true")]
    [InlineData("fs ls", "fs ls / --node 0")]
    [InlineData("fs put", "fs put ./a /a --node -1")]
    [InlineData("migrate", "migrate 1000004 0")]
    [InlineData("loadlevel", "loadlevel --node 0")]
    [InlineData("node", "node --node 0")]
    [InlineData("cluster", "cluster --node 2147")]
    [InlineData("add", "add 0")]
    [InlineData("rm", "rm 16")]
    public void Every_node_number_out_of_range_is_one_usage_line_from_the_parser(string verb, string line)
    {
        var parse = SsiCommandLine.Parse(line.Split(' '));

        Assert.NotEmpty(parse.Errors);
        Assert.Matches($@"^ssi: {verb}: node -?\d+ is out of range \(1\.\.(2146|15)\); see 'ssi {verb} --help' \(EINVAL\)$", SsiCommandLine.UsageError(parse));
    }

    [Theory]
    [InlineData("cluster", "cluster --node abc")]
    [InlineData("run", "run --node abc true")]
    [InlineData("onnode", "onnode abc true")]
    [InlineData("migrate", "migrate 1000004 x")]
    [InlineData("loadlevel", "loadlevel on --node abc")]
    public void A_node_that_is_not_a_number_is_one_usage_line_from_the_parser(string verb, string line)
    {
        var parse = SsiCommandLine.Parse(line.Split(' '));

        Assert.Matches($@"^ssi: {verb}: node '\w+' is not a number \(1\.\.2146\); see 'ssi {verb} --help' \(EINVAL\)$", SsiCommandLine.UsageError(parse));
    }

    [Theory]
    [InlineData("cluster --node 2", 2)]
    [InlineData("run --node 15 true", 15)]
    [InlineData("fs cat /etc/motd --node 3", 3)]
    [InlineData("loadlevel --node 2146", 2146)]
    public void A_node_number_in_range_parses(string line, int node)
    {
        var parse = SsiCommandLine.Parse(line.Split(' '));

        Assert.Empty(parse.Errors);
        Assert.Equal(node, parse.GetValue<int?>("--node"));
    }

    [Theory]
    [InlineData("onnode 3 true", "node", 3)]
    [InlineData("migrate 1000004 2", "node", 2)]
    public void A_node_argument_in_range_parses(string line, string name, int node)
    {
        var parse = SsiCommandLine.Parse(line.Split(' '));

        Assert.Empty(parse.Errors);
        Assert.Equal(node, parse.GetValue<int>(name));
    }

    [Theory]
    [InlineData("cluster --bogus", "ssi: cluster: unrecognized command or argument '--bogus'; see 'ssi cluster --help' (EINVAL)")]
    [InlineData("frobnicate", "ssi: frobnicate: unknown command; see 'ssi --help' (EINVAL)")]
    [InlineData("migrate abc 2", "ssi: migrate: cannot parse argument 'abc' for command 'migrate' as a number; see 'ssi migrate --help' (EINVAL)")]
    [InlineData("fs", "ssi: fs: required command was not provided; see 'ssi fs --help' (EINVAL)")]
    public void Parse_errors_are_one_line_in_the_format_of_every_failure(string line, string expected)
    {
        Assert.Equal(expected, SsiCommandLine.UsageError(SsiCommandLine.Parse(line.Split(' '))));
    }

    [Theory]
    [InlineData("kill -KILL -1000001 --user ann", "KILL", "ann", new[] { "-1000001" })]
    [InlineData("kill -9 -1000001 2000004 --user ann", "9", "ann", new[] { "-1000001", "2000004" })]
    [InlineData("kill -s HUP -1000004 --user bob", "HUP", "bob", new[] { "-1000004" })]
    [InlineData("kill -INT -- -1000004", "INT", null, new[] { "-1000004" })] // no --user: the credential's user
    [InlineData("kill 2000017", "TERM", null, new[] { "2000017" })]
    public void Kill_options_after_a_process_group_still_parse_as_options(string line, string signal, string? user, string[] targets)
    {
        var parse = SsiCommandLine.Parse(line.Split(' '));

        Assert.Empty(parse.Errors);
        Assert.Equal(signal, parse.GetValue<string>("--signal"));
        Assert.Equal(user, parse.GetValue<string>("--user"));
        Assert.Equal(targets, parse.GetValue<string[]>("target"));
    }
}
