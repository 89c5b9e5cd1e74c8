// Pure parts of a process's state: the descriptor table, working-directory paths, shard placement, program files.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Tests.Vproc.ProcessTable;

public sealed class ProcessStateTests
{
    [Fact]
    public void New_descriptors_take_the_lowest_free_number_up_to_the_limit()
    {
        var table = FdTable.Empty;
        for (var i = 0; i < 3; i++) table = table.Add(new CfsHandle(100 + i)).Value.Table;
        table = table.Remove(new Fd(1));
        var (withOne, fd) = table.Add(new CfsHandle(200)).Value;
        Assert.Equal(new Fd(1), fd);
        var full = Enumerable.Range(0, FdTable.Limit).Aggregate(FdTable.Empty, (t, i) => t.Set(new Fd(i), new Descriptor(new CfsHandle(i))));
        Assert.Equal(Errno.EMFILE, full.Add(new CfsHandle(9)).Error);
        Assert.Equal(new CfsHandle(200), withOne[new Fd(1)]!.Handle);
    }

    [Fact]
    public void Exec_closes_only_close_on_exec_descriptors()
    {
        var table = FdTable.Empty.Set(new Fd(0), new Descriptor(new CfsHandle(1))).Set(new Fd(3), new Descriptor(new CfsHandle(2), CloseOnExec: true));
        var (after, closed) = table.AfterExec();
        Assert.Equal([Fd.Stdin], after.Entries.Keys);
        Assert.Equal(new CfsHandle(2), Assert.Single(closed).Handle);
    }

    [Theory]
    [InlineData("/home/ann", "docs", "/home/ann/docs")]
    [InlineData("/home/ann", "..", "/home")]
    [InlineData("/home/ann", "../../..", "/")]
    [InlineData("/", "./tmp/./x/..", "/tmp")]
    [InlineData("/tmp", "/etc", "/etc")]
    public void Chdir_folds_dot_and_dot_dot_like_a_shell(string cwd, string path, string expected) =>
        Assert.Equal(expected, Paths.Combine(cwd, path));

    [Fact]
    public void A_process_lives_in_a_shard_of_the_node_that_made_its_pid()
    {
        var extractor = new ProcessShardExtractor(10);
        Assert.Equal("3-7", extractor.ShardOf(new Pid(3_000_017)));
        Assert.Equal("0-0", extractor.ShardOf(new Pid(1)));
        Assert.Equal(new NodeNumber(3), ProcessShardExtractor.HomeOf("3-7"));
        Assert.Null(ProcessShardExtractor.HomeOf("0-0"));
        Assert.Null(ProcessShardExtractor.HomeOf("garbage"));
    }

    [Fact]
    public void A_message_for_another_nodes_place_of_a_process_goes_to_that_nodes_shard_however_sharding_asks()
    {
        var extractor = new ProcessShardExtractor(10);
        var message = new Ssi.Vproc.Migration.AtNode(new NodeNumber(2), new GetProcessInfo(new Pid(3_000_017)));
        Assert.Equal("2-7", extractor.ShardId(message));
        Assert.Equal("2-7", extractor.ShardId("3000017", message));
        Assert.Equal("3000017", extractor.EntityId(message));
        Assert.IsType<GetProcessInfo>(extractor.EntityMessage(message));
        Assert.IsType<Ssi.Vproc.Migration.RelayedMessage>(extractor.EntityMessage(message with { Relayed = true }));
    }

    [Theory]
    [InlineData("#!ssi-program cat\n", "cat", null)]
    [InlineData("#!ssi-program My.Tools.Hello @/usr/lib/hello.dll\nignored", "My.Tools.Hello", "/usr/lib/hello.dll")]
    public void An_executable_names_a_builtin_or_a_class_in_an_assembly(string text, string name, string? assembly)
    {
        var parsed = ProgramCatalog.Parse(System.Text.Encoding.UTF8.GetBytes(text));
        Assert.True(parsed.IsOk, parsed.ToString());
        switch (parsed.Value)
        {
            case ProgramCatalog.Builtin b:
                Assert.Null(assembly);
                Assert.Equal(name, b.Name);
                break;
            case ProgramCatalog.InAssembly a:
                Assert.Equal(name, a.TypeName);
                Assert.Equal(assembly, a.AssemblyPath);
                break;
        }
    }

    [Theory]
    [InlineData("plain text")]
    [InlineData("#!\necho hi\n")]
    [InlineData("#!   \t\n")]
    [InlineData("#!ssi-program\n")]
    [InlineData("#!ssi-program \n")]
    [InlineData("#!ssi-program Type @relative.dll\n")]
    public void Anything_else_is_an_exec_format_error(string text) =>
        Assert.Equal(Errno.ENOEXEC, ProgramCatalog.Parse(System.Text.Encoding.UTF8.GetBytes(text)).Error);

    [Theory]
    [InlineData("#!/bin/sh\necho hi\n", "/bin/sh", null)]
    [InlineData("#! /bin/sh -e \n", "/bin/sh", "-e")]
    [InlineData("#!/usr/bin/env  python3 -u\r\n", "/usr/bin/env", "python3 -u")]
    [InlineData("#!tools/run", "tools/run", null)]
    public void A_hash_bang_line_names_an_interpreter_and_at_most_one_argument(string text, string interpreter, string? argument)
    {
        var parsed = ProgramCatalog.Parse(System.Text.Encoding.UTF8.GetBytes(text));
        Assert.Equal(new ProgramCatalog.Script(interpreter, argument), parsed.Value);
    }

    [Fact]
    public void A_hash_bang_line_longer_than_Linux_reads_is_an_exec_format_error() =>
        Assert.Equal(Errno.ENOEXEC, ProgramCatalog.Parse(System.Text.Encoding.UTF8.GetBytes("#!/bin/" + new string('x', 300) + "\n")).Error);

    [Fact]
    public void A_scripts_interpreter_gets_its_argument_the_script_path_as_given_and_the_arguments_after_argv0()
    {
        Assert.Equal(["/bin/sh", "-e", "./s", "a", "b"], ProgramCatalog.ScriptArgs(new ProgramCatalog.Script("/bin/sh", "-e"), "./s", ["s", "a", "b"]));
        Assert.Equal(["/bin/cat", "/tmp/s"], ProgramCatalog.ScriptArgs(new ProgramCatalog.Script("/bin/cat", null), "/tmp/s", ["whatever"]));
    }
}
