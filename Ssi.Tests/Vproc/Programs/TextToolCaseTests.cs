// The BusyBox and Toybox cases of conformance/new-tools (sed, find, xargs, ...) run in-process on ProgramMachine.
using System.Text;
using System.Text.Json;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

/// <summary>
/// Each case of conformance/new-tools/TOOL.json as run.py would run it on a cluster, here on the real process core:
/// its files under the case's working directory, its stdin, its argv; stdout (after the case's filters) and the
/// status are checked against the suite. The cases GNU itself fails, or where GNU and the suite part ways, are listed
/// in <see cref="KnownDifferences"/>, and options not supported in <see cref="Unsupported"/>, each with the reason;
/// they must still fail, so the lists cannot go stale.
/// </summary>
[Collection(ProgramClusterCollection.Name)]
public class TextToolCaseTests(ProgramCluster cluster)
{
    private const string Cwd = "/case";

    /// <summary>Cases where the suite expects other than GNU does (the host fails them too), by id.</summary>
    private static readonly Dictionary<string, string> KnownDifferences = new()
    {
        ["busybox/sed#034"] = "a NUL inside a -f script: GNU sed stops the command there",
        ["busybox/sed#067"] = "2d;2,1p: BusyBox prints, GNU does not",
        ["busybox/sed#074"] = "GNU ends a range started inside an N on the line the range read past",
        ["busybox/od#002"] = "od -a: BusyBox names newline lf, GNU nl",
        ["busybox/od#010"] = "od -e: GNU prints the shortest exact form (17 digits), BusyBox 15 digits",
        ["busybox/od#011"] = "od -F: GNU prints the shortest exact form (17 digits), BusyBox 15 digits",
        ["busybox/od#023"] = "od -f: GNU prints 0, BusyBox 0.0000000e+00",
        ["toybox/find#057"] = "directories have size 0 here; GNU passes only because its 4096-byte directories are not under 1M",
        ["toybox/awk#058"] = "the suite expects $USER in `ls -l` output, empty where the cases were made; the file's owner is root",
        ["toybox/awk#059"] = "the suite expects $USER in `ls -l` output, empty where the cases were made; the file's owner is root",
        ["toybox/awk#060"] = "the suite expects $USER in `ls -l` output, empty where the cases were made; the file's owner is root",
        ["toybox/awk#061"] = "the suite expects $USER in `ls -l` output, empty where the cases were made; the file's owner is root",
        ["toybox/awk#099"] = "stdin is the time the case was made (`date +%s`), not the time it runs",
        ["toybox/awk#100"] = "an initial seed of 1 is the one true awk's; mawk's is random, ours 0 (GNU awk's)",
    };

    /// <summary>Cases of options these tools do not have (they refuse them with GNU's message), by id.</summary>
    private static readonly Dictionary<string, string> Unsupported = new()
    {
        ["toybox/find#031"] = "-lname: there is no readlink system call to read a link's target with",
        ["toybox/find#032"] = "-ilname: there is no readlink system call to read a link's target with",
        ["toybox/xargs#033"] = "--process-slot-var (the case's printenv is in /bin now)",
        ["toybox/diff#008"] = "--unchanged-line-format and the other line formats",
        ["toybox/diff#009"] = "--unchanged-line-format and the other line formats",
        ["toybox/diff#011"] = "--no-dereference",
        ["toybox/diff#013"] = "--no-dereference",
        ["busybox/awk#014"] = "or(): a GNU awk extension (bitwise functions)",
        ["busybox/awk#021"] = "or() and hexadecimal constants: GNU awk extensions",
        ["busybox/awk#022"] = "or() and hexadecimal constants: GNU awk extensions",
        ["busybox/awk#023"] = "or() and octal constants: GNU awk extensions",
        ["toybox/awk#111"] = "lshift(): a GNU awk extension (bitwise functions)",
        ["toybox/awk#112"] = "lshift(): a GNU awk extension (bitwise functions)",
        ["toybox/awk#113"] = "rshift(): a GNU awk extension (bitwise functions)",
        ["toybox/awk#114"] = "rshift(): a GNU awk extension (bitwise functions)",
        ["toybox/awk#115"] = "and(): a GNU awk extension (bitwise functions)",
        ["toybox/awk#116"] = "and(): a GNU awk extension (bitwise functions)",
        ["toybox/awk#117"] = "or(): a GNU awk extension (bitwise functions)",
        ["toybox/awk#118"] = "or(): a GNU awk extension (bitwise functions)",
        ["busybox/awk#033"] = "ERRNO: a GNU awk extension",
        ["busybox/awk#050"] = "-e: a GNU awk option (mawk refuses it too)",
        ["busybox/awk#070"] = "gensub(): a GNU awk extension",
        ["busybox/awk#071"] = "gensub(): a GNU awk extension",
        ["busybox/awk#072"] = "gensub(): a GNU awk extension",
        ["busybox/awk#073"] = "gensub(): a GNU awk extension",
        ["busybox/awk#074"] = "gensub(): a GNU awk extension",
        ["busybox/awk#075"] = "gensub(): a GNU awk extension",
        ["busybox/awk#076"] = "gensub(): a GNU awk extension",
    };

    public static TheoryData<string> Cases(string tool)
    {
        var data = new TheoryData<string>();
        foreach (var c in Load(tool).RootElement.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("id").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases), "sed")]
    public void Sed_case_gives_what_the_suite_expects(string id) => Check("sed", id);

    [Theory]
    [MemberData(nameof(Cases), "find")]
    public void Find_case_gives_what_the_suite_expects(string id) => Check("find", id);

    [Theory]
    [MemberData(nameof(Cases), "xargs")]
    public void Xargs_case_gives_what_the_suite_expects(string id) => Check("xargs", id);

    [Theory]
    [MemberData(nameof(Cases), "od")]
    public void Od_case_gives_what_the_suite_expects(string id) => Check("od", id);

    [Theory]
    [MemberData(nameof(Cases), "diff")]
    public void Diff_case_gives_what_the_suite_expects(string id) => Check("diff", id);

    [Theory]
    [MemberData(nameof(Cases), "env")]
    public void Env_case_gives_what_the_suite_expects(string id) => Check("env", id);

    [Theory]
    [MemberData(nameof(Cases), "du")]
    public void Du_case_gives_what_the_suite_expects(string id) => Check("du", id);

    [Theory]
    [MemberData(nameof(Cases), "ln")]
    public void Ln_case_gives_what_the_suite_expects(string id) => Check("ln", id);

    [Theory]
    [MemberData(nameof(Cases), "chmod")]
    public void Chmod_case_gives_what_the_suite_expects(string id) => Check("chmod", id);

    [Theory]
    [MemberData(nameof(Cases), "awk")]
    public void Awk_case_gives_what_the_suite_expects(string id)
    {
        // "cmd" | getline needs pipe(2), which ProgramMachine does not provide; on a cluster the case passes.
        if (id == "busybox/awk#064") Assert.Throws<NotSupportedException>(() => Check("awk", id));
        else Check("awk", id);
    }

    private void Check(string tool, string id)
    {
        var c = Load(tool).RootElement.GetProperty("cases").EnumerateArray().First(x => x.GetProperty("id").GetString() == id);
        var problems = Run(c);
        if (KnownDifferences.TryGetValue(id, out var why) || Unsupported.TryGetValue(id, out why)) Assert.True(problems.Count > 0, $"{id} now passes; drop it from its list ({why})");
        else Assert.True(problems.Count == 0, $"{id} {c.GetProperty("name").GetString()}: {string.Join("; ", problems)}");
    }

    private List<string> Run(JsonElement c)
    {
        var k = new ProgramMachine(cluster) { Cwd = Cwd, Stdin = Bytes(c.GetProperty("stdin")) };
        foreach (var (name, program) in ProgramsNamedBy(c)) k.AddProgram("/bin/" + name, program);
        k.AddDirectory(Cwd);
        foreach (var e in c.GetProperty("files").EnumerateArray())
        {
            var path = Cwd + "/" + e.GetProperty("path").GetString();
            var mode = Convert.ToInt32(e.GetProperty("mode").GetString(), 8);
            switch (e.GetProperty("type").GetString())
            {
                case "dir": k.AddDirectory(path, mode); break;
                case "file": k.AddFile(path, Bytes(e.GetProperty("data")), mode); break;
                case "symlink": k.AddSymlink(path, e.GetProperty("target").GetString()!); break;
            }
        }
        var argv = c.GetProperty("argv").EnumerateArray().Select(a => a.GetString()!.Replace("{CWD}", Cwd)).ToArray();
        var r = k.Run(Builtins.All[argv[0]](), argv);
        var problems = new List<string>();
        var stdout = Filter(r.StdoutBytes, c);
        if (c.TryGetProperty("stdout", out var expected) && expected.ValueKind != JsonValueKind.Null && !stdout.SequenceEqual(Bytes(expected)))
            problems.Add($"stdout {Show(stdout)}, expected {Show(Bytes(expected))} (stderr {r.Stderr})");
        if (c.TryGetProperty("status", out var status) && status.ValueKind != JsonValueKind.Null)
        {
            var code = r.ExitCode;
            if (status.ValueKind == JsonValueKind.String ? code == 0 : code != status.GetInt32()) problems.Add($"status {code}, expected {status}");
        }
        if (c.TryGetProperty("post", out var post))
            foreach (var cond in post.EnumerateArray())
                if (cond.TryGetProperty("content", out var content) && k.ReadFile(Cwd + "/" + cond.GetProperty("path").GetString()) != Encoding.UTF8.GetString(Bytes(content)))
                    problems.Add($"{cond.GetProperty("path").GetString()} holds {k.ReadFile(Cwd + "/" + cond.GetProperty("path").GetString())}");
        return problems;
    }

    /// <summary>
    /// The builtins a case may run: every word of its argv that names one (find -exec, xargs and env run others, and
    /// scripts name them inside a word), and echo, xargs's default. Writing all of /bin costs each case a third of a
    /// second; a program left out fails the case with 127, never passes it.
    /// </summary>
    private static IEnumerable<KeyValuePair<string, Func<Ssi.Vproc.Programs.Program>>> ProgramsNamedBy(JsonElement c)
    {
        var words = c.GetProperty("argv").EnumerateArray()
            .SelectMany(a => a.GetString()!.Split([' ', '\t', '\n', ';', '|', '&', '(', ')', '{', '}', '\'', '"', '`', '$', '='], StringSplitOptions.RemoveEmptyEntries))
            .Append("echo").ToHashSet(StringComparer.Ordinal);
        return Builtins.All.Where(b => words.Contains(b.Key));
    }

    private static byte[] Filter(byte[] output, JsonElement c)
    {
        if (!c.TryGetProperty("filters", out var filters)) return output;
        foreach (var f in filters.EnumerateArray())
        {
            if (!f.TryGetProperty("sort", out _)) throw new NotSupportedException(f.ToString());
            var text = Encoding.UTF8.GetString(output);
            var ended = text.EndsWith('\n');
            var lines = (ended ? text[..^1] : text).Split('\n').OrderBy(l => l, StringComparer.Ordinal);
            output = Encoding.UTF8.GetBytes(string.Join('\n', lines) + (ended ? "\n" : ""));
        }
        return output;
    }

    private static byte[] Bytes(JsonElement v) => v.ValueKind == JsonValueKind.String
        ? Encoding.UTF8.GetBytes(v.GetString()!)
        : Convert.FromBase64String(v.GetProperty("b64").GetString()!);

    private static string Show(byte[] b) => JsonSerializer.Serialize(Encoding.UTF8.GetString(b));

    private static readonly Dictionary<string, JsonDocument> Documents = [];

    private static JsonDocument Load(string tool)
    {
        lock (Documents)
        {
            if (Documents.TryGetValue(tool, out var doc)) return doc;
            var dir = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(dir, "ssi.slnx"))) dir = Path.GetDirectoryName(dir)!;
            doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "conformance", "new-tools", tool + ".json")));
            Documents[tool] = doc;
            return doc;
        }
    }
}
