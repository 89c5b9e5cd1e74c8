// Spike kept as tests: cat and a torture program as iterators and as explicit state machines, migrated at every boundary.
using System.Collections.Immutable;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Vproc.Programs;
using Xunit.Abstractions;

namespace Ssi.Tests.Vproc.Programs;

public sealed record Word(int Index, string Text, int Sum);

public sealed record Tally(string Longest, int Total);

/// <summary>What both forms of the torture program compute with; not counted in either form's lines.</summary>
internal static class Torture
{
    public static IEnumerable<Word> Words(byte[] text)
    {
        var i = 0;
        foreach (var w in Encoding.ASCII.GetString(text).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
            yield return new Word(i++, w, w.Sum(c => c));
    }

    public static Tally Add(Tally t, Word w) => new(w.Text.Length > t.Longest.Length ? w.Text : t.Longest, t.Total + w.Sum);

    public static string Line(Word w, Dictionary<string, int> counts, int pid) => $"{w.Index}:{w.Text} x{counts[w.Text]} pid={pid}\n";

    public static string Summary(List<Word> words, Dictionary<string, int> counts, HashSet<char> letters, Tally tally, byte[] buffer, StringBuilder log) =>
        $"words={words.Count} distinct={counts.Count} letters={new string([.. letters.Order()])} longest={tally.Longest} " +
        $"total={tally.Total} bytes={buffer.Length} xor={buffer.Aggregate(0, (a, b) => a ^ b)} log={log}\n";
}

#region cat-iterator
public sealed class CatIterator : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new Open(p.Args[1]);
        if (p.Failed)
        {
            yield return new Write(Io.Stderr, p.ErrorLine(p.Args[1], p.Result.Error!.Value));
            yield return new Exit(1);
        }
        var fd = p.Result.Int;
        while (true)
        {
            yield return new Read(new Fd(fd), 16);
            if (p.Failed || p.Result.Data.Length == 0) break;
            yield return new Write(Io.Stdout, p.Result.Data);
        }
        yield return new Close(new Fd(fd));
        yield return new Exit(0);
    }
}
#endregion

#region cat-machine
public sealed class CatMachine(string file) : IStateMachine
{
    public string File = file;
    public int At, Fd;

    public SystemCall? Step(SysResult last)
    {
        switch (At)
        {
            case 0:
                At = 1;
                return new Open(File);
            case 1:
                if (last.Error is { } error)
                {
                    At = 5;
                    return new Write(Io.Stderr, Encoding.UTF8.GetBytes($"cat: {File}: {error.Describe()}\n"));
                }
                Fd = last.Int;
                At = 2;
                return new Read(new Fd(Fd), 16);
            case 2:
                if (last.Error is not null || last.Data.Length == 0)
                {
                    At = 4;
                    return new Close(new Fd(Fd));
                }
                At = 3;
                return new Write(Io.Stdout, last.Data);
            case 3:
                At = 2;
                return new Read(new Fd(Fd), 16);
            case 4:
                At = 6;
                return new Exit(0);
            case 5:
                At = 6;
                return new Exit(1);
            default:
                return null;
        }
    }
}
#endregion

#region torture-iterator
public sealed class TortureIterator : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var words = new List<Word>();
        var counts = new Dictionary<string, int>();
        var letters = new HashSet<char>();
        var log = new StringBuilder();
        var buffer = Array.Empty<byte>();
        var tally = new Tally("", 0);
        yield return new Open(p.Args[1]);
        var fd = p.Result.Int;
        while (true)
        {
            yield return new Read(new Fd(fd), 5);
            if (p.Result.Data.Length == 0) break;
            buffer = [.. buffer, .. p.Result.Data];
            log.Append(p.Result.Data.Length).Append(',');
        }
        yield return new Close(new Fd(fd));
        words.AddRange(Torture.Words(buffer));
        foreach (var word in words)
        {
            counts[word.Text] = counts.GetValueOrDefault(word.Text) + 1;
            letters.UnionWith(word.Text);
            tally = Torture.Add(tally, word);
            foreach (var c in Describe(p, word, counts, log)) yield return c;
        }
        foreach (var pair in counts)
            if (pair.Value > 1) yield return Io.Out($"{pair.Key} x{pair.Value}\n");
        yield return Io.Out(Torture.Summary(words, counts, letters, tally, buffer, log));
        yield return new Exit(0);
    }

    private static IEnumerable<SystemCall> Describe(ProcessContext p, Word word, Dictionary<string, int> counts, StringBuilder log)
    {
        yield return new GetPid();
        yield return Io.Out(Torture.Line(word, counts, p.Result.Int));
        log.Append(p.Result.Int).Append(';');
    }
}
#endregion

#region torture-machine
public sealed class TortureMachine(string path) : IStateMachine
{
    public string Path = path;
    public int At, Fd, Next;
    public List<Word> Words = [];
    public Dictionary<string, int> Counts = [];
    public HashSet<char> Letters = [];
    public StringBuilder Log = new();
    public byte[] Buffer = [];
    public Tally Tally = new("", 0);
    public List<string> Repeated = [];

    public SystemCall? Step(SysResult last)
    {
        switch (At)
        {
            case 0:
                At = 1;
                return new Open(Path);
            case 1:
                Fd = last.Int;
                At = 2;
                return new Read(new Fd(Fd), 5);
            case 2:
                if (last.Data.Length > 0)
                {
                    Buffer = [.. Buffer, .. last.Data];
                    Log.Append(last.Data.Length).Append(',');
                    return new Read(new Fd(Fd), 5);
                }
                At = 3;
                return new Close(new Fd(Fd));
            case 3:
                Words.AddRange(Torture.Words(Buffer));
                goto case 4;
            case 4:
                if (Next == Words.Count)
                {
                    Repeated = [.. Counts.Where(c => c.Value > 1).Select(c => $"{c.Key} x{c.Value}\n")];
                    Next = 0;
                    At = 7;
                    goto case 7;
                }
                var word = Words[Next];
                Counts[word.Text] = Counts.GetValueOrDefault(word.Text) + 1;
                Letters.UnionWith(word.Text);
                Tally = Torture.Add(Tally, word);
                At = 5;
                return new GetPid();
            case 5:
                At = 6;
                return Io.Out(Torture.Line(Words[Next], Counts, last.Int));
            case 6:
                Log.Append(last.Int).Append(';');
                Next++;
                goto case 4;
            case 7:
                if (Next < Repeated.Count) return Io.Out(Repeated[Next++]);
                At = 8;
                return Io.Out(Torture.Summary(Words, Counts, Letters, Tally, Buffer, Log));
            case 8:
                At = 9;
                return new Exit(0);
            default:
                return null;
        }
    }
}
#endregion

/// <summary>A program whose handler and main iterator share the program object's list.</summary>
public sealed class Ticker : Program
{
    private readonly List<string> _heard = [];

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        for (var i = 0; i < 4; i++)
        {
            yield return new GetPid();
            yield return Io.Out($"tick {i} result={p.Result.Value} heard={string.Join('|', _heard)}\n");
        }
    }

    public override IEnumerable<SystemCall> OnSignal(ProcessContext p, int signal)
    {
        _heard.Add($"sig{signal}");
        yield return new GetPid();
        var pid = p.Result.Int;
        yield return Io.Out($"handler {p.Signal} pid={pid}\n");
        yield return Io.Out($"handler done, heard {_heard.Count}\n");
    }
}

/// <summary>Keeps a delegate across a system call, which no snapshot may carry.</summary>
public sealed class HoldsDelegate : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        Func<int, int> next = x => x + 1;
        yield return new GetPid();
        yield return Io.Out($"{next(p.Result.Int)}\n");
    }
}

public class ProgramFormTests(ITestOutputHelper output)
{
    private static readonly byte[] CatText = Encoding.UTF8.GetBytes("a first line of text\nand a second one, longer than sixteen bytes\nend\n");
    private static readonly byte[] TortureText = Encoding.ASCII.GetBytes("the quick brown fox jumps over the lazy dog\nthe end\n");

    private static Dictionary<string, byte[]> Files() => new() { ["/cat.txt"] = CatText, ["/words.txt"] = TortureText };

    public static TheoryData<string> Programs => ["cat-iterator", "cat-machine", "torture-iterator", "torture-machine", "cat-missing-iterator", "cat-missing-machine"];

    private static IRun Start(string name) => name switch
    {
        "cat-iterator" => Iterator(new CatIterator(), "/cat.txt"),
        "cat-missing-iterator" => Iterator(new CatIterator(), "/nowhere"),
        "torture-iterator" => Iterator(new TortureIterator(), "/words.txt"),
        "cat-machine" => new MachineRun(new MachineImage { Machine = new CatMachine("/cat.txt") }),
        "cat-missing-machine" => new MachineRun(new MachineImage { Machine = new CatMachine("/nowhere") }),
        "torture-machine" => new MachineRun(new MachineImage { Machine = new TortureMachine("/words.txt") }),
        _ => throw new ArgumentException(name),
    };

    private static IteratorRun Iterator(Program program, string file) =>
        new(ProgramImage.Start(program, new ProcessContext([program.GetType().Name, file], ImmutableDictionary<string, string>.Empty)));

    /// <summary>Runs to the end, capturing and restoring after <paramref name="migrateAfter"/> calls (never if null).</summary>
    private static List<string> Trace(IRun run, int? migrateAfter, int? signalAfter = null, Action<IRun>? onMigrate = null)
    {
        var kernel = new SpikeKernel(Files());
        for (var calls = 0; ; calls++)
        {
            if (calls == signalAfter) ((IteratorRun)run).Deliver(Signal.SIGUSR1);
            if (calls == migrateAfter)
            {
                run = run.Restore(run.Capture());
                onMigrate?.Invoke(run);
            }
            if (!run.Step(kernel)) return kernel.Trace;
        }
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void ProgramForm_resumes_identically_after_migration_at_every_boundary(string name)
    {
        var expected = Trace(Start(name), migrateAfter: null);
        Assert.True(expected.Count >= 3);
        for (var k = 0; k < expected.Count; k++)
            Assert.Equal(expected, Trace(Start(name), migrateAfter: k));
    }

    [Fact]
    public void ProgramForm_cat_forms_agree_and_torture_forms_agree()
    {
        Assert.Equal(Trace(Start("cat-iterator"), null), Trace(Start("cat-machine"), null));
        Assert.Equal(Trace(Start("torture-iterator"), null), Trace(Start("torture-machine"), null));
        var torture = Trace(Start("torture-iterator"), null);
        Assert.Contains(torture, line => line.Contains("distinct=9 letters=abcdefghijklmnopqrstuvwxyz"));
        Assert.Contains(torture, line => line.Contains("\"the x3\n\""));
    }

    [Fact]
    public void ProgramForm_snapshot_of_another_build_is_refused()
    {
        var run = Start("torture-iterator");
        var kernel = new SpikeKernel(Files());
        for (var i = 0; i < 5; i++) run.Step(kernel);
        var snapshot = run.Capture();
        var nameLength = new BinaryReader(new MemoryStream(snapshot)).ReadString();
        var mvidAt = (int)Encoding.UTF8.GetByteCount(nameLength) + 1; // a 7-bit length prefix: names shorter than 128 bytes
        snapshot[mvidAt] ^= 0xFF;
        var refused = Assert.Throws<InvalidDataException>(() => ProgramImage.Restore(snapshot));
        Assert.Contains("build", refused.Message);
    }

    [Fact]
    public void ProgramForm_delegate_held_across_a_yield_cannot_travel()
    {
        var run = Iterator(new HoldsDelegate(), "-");
        run.Step(new SpikeKernel(Files()));
        var snapshot = run.Capture(); // Hyperion writes the delegate; the filter judges names only when reading
        var refused = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => ProgramImage.Restore(snapshot));
        Assert.Contains("Unsafe Type Deserialization Detected! [type: System.Func`2", refused.Message);
    }

    [Fact]
    public void ProgramForm_snapshot_inside_a_signal_handler_resumes_identically()
    {
        IRun Ticker() => Iterator(new Ticker(), "-");
        var expected = Trace(Ticker(), migrateAfter: null, signalAfter: 3);
        Assert.Contains(expected, line => line.Contains("handler 10 pid=4242"));
        Assert.Contains(expected, line => line.Contains("heard=sig10"));
        var insideHandler = 0;
        for (var k = 0; k < expected.Count; k++)
        {
            var migrated = Trace(Ticker(), migrateAfter: k, signalAfter: 3,
                onMigrate: r => insideHandler += ((IteratorRun)r).Image.Frames.Count == 2 ? 1 : 0);
            Assert.Equal(expected, migrated);
        }
        Assert.True(insideHandler >= 3, $"only {insideHandler} snapshots were taken inside the handler");
    }

    [Fact]
    public void ProgramForm_measure()
    {
        output.WriteLine("| program | form | boundary | snapshot bytes | capture+restore median us | lines |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (var name in new[] { "cat-iterator", "cat-machine", "torture-iterator", "torture-machine" })
        {
            var boundaries = Trace(Start(name), null).Count;
            var mid = boundaries / 2;
            var run = Start(name);
            var kernel = new SpikeKernel(Files());
            for (var i = 0; i < mid; i++) run.Step(kernel);
            var bytes = run.Capture().Length;
            var times = new List<double>();
            for (var i = 0; i < 3000; i++)
            {
                var clock = Stopwatch.StartNew();
                run = run.Restore(run.Capture());
                clock.Stop();
                if (i >= 500) times.Add(clock.Elapsed.TotalMicroseconds);
            }
            times.Sort();

            output.WriteLine($"| {name.Split('-')[0]} | {name.Split('-')[1]} | {mid} of {boundaries} | {bytes} | {times[times.Count / 2]:F1} | {LinesOf(name)} |");
        }
        // Restore checks the header against every loaded assembly.
        var header = Stopwatch.StartNew();
        for (var i = 0; i < 10000; i++) _ = AppDomain.CurrentDomain.GetAssemblies().Count(a => a.FullName == "x" && a.ManifestModule.ModuleVersionId == Guid.Empty);
        output.WriteLine($"header check: {header.Elapsed.TotalMicroseconds / 10000:F1} us over {AppDomain.CurrentDomain.GetAssemblies().Length} assemblies");
    }

    /// <summary>Lines of a #region of this file that are neither blank nor comments.</summary>
    private static int LinesOf(string region, [CallerFilePath] string file = "")
    {
        var lines = File.ReadAllLines(file).Select(l => l.Trim()).ToList();
        var start = lines.IndexOf("#region " + region);
        var end = lines.IndexOf("#endregion", start);
        return lines.Skip(start + 1).Take(end - start - 1).Count(l => l.Length > 0 && !l.StartsWith("//"));
    }
}
