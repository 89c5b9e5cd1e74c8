// End to end: a file system call that fails inside a process reaches the program as its errno, on any node.
using Ssi.Tests.Harness;

namespace Ssi.Tests.EndToEnd;

[Trait("Category", "EndToEnd")]
public sealed class FileCallFailureEndToEndTests
{
    [Fact]
    public async Task Mkdir_rm_rmdir_and_mv_inside_a_process_fail_with_the_errno_the_file_system_gave()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "2")).Succeeded();

        AssertFails(await ssi.RunAsync("run", "mkdir", "/tmp"), "mkdir: cannot create directory '/tmp': File exists");
        AssertFails(await ssi.RunAsync("run", "--node", "2", "--user", "ann", "rm", "/etc/motd"), "rm: cannot remove '/etc/motd': Permission denied");

        (await ssi.RunAsync("run", "mkdir", "/tmp/there")).Succeeded();
        (await ssi.RunAsync("run", "mkdir", "/tmp/there/inner")).Succeeded();
        AssertFails(await ssi.RunAsync("run", "--node", "2", "rm", "-d", "/tmp/there"), "rm: cannot remove '/tmp/there': Directory not empty");
        AssertFails(await ssi.RunAsync("run", "mv", "/tmp/there", "/tmp/there/dir1"),
            "mv: cannot move '/tmp/there' to a subdirectory of itself, '/tmp/there/dir1'");

        // Nothing moved: the directory is where it was, with its one entry.
        var listed = await ssi.RunAsync("run", "ls", "/tmp/there");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Equal("inner\n", listed.Stdout);
        AssertFails(await ssi.RunAsync("run", "--user", "ann", "mkdir", "/etc/mine"), "mkdir: cannot create directory '/etc/mine': Permission denied");

        (await ssi.RunAsync("stop")).Succeeded();
    }

    private static void AssertFails(CliResult result, string stderr)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(stderr + "\n", result.Stderr);
    }
}
