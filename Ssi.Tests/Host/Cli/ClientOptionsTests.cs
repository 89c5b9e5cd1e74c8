// The shared options --user, --json and --node, without a cluster: which commands take them, as what, saying what.
using System.CommandLine;
using Ssi.Host.Cli;

namespace Ssi.Tests.Host.Cli;

public sealed class ClientOptionsTests
{
    private static Command CommandOf(string line) => SsiCommandLine.Parse(line.Split(' ')).CommandResult.Command;

    private static Option OptionOf(string line, string name) => CommandOf(line).Options.Single(o => o.Name == name);

    [Theory]
    [InlineData("kill --user ann 2000017")]
    [InlineData("migrate 2000017 2 --user ann")]
    [InlineData("pin 2000017 --user ann")]
    [InlineData("loadlevel on --user ann")]
    [InlineData("run --user ann true")]
    [InlineData("onnode 2 --user ann true")]
    [InlineData("fs ls / --user ann")]
    [InlineData("fs put ./a /a --user ann")]
    public void Every_command_that_acts_as_someone_takes_the_one_user_option(string line)
    {
        var parse = SsiCommandLine.Parse(line.Split(' '));

        Assert.Empty(parse.Errors);
        Assert.Equal("ann", parse.GetValue<string>("--user"));
        Assert.IsType<UserOption>(OptionOf(line, "--user"));
    }

    [Theory]
    [InlineData("ps --json")]
    [InlineData("cluster --json")]
    [InlineData("loadlevel --json")]
    [InlineData("fs stat /etc/motd --json")]
    public void Every_command_with_output_for_scripts_takes_the_one_json_option(string line)
    {
        var parse = SsiCommandLine.Parse(line.Split(' '));

        Assert.Empty(parse.Errors);
        Assert.True(parse.GetValue<bool>("--json"));
        Assert.IsType<JsonOption>(OptionOf(line, "--json"));
    }

    [Theory]
    [InlineData("cluster --node 2")]
    [InlineData("loadlevel --node 2")]
    [InlineData("run --node 2 true")]
    [InlineData("fs cat /etc/motd --node 2")]
    public void Every_command_that_picks_a_node_takes_the_one_node_option(string line)
    {
        Assert.IsType<NodeOption>(OptionOf(line, "--node"));
        Assert.Equal(2, SsiCommandLine.Parse(line.Split(' ')).GetValue<int?>("--node"));
    }

    [Theory]
    [InlineData("ps --user ann", "--user")]
    [InlineData("pin 1 --node 2", "--node")]
    [InlineData("cluster --user ann", "--user")]
    [InlineData("migrate 1 2 --json", "--json")]
    [InlineData("ps --node 2", "--node")]
    public void A_command_that_did_not_opt_in_refuses_the_option(string line, string option)
    {
        var parse = SsiCommandLine.Parse(line.Split(' '));

        Assert.Contains(parse.Errors, e => e.Message.Contains(option));
    }

    [Theory]
    [InlineData("kill 1", UserOption.ActAs)]
    [InlineData("fs ls /", UserOption.ActAs)]
    [InlineData("loadlevel", "act as this user; only root may turn leveling on or off")]
    [InlineData("migrate 1 2", "act as this user (root, a name from /etc/passwd, or a uid); only root or the owner may")]
    [InlineData("run true", "run as this user: root, a name from the cluster's /etc/passwd, or a numeric uid")]
    public void The_user_option_says_what_the_user_may_do_on_each_command(string line, string description)
    {
        Assert.Equal(description, OptionOf(line, "--user").Description);
    }

    [Theory]
    [InlineData("ps", JsonOption.InsteadOfTable)]
    [InlineData("cluster", JsonOption.InsteadOfTable)]
    [InlineData("fs ls /", "print JSON for scripts")]
    public void The_json_option_says_what_it_prints(string line, string description)
    {
        Assert.Equal(description, OptionOf(line, "--json").Description);
    }

    [Fact]
    public void The_options_a_command_opted_in_to_are_read_and_the_others_are_their_defaults()
    {
        var all = new ClientOptions(new NodeOption("through this node"), new UserOption(), new JsonOption());
        var none = new ClientOptions();
        var command = new Command("probe");
        all.AddTo(command);

        var parse = command.Parse(["--node", "3", "--user", "ann", "--json"]);

        Assert.Empty(parse.Errors);
        Assert.Equal((3, "ann", true), (all.NodeIn(parse), all.UserIn(parse), all.JsonIn(parse)));
        Assert.Equal((null, null, false), (none.NodeIn(parse), none.UserIn(parse), none.JsonIn(parse)));
        Assert.Equal(["--node", "--user", "--json"], command.Options.Select(o => o.Name));
    }

    [Theory]
    [InlineData("kill", "--user", UserOption.ActAs)]
    [InlineData("ps", "--json", JsonOption.InsteadOfTable)]
    [InlineData("cluster", "--node", "ask this node for its view (default: any contact node); 1..2146")]
    public async Task Help_lists_each_shared_option_with_what_it_says(string verb, string option, string description)
    {
        var output = new StringWriter();

        var status = await SsiCommandLine.Build().Parse([verb, "--help"]).InvokeAsync(new InvocationConfiguration { Output = output });

        Assert.Equal(0, status);
        var help = System.Text.RegularExpressions.Regex.Replace(output.ToString(), @"\s+", " ");
        Assert.Contains(option, help);
        Assert.Contains(description, help);
    }
}
