// `ssi fs VERB`: file commands on the cluster's single root, run through a chosen node as a chosen user.
using System.CommandLine;

namespace Ssi.Host.Cli.Commands.Fs;

public static class FsCommand
{
    public static Command Create()
    {
        // One set for every verb: --node routes each call (and the --user look-up) through that node.
        var client = new ClientOptions(
            new NodeOption("run the call through this node (default: any contact node)"),
            new UserOption(),
            new JsonOption("print JSON for scripts"));
        var command = new Command("fs", """
            File commands on the cluster's one root file system, the same from every node. Each runs through the node
            given with --node, as the user given with --user, with Unix permission checks in the cluster.

            Examples:
              ssi fs mkdir /data
              ssi fs put ./report.txt /data/report.txt --node 1
              ssi fs cat /data/report.txt --node 3
              ssi fs ls -l /home/ann --user ann
              ssi fs mknod /tmp/zero c 1 5 -m 666
            """);
        foreach (var verb in FsVerbs.All(client)) command.Subcommands.Add(verb);
        return command;
    }
}
