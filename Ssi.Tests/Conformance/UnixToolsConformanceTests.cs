// The BusyBox and Toybox cases of the unix-tools corpus, each run in-process on ProgramMachine and judged as run.py judges them.
using System.Text.Json;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;
using Ssi.Tests.Vproc.Programs;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Conformance;

/// <summary>
/// One xUnit case per corpus case: the case's files under its working directory, its argv and stdin, then its stdout,
/// exit status and files afterwards against the suite's expectation. A case in <see cref="UnixToolsKnownFailures"/>
/// must still fail, so the list cannot go stale.
/// </summary>
[Collection(ProgramClusterCollection.Name)]
public class UnixToolsConformanceTests(ProgramCluster cluster)
{
    private const string Cwd = "/case";

    public static TheoryData<string> CaseIds => [.. UnixToolsCorpus.Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Case_gives_the_suites_output_status_and_files(string id)
    {
        var problems = Problems(UnixToolsCorpus.Cases[id]);
        if (UnixToolsKnownFailures.Reasons.TryGetValue(id, out var reason))
            Assert.True(problems.Count > 0, $"{id} now passes: take it off UnixToolsKnownFailures (listed as: {reason})");
        else
            Assert.True(problems.Count == 0, $"{id}: " + string.Join("; ", problems));
    }

    [Fact]
    public void Every_known_failure_names_a_case_of_the_corpus()
    {
        var strangers = UnixToolsKnownFailures.Reasons.Keys.Except(UnixToolsCorpus.Cases.Keys).ToList();
        Assert.True(strangers.Count == 0, "not cases of the corpus: " + string.Join(", ", strangers));
    }

    private List<string> Problems(UnixToolsCase c)
    {
        var machine = new ProgramMachine(cluster) { Cwd = Cwd, Stdin = c.Stdin, StderrToStdout = c.MergesStderr };
        var argv = c.Argv(Cwd);
        // The memory devices every root image has, those the case names (cp /dev/null, cp to /dev/full).
        foreach (var (name, number) in MemoryDevices.Standard.Where(d => argv.Contains("/dev/" + d.Name)))
            machine.AddNode("/dev/" + name, InodeType.CharDevice, number);
        machine.AddDirectory(Cwd);
        Materialise(machine, c);
        if (!Builtins.All.TryGetValue(argv[0], out var program)) return [$"{argv[0]} is not a program of /bin"];
        RunResult result;
        try
        {
            result = machine.Run(program(), argv);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
        {
            return [$"the machine could not finish the run: {e.Message}"];
        }
        if (machine.Crashes.Count > 0) return [$"crashed: {machine.Crashes[0].GetType().Name}: {machine.Crashes[0].Message}"];
        var problems = c.JudgeOutput(result.StdoutBytes, System.Text.Encoding.UTF8.GetBytes(result.Stderr), result.ExitCode);
        var files = new CaseFiles(machine, Cwd);
        problems.AddRange(c.Post.Select(files.Check).Where(p => p is not null)!);
        if (problems.Count > 0 && result.Stderr.Length > 0) problems.Add($"stderr {UnixToolsCase.Show(System.Text.Encoding.UTF8.GetBytes(result.Stderr))}");
        return problems;
    }

    /// <summary>
    /// The case's files as run.py's materialise makes them: parents first, then hard links. The test seeds as root, so
    /// each entry gets its mode at once (run.py sets them last, so that a read-only directory still gets its entries).
    /// </summary>
    private static void Materialise(ProgramMachine machine, UnixToolsCase c)
    {
        string Path(JsonElement e) => Cwd + "/" + e.GetProperty("path").GetString();
        int Mode(JsonElement e) => Convert.ToInt32(e.GetProperty("mode").GetString(), 8);
        var entries = c.Files.OrderBy(e => e.GetProperty("path").GetString(), StringComparer.Ordinal).ToList();
        foreach (var e in entries)
        {
            switch (e.GetProperty("type").GetString())
            {
                case "dir": machine.AddDirectory(Path(e), Mode(e)); break;
                case "file": machine.AddFile(Path(e), UnixToolsCase.Bytes(e.GetProperty("data")) ?? [], Mode(e)); break;
                case "symlink": machine.AddSymlink(Path(e), e.GetProperty("target").GetString()!); break;
            }
        }
        foreach (var e in entries.Where(e => e.GetProperty("type").GetString() == "hardlink"))
            machine.AddHardLink(Path(e), Cwd + "/" + e.GetProperty("target").GetString());
    }

    /// <summary>The case's directory afterwards, checked as run.py's check_post checks it.</summary>
    private sealed class CaseFiles(ProgramMachine machine, string cwd)
    {
        private string At(string path) => path.StartsWith('/') ? path : cwd + "/" + path;

        /// <summary>What is wrong with the condition, or null if it holds.</summary>
        public string? Check(JsonElement c)
        {
            if (c.TryGetProperty("any", out var any))
            {
                var each = any.EnumerateArray().Select(Check).ToList();
                return each.Any(x => x is null) ? null : string.Join(" or ", each);
            }
            var p = c.GetProperty("path").GetString()!;
            if (c.TryGetProperty("exists", out var exists))
            {
                var there = machine.Find(At(p)) is not null;
                return there == exists.GetBoolean() ? null : $"{p} {(there ? "exists" : "is missing")}";
            }
            if (c.TryGetProperty("type", out var type) || c.TryGetProperty("not_type", out type))
            {
                var want = type.GetString() == "dir" ? InodeType.Directory : InodeType.Regular;
                var got = machine.Find(At(p))?.Type;
                var positive = c.TryGetProperty("type", out _);
                return (got == want) == positive ? null : $"{p} is {got?.ToString() ?? "missing"}, expected {(positive ? "" : "not ")}{want}";
            }
            if (c.TryGetProperty("symlink", out var symlink))
            {
                var isLink = machine.Find(At(p), follow: false)?.Type == InodeType.Symlink;
                return isLink == symlink.GetBoolean() ? null : $"{p} is {(isLink ? "" : "not ")}a symlink";
            }
            if (c.TryGetProperty("same_inode", out var sameInode))
            {
                var (a, b) = (machine.Find(At(p)), machine.Find(At(sameInode.GetString()!)));
                return a is not null && b is not null && a.Ino == b.Ino ? null : $"{p} and {sameInode.GetString()} are not the same file";
            }
            if (c.TryGetProperty("same_content", out var sameContent))
            {
                var (a, b) = (machine.ReadBytes(At(p)), machine.ReadBytes(At(sameContent.GetString()!)));
                return a is not null && b is not null && a.AsSpan().SequenceEqual(b) ? null
                    : $"{p} ({UnixToolsCase.Show(a, 60)}) differs from {sameContent.GetString()} ({UnixToolsCase.Show(b, 60)})";
            }
            if (c.TryGetProperty("same_tree", out var sameTree))
            {
                var (a, b) = (Tree(At(p)), Tree(At(sameTree.GetString()!)));
                return a is not null && b is not null && a.SequenceEqual(b) ? null : $"tree {p} differs from {sameTree.GetString()}";
            }
            if (c.TryGetProperty("content", out var content))
            {
                var (got, want) = (machine.ReadBytes(At(p)), UnixToolsCase.Bytes(content));
                return got is not null && want is not null && got.AsSpan().SequenceEqual(want) ? null
                    : $"{p} holds {UnixToolsCase.Show(got, 80)}, expected {UnixToolsCase.Show(want, 80)}";
            }
            if (c.TryGetProperty("readlink", out var readlink))
            {
                var got = machine.ReadLink(At(p));
                return got == readlink.GetString() ? null : $"readlink {p} = {got ?? "(not a symlink)"}, expected {readlink.GetString()}";
            }
            if (c.TryGetProperty("stat", out var stat))
            {
                if (machine.Find(At(p), follow: false) is not { } st) return $"{p} is missing (stat -c {stat.GetString()})";
                var got = stat.GetString() switch
                {
                    "%a" => Convert.ToString(st.Mode & 0xFFF, 8),
                    "%s" => st.Size.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "%F" => KindName(st.Type),
                    "%A" => ModeBits.Describe(st.Type, st.Mode),
                    var other => throw new InvalidDataException($"unknown stat format {other}"),
                };
                var value = c.GetProperty("value").GetString();
                return got == value ? null : $"stat -c {stat.GetString()} {p} = {got}, expected {value}";
            }
            throw new InvalidDataException($"unknown condition {c}");
        }

        private static string KindName(InodeType type) => type switch
        {
            InodeType.Regular => "regular file",
            InodeType.Directory => "directory",
            InodeType.Symlink => "symbolic link",
            InodeType.Fifo => "fifo",
            InodeType.CharDevice => "character special file",
            _ => "block special file",
        };

        /// <summary>Every path under <paramref name="root"/> (links followed) with "dir" or its content, as run.py's tree.</summary>
        private SortedDictionary<string, string>? Tree(string root)
        {
            if (machine.Find(root)?.Type != InodeType.Directory) return null;
            var tree = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var todo = new Stack<string>([""]);
            while (todo.TryPop(out var rel))
            {
                if (machine.List(rel.Length == 0 ? root : root + "/" + rel) is not { } entries) return null;
                foreach (var e in entries)
                {
                    var name = rel.Length == 0 ? e.Name : rel + "/" + e.Name;
                    var found = machine.Find(root + "/" + name);
                    if (found?.Type == InodeType.Directory)
                    {
                        tree[name] = "dir";
                        todo.Push(name);
                    }
                    else tree[name] = Convert.ToBase64String(machine.ReadBytes(root + "/" + name) ?? [0xFF]);
                }
            }
            return tree;
        }
    }
}
