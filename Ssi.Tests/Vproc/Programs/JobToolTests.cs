// nohup on the real process core and file system (ProgramMachine): its redirections, messages and SIGHUP, as GNU's.
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;
using Ssi.Vproc.Programs;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class JobToolTests(ProgramCluster cluster)
{
    /// <summary>Prints what SIGHUP's disposition was, and that it ran.</summary>
    private sealed class HupState : Program
    {
        public override IEnumerable<SystemCall> Main(ProcessContext p)
        {
            yield return new SigAction(Signal.SIGHUP, Disposition.Default);
            yield return Io.Out($"SIGHUP {(Disposition)p.Result.Int}; args {string.Join(' ', p.Args[1..])}\n");
        }
    }

    private ProgramMachine Machine()
    {
        var k = new ProgramMachine(cluster) { Cwd = "/work" };
        k.AddDirectory("/work");
        k.AddDirectory("/dev");
        k.AddNode("/dev/null", InodeType.CharDevice, MemoryDevices.Null);
        k.AddProgram("/bin/hupstate", () => new HupState());
        return k;
    }

    [Fact]
    public void Nohup_with_stdout_a_terminal_appends_to_nohup_out_and_runs_the_command_with_SIGHUP_ignored()
    {
        var k = Machine();
        k.StdoutIsTerminal = true;
        k.AddFile("/work/nohup.out", "before\n");
        var r = k.Run(new Nohup(), "nohup", "hupstate", "-x", "y");
        Assert.Equal((0, ""), (r.ExitCode, r.Stdout));
        Assert.Equal("nohup: ignoring input and appending output to 'nohup.out'\n", r.Stderr);
        Assert.Equal("before\nSIGHUP Ignore; args -x y\n", k.ReadFile("/work/nohup.out"));
    }

    [Fact]
    public void Nohup_falls_back_to_HOME_when_the_directory_refuses_nohup_out()
    {
        var k = Machine();
        k.StdoutIsTerminal = true;
        k.AddDirectory("/home");
        k.AddDirectory("/home/ann");
        k.Chmod("/work", 0x16D);
        k.Environment = k.Environment.Add("HOME", "/home/ann");
        var r = k.Run(new Nohup(), "nohup", "hupstate");
        Assert.Equal("nohup: ignoring input and appending output to '/home/ann/nohup.out'\n", r.Stderr);
        Assert.Equal("SIGHUP Ignore; args \n", k.ReadFile("/home/ann/nohup.out"));
        Assert.Equal(0x180, k.Find("/home/ann/nohup.out")!.Mode & 0xFFF);
    }

    [Fact]
    public void Nohup_with_stdout_a_file_sends_a_terminal_stderr_to_it_and_says_so()
    {
        var k = Machine();
        var r = k.Run(new Nohup(), "nohup", "hupstate");
        Assert.Equal((0, "SIGHUP Ignore; args \n"), (r.ExitCode, r.Stdout));
        Assert.Equal("nohup: ignoring input and redirecting stderr to stdout\n", r.Stderr);
        Assert.False(k.Exists("/work/nohup.out"));
    }

    [Fact]
    public void Nohup_reports_a_missing_command_with_127_and_no_operand_with_125()
    {
        var k = Machine();
        var missing = k.Run(new Nohup(), "nohup", "nosuch");
        Assert.Equal(127, missing.ExitCode);
        Assert.EndsWith("nohup: failed to run command 'nosuch': No such file or directory\n", missing.Stdout);
        var none = k.Run(new Nohup(), "nohup");
        Assert.Equal((125, "nohup: missing operand\nTry 'nohup --help' for more information.\n"), (none.ExitCode, none.Stderr));
    }
}
