// Paths and contents of /proc, without a cluster.
using System.Text;
using Ssi.Actors.Identity;
using Ssi.Vproc.ProcFs;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Tests.Vproc.ProcFs;

public sealed class ProcFilesTests
{
    [Theory]
    [InlineData("/proc", ProcFile.Root, 0)]
    [InlineData("/proc/2000007", ProcFile.ProcessDirectory, 2000007)]
    [InlineData("/proc/self", ProcFile.ProcessDirectory, 42)]
    [InlineData("/proc/self/goto", ProcFile.Goto, 42)]
    [InlineData("/proc/1000001/status", ProcFile.Status, 1000001)]
    [InlineData("/proc/1000001/where", ProcFile.Where, 1000001)]
    [InlineData("/proc/1000001/cmdline", ProcFile.Cmdline, 1000001)]
    public void Paths_name_their_file_and_process(string path, ProcFile file, int pid) =>
        Assert.Equal(new ProcPath(file, new Pid(pid)), ProcFiles.Parse(path, self: new Pid(42)));

    [Theory]
    [InlineData("/proc/0")]
    [InlineData("/proc/-3")]
    [InlineData("/proc/abc")]
    [InlineData("/proc/12/nothing")]
    [InlineData("/proc/12/status/more")]
    [InlineData("/procedure")]
    public void Anything_else_does_not_exist(string path) => Assert.Null(ProcFiles.Parse(path, self: new Pid(42)));

    [Theory]
    [InlineData("3\n", 3)]
    [InlineData(" 12 ", 12)]
    [InlineData("0", null)]
    [InlineData("-1", null)]
    [InlineData("two", null)]
    [InlineData("", null)]
    public void Goto_takes_a_node_number_with_white_space_around_it(string written, int? node) =>
        Assert.Equal(node, ProcFiles.ParseNode(Encoding.UTF8.GetBytes(written))?.Value);

    [Fact]
    public void Status_and_cmdline_say_what_ps_says()
    {
        var info = new ProcessInfo(new Pid(2000005), new Pid(1), new Pid(2000005), new Pid(2000005), 1000, 100, RunState.Stopped, new NodeNumber(3), "/bin/sleep 10", DateTimeOffset.UnixEpoch, TimeSpan.FromMilliseconds(1500)) { Pinned = true };
        var status = Encoding.UTF8.GetString(ProcFiles.Content(ProcFile.Status, info));
        Assert.Equal("Name:\tsleep\nState:\tT (stopped)\nPid:\t2000005\nPPid:\t1\nPgid:\t2000005\nSid:\t2000005\nUid:\t1000\nGid:\t100\nNode:\t3\nPinned:\tyes\nCpuTime:\t1.500\n", status);
        Assert.Equal("/bin/sleep\u000010\u0000", Encoding.UTF8.GetString(ProcFiles.Content(ProcFile.Cmdline, info)));
        Assert.Equal("3\n", Encoding.UTF8.GetString(ProcFiles.Content(ProcFile.Where, info)));
        Assert.Equal(0x80, ProcFiles.Attributes(ProcFile.Goto, info).Mode);
    }
}
