// execve of #! scripts and with an environment, on the real process core, loader and file system (ProgramMachine).
using System.Collections.Immutable;
using Ssi.Vproc.Programs;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class ExecScriptTests(ProgramCluster cluster)
{
    /// <summary>execs its arguments (argv[1] the path) with the environment A=1 when argv[1] is "-e", and reports a failure.</summary>
    private sealed class Execs : Program
    {
        public override IEnumerable<SystemCall> Main(ProcessContext p)
        {
            var withEnvironment = p.Args[1] == "-e";
            var argv = p.Args[(withEnvironment ? 2 : 1)..];
            yield return new Exec(argv[0], argv, withEnvironment ? ImmutableDictionary<string, string>.Empty.Add("A", "1") : null);
            yield return Io.Out($"exec failed: {p.Result.Error}\n");
            yield return new Exit(1);
        }
    }

    private ProgramMachine Machine()
    {
        var k = new ProgramMachine(cluster) { Cwd = "/tmp" };
        k.AddDirectory("/bin");
        k.AddDirectory("/tmp", mode: 0x3FF);
        k.AddProgram("/bin/echo", () => new Echo());
        k.AddProgram("/bin/cat", () => new Cat());
        k.AddProgram("/bin/env", () => new Env());
        return k;
    }

    [Fact]
    public void A_script_runs_its_interpreter_with_the_argument_the_path_as_given_and_the_arguments_after_argv0()
    {
        var k = Machine();
        k.AddFile("/tmp/s", "#!/bin/echo hello  world\nignored\n", mode: 0x1ED);
        var r = k.Run(new Execs(), "execs", "/tmp/s", "a", "b");
        Assert.Equal((0, "hello  world /tmp/s a b\n"), (r.ExitCode, r.Stdout));
        var relative = k.Run(new Execs(), "execs", "./s", "c");
        Assert.Equal("hello  world ./s c\n", relative.Stdout);
    }

    [Fact]
    public void Cat_as_the_interpreter_prints_the_script()
    {
        var k = Machine();
        k.AddFile("/tmp/s", "#!/bin/cat\nline two\n", mode: 0x1ED);
        Assert.Equal("#!/bin/cat\nline two\n", k.Run(new Execs(), "execs", "s").Stdout);
    }

    /// <summary>Prints its argv and environment.</summary>
    private sealed class Show : Program
    {
        public override IEnumerable<SystemCall> Main(ProcessContext p)
        {
            yield return Io.Out($"{string.Join('|', p.Args)}; {string.Join(',', p.Environment.OrderBy(e => e.Key).Select(e => $"{e.Key}={e.Value}"))}\n");
        }
    }

    [Fact]
    public void Execs_environment_replaces_the_process_environment_and_reaches_a_scripts_interpreter()
    {
        var k = Machine();
        k.Environment = ImmutableDictionary<string, string>.Empty.Add("B", "2");
        k.AddProgram("/bin/show", () => new Show());
        k.AddFile("/tmp/s", "#!/bin/show -x\n", mode: 0x1ED);
        Assert.Equal("/bin/show|-x|/tmp/s|y; B=2\n", k.Run(new Execs(), "execs", "/tmp/s", "y").Stdout);
        Assert.Equal("/bin/show|-x|/tmp/s; A=1\n", k.Run(new Execs(), "execs", "-e", "/tmp/s").Stdout);
        Assert.Equal("/bin/show; A=1\n", k.Run(new Execs(), "execs", "-e", "/bin/show").Stdout);
    }

    [Fact]
    public void An_interpreter_that_is_a_script_is_ELOOP_a_missing_one_ENOENT_and_one_not_executable_EACCES()
    {
        var k = Machine();
        k.AddFile("/tmp/inner", "#!/bin/cat\n", mode: 0x1ED);
        k.AddFile("/tmp/outer", "#!/tmp/inner\n", mode: 0x1ED);
        k.AddFile("/tmp/missing", "#!/bin/nosuch\n", mode: 0x1ED);
        k.AddFile("/tmp/data", "x\n", mode: 0x1A4);
        k.AddFile("/tmp/notexec", "#!/tmp/data\n", mode: 0x1ED);
        k.AddFile("/tmp/empty", "#!\n", mode: 0x1ED);
        Assert.Equal("exec failed: ELOOP\n", k.Run(new Execs(), "execs", "/tmp/outer").Stdout);
        Assert.Equal("exec failed: ENOENT\n", k.Run(new Execs(), "execs", "/tmp/missing").Stdout);
        Assert.Equal("exec failed: EACCES\n", k.Run(new Execs(), "execs", "/tmp/notexec").Stdout);
        Assert.Equal("exec failed: ENOEXEC\n", k.Run(new Execs(), "execs", "/tmp/empty").Stdout);
    }
}
