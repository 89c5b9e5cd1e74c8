// find and xargs on the real process core: each case's output and status are what GNU findutils 4.9 printed for the same command.
using System.Text;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class FindXargsTests(ProgramCluster cluster)
{
    // The tree GNU find was run in: /t/{a/{one.txt,two.log},b/{three.txt,deep/four.txt},c/d/e,empty/}.
    private ProgramMachine Kernel(string stdin = "")
    {
        var k = new ProgramMachine(cluster) { Stdin = Encoding.UTF8.GetBytes(stdin), Cwd = "/t" };
        foreach (var (name, program) in Builtins.All) k.AddProgram("/bin/" + name, program);
        k.AddFile("/t/a/one.txt", "1\n");
        k.AddFile("/t/a/two.log", "22\n");
        k.AddFile("/t/b/three.txt", "333\n");
        k.AddFile("/t/b/deep/four.txt", "");
        k.AddFile("/t/c/d/e", "e\n");
        k.AddDirectory("/t/empty");
        return k;
    }

    // GNU find lists a directory in the order readdir gives, so lines are compared sorted; Find_visits_names_in_byte_order checks the order.
    [Theory]
    [InlineData(new[] { ".", "-name", "*.txt" }, "./a/one.txt\n./b/deep/four.txt\n./b/three.txt\n", "", 0)]
    [InlineData(new[] { ".", "-type", "d" }, ".\n./a\n./b\n./b/deep\n./c\n./c/d\n./empty\n", "", 0)]
    [InlineData(new[] { ".", "-maxdepth", "1" }, ".\n./a\n./b\n./c\n./empty\n", "", 0)]
    [InlineData(new[] { ".", "-mindepth", "2", "-type", "f" }, "./a/one.txt\n./a/two.log\n./b/deep/four.txt\n./b/three.txt\n./c/d/e\n", "", 0)]
    [InlineData(new[] { ".", "-name", "b", "-prune", "-o", "-type", "f", "-print" }, "./a/one.txt\n./a/two.log\n./c/d/e\n", "", 0)]
    [InlineData(new[] { ".", "-type", "f", "-exec", "echo", "X", "{}", ";" }, "X ./a/one.txt\nX ./a/two.log\nX ./b/deep/four.txt\nX ./b/three.txt\nX ./c/d/e\n", "", 0)]
    [InlineData(new[] { ".", "-path", "./a*", "!", "-type", "d" }, "./a/one.txt\n./a/two.log\n", "", 0)]
    [InlineData(new[] { ".", "-empty" }, "./b/deep/four.txt\n./empty\n", "", 0)]
    [InlineData(new[] { ".", "-size", "-2c", "-type", "f" }, "./b/deep/four.txt\n", "", 0)]
    [InlineData(new[] { ".", "-type", "f", "-name", "*o*", "-o", "-name", "e" }, "./a/one.txt\n./a/two.log\n./b/deep/four.txt\n./c/d/e\n", "", 0)]
    [InlineData(new[] { ".", "-printf", "%p|%f|%h|%d|%y|%P\\n" }, "./a/one.txt|one.txt|./a|2|f|a/one.txt\n./a/two.log|two.log|./a|2|f|a/two.log\n./a|a|.|1|d|a\n./b/deep/four.txt|four.txt|./b/deep|3|f|b/deep/four.txt\n./b/deep|deep|./b|2|d|b/deep\n./b/three.txt|three.txt|./b|2|f|b/three.txt\n./b|b|.|1|d|b\n./c/d/e|e|./c/d|3|f|c/d/e\n./c/d|d|./c|2|d|c/d\n./c|c|.|1|d|c\n./empty|empty|.|1|d|empty\n.|.|.|0|d|\n", "", 0)]
    [InlineData(new[] { "a", "b/deep", "-type", "f" }, "a/one.txt\na/two.log\nb/deep/four.txt\n", "", 0)]
    [InlineData(new[] { ".", "-name", "t*", "-quit" }, "", "", 0)]
    [InlineData(new[] { ".", "-regex", ".*/t[a-z]*\\.txt" }, "./b/three.txt\n", "", 0)]
    [InlineData(new[] { ".", "-iname", "ONE.TXT" }, "./a/one.txt\n", "", 0)]
    [InlineData(new[] { "nosuch", "-name", "x" }, "", "find: 'nosuch': No such file or directory\n", 1)]
    [InlineData(new[] { ".", "-foo" }, "", "find: unknown predicate `-foo'\n", 1)]
    [InlineData(new[] { ".", "-name" }, "", "find: missing argument to `-name'\n", 1)]
    [InlineData(new[] { ".", "-type", "k" }, "", "find: Unknown argument to -type: k\n", 1)]
    [InlineData(new[] { ".", "(", "-name", "x" }, "", "find: invalid expression; I was expecting to find a ')' somewhere but did not see one.\n", 1)]
    [InlineData(new[] { ".", "-exec", "echo" }, "", "find: missing argument to `-exec'\n", 1)]
    [InlineData(new[] { ".", "-maxdepth", "x" }, "", "find: Expected a positive decimal integer argument to -maxdepth, but got 'x'\n", 1)]
    [InlineData(new[] { ".", "-o" }, "", "find: invalid expression; you have used a binary operator '-o' with nothing before it.\n", 1)]
    [InlineData(new[] { ".", "!" }, "", "find: expected an expression after '!'\n", 1)]
    [InlineData(new[] { ".", "x", "-print", "y" }, "", "find: paths must precede expression: `y'\n", 1)]
    public void Find_prints_what_GNU_find_prints(string[] args, string sortedStdout, string stderr, int status)
    {
        var r = Kernel().Run(new Find(), ["find", .. args]);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).Select(l => l + "\n");
        Assert.Equal((sortedStdout, stderr, status), (string.Concat(lines), r.Stderr, r.ExitCode));
    }

    [Fact]
    public void Find_visits_names_in_byte_order_and_directories_after_their_contents_with_depth()
    {
        Assert.Equal("c\nc/d\nc/d/e\n", Kernel().Run(new Find(), "find", "c").Stdout);
        Assert.Equal("c/d/e\nc/d\nc\n", Kernel().Run(new Find(), "find", "c", "-depth").Stdout);
        Assert.Equal("./a/one.txt ./a/two.log\n", Kernel().Run(new Find(), "find", ".", "-path", "./a/*", "-exec", "echo", "{}", "+").Stdout);
    }

    [Fact]
    public void Find_newer_compares_modification_times_with_the_reference_file()
    {
        var k = Kernel();
        k.AddFile("/t/old", "", mtime: DateTimeOffset.Parse("2020-01-01T00:00:00Z"));
        k.AddFile("/t/ref", "", mtime: DateTimeOffset.Parse("2021-01-01T00:00:00Z"));
        k.AddFile("/t/new", "", mtime: DateTimeOffset.Parse("2099-01-01T00:00:00Z"));
        Assert.Equal("./new\n", k.Run(new Find(), "find", ".", "-maxdepth", "1", "-type", "f", "-newer", "ref").Stdout);
        var missing = k.Run(new Find(), "find", ".", "-newer", "nosuch");
        Assert.Equal((1, "find: 'nosuch': No such file or directory\n"), (missing.ExitCode, missing.Stderr));
    }

    [Fact]
    public void Find_delete_removes_files_then_their_directories_and_exec_failures_count_as_false()
    {
        var k = Kernel();
        var r = k.Run(new Find(), "find", "b", "-delete");
        Assert.Equal((0, ""), (r.ExitCode, r.Stdout));
        Assert.False(k.Exists("/t/b"));
        var failed = k.Run(new Find(), "find", "a", "-type", "f", "-exec", "false", ";", "-o", "-print");
        Assert.Equal((0, "a\na/one.txt\na/two.log\n"), (failed.ExitCode, failed.Stdout));
        var batch = k.Run(new Find(), "find", "a", "-type", "f", "-exec", "false", "{}", "+");
        Assert.Equal(1, batch.ExitCode);
    }

    [Theory]
    [InlineData(new[] { "-n", "1", "echo", "X" }, "a b\nc\n", "X a\nX b\nX c\n", "", 0)]
    [InlineData(new[] { "-I", "{}", "echo", "<{}>" }, "x y\n z\n", "<x y>\n<z>\n", "", 0)]
    [InlineData(new[] { "-0", "echo" }, "a b\u0000c\u0000", "a b c\n", "", 0)]
    [InlineData(new[] { "-r", "echo", "nothing" }, "", "", "", 0)]
    [InlineData(new[] { "echo", "something" }, "", "something\n", "", 0)]
    [InlineData(new[] { "-L", "1", "echo" }, "a b\nc \nd\ne\n", "a b\nc d\ne\n", "", 0)]
    [InlineData(new[] { "-E", "stop", "echo" }, "a stop b\n", "a\n", "", 0)]
    [InlineData(new[] { "echo" }, "a 'b c' \"d e\" f\\ g\n", "a b c d e f g\n", "", 0)]
    [InlineData(new[] { "echo" }, "a 'b\n", "a\n", "xargs: unmatched single quote; by default quotes are special to xargs unless you use the -0 option\n", 1)]
    [InlineData(new[] { "-n", "x" }, "", "", "xargs: invalid number \"x\" for -n option\nTry 'xargs --help' for more information.\n", 1)]
    [InlineData(new[] { "false" }, "a\n", "", "", 123)]
    [InlineData(new[] { "-s", "12", "echo" }, "aa bb cc dd\n", "aa bb\ncc dd\n", "", 0)]
    [InlineData(new[] { "-n", "2", "-t", "echo" }, "1 2 3\n", "1 2\n3\n", "echo 1 2\necho 3\n", 0)]
    [InlineData(new[] { "-a", "list", "echo", "got" }, "ignored\n", "got p q r\n", "", 0)]
    public void Xargs_runs_what_GNU_xargs_runs(string[] args, string stdin, string stdout, string stderr, int status)
    {
        var k = Kernel(stdin);
        k.AddFile("/t/list", "p q\nr\n");
        var r = k.Run(new Xargs(), ["xargs", .. args]);
        Assert.Equal((stdout, stderr, status), (r.Stdout, r.Stderr, r.ExitCode));
    }

    [Fact]
    public void Xargs_exits_127_for_a_missing_command_and_124_when_one_exits_255()
    {
        var missing = Kernel("a\n").Run(new Xargs(), "xargs", "nosuch");
        Assert.Equal((127, "xargs: nosuch: No such file or directory\n"), (missing.ExitCode, missing.Stderr));
        var k = Kernel("a\nb\n");
        k.AddProgram("/bin/exit255", () => new ExitWith255());
        var aborted = k.Run(new Xargs(), "xargs", "-n", "1", "exit255");
        Assert.Equal((124, "xargs: exit255: exited with status 255; aborting\n"), (aborted.ExitCode, aborted.Stderr));
    }

    [Fact]
    public void Xargs_runs_up_to_P_children_at_once()
    {
        var k = Kernel("1 2 3 4\n");
        var r = k.Run(new Xargs(), "xargs", "-n", "1", "-P", "2", "echo");
        Assert.Equal((0, "1\n2\n3\n4\n"), (r.ExitCode, r.Stdout));
        Assert.Equal(4, k.Calls.Count(c => c.Call is Ssi.Vproc.Programs.Fork && c.Pid == 100));
    }

    private sealed class ExitWith255 : Ssi.Vproc.Programs.Program
    {
        public override IEnumerable<Ssi.Vproc.Programs.SystemCall> Main(Ssi.Vproc.Programs.ProcessContext p)
        {
            yield return new Ssi.Vproc.Programs.Exit(255);
        }
    }
}
