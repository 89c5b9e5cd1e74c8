// diff: compares two files line by line, in GNU diff's normal or unified format, with its exit statuses.
using System.Globalization;
using Ssi.Actors.Identity;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// diff [OPTION]... FILE1 FILE2: exit 0 if the files are the same, 1 if they differ, 2 on trouble. "-" is standard
/// input; a directory operand stands for the file of the other's name in it. <see cref="DiffLines"/> decides.
/// </summary>
public sealed class Diff : Program
{
    private const string Usage = """
        Usage: diff [OPTION]... FILES
        Compare FILES line by line.

          -q, --brief                   report only when files differ
          -s, --report-identical-files  report when two files are the same
          -u, -U NUM, --unified[=NUM]   output NUM (default 3) lines of unified context
              --normal                  output a normal diff (the default)
          -L, --label LABEL             use LABEL instead of file name and timestamp
                                          (can be repeated)
          -p, --show-c-function         show which C function each change is in
          -F, --show-function-line=RE   show the most recent line matching RE
          -i, --ignore-case             ignore case differences in file contents
          -b, --ignore-space-change     ignore changes in the amount of white space
          -w, --ignore-all-space        ignore all white space
          -B, --ignore-blank-lines      ignore changes where lines are all blank
              --strip-trailing-cr       strip trailing carriage return on input
          -a, --text                    treat all files as text
              --help                    display this help and exit

        FILES are 'FILE1 FILE2'.  If a FILE is '-', read standard input.
        Exit status is 0 if inputs are the same, 1 if different, 2 if trouble.

        """;

    private static readonly OptionSpec Spec = new("qsuU:L:ibwBaF:p",
        ["brief=q", "report-identical-files=s", "unified::", "normal", "label=L", "ignore-case=i", "ignore-space-change=b",
         "ignore-all-space=w", "ignore-blank-lines=B", "strip-trailing-cr", "text=a", "show-function-line=F", "show-c-function=p"], Usage, FailStatus: 2);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (o.WantsHelp && o.Error is null)
        {
            yield return Io.Out(Usage);
            yield break;
        }
        var context = 3;
        var unified = o.Has('u') || o.Has('U') || o.Has("unified");
        var contextText = o.Given.FindLast(g => g.Name is "U" or "unified")?.Value;
        var complaint = o.Error;
        if (complaint is null && contextText is not null && !int.TryParse(contextText, NumberStyles.None, CultureInfo.InvariantCulture, out context))
            complaint = $"invalid context length {Io.Quote(contextText)}";
        // -p is GNU's -F '^[[:alpha:]$_]'; the last of them counts.
        var functionText = o.Given.FindLast(g => g.Name is "F" or "p") is { } f ? f.Value ?? "^[[:alpha:]$_]" : null;
        string? function = null;
        if (complaint is null && functionText is not null && !unified)
        {
            // GNU's -F and -p alone choose the context format, which is not here.
            yield return Io.Complain(p, "-F and -p work with -u here: the context format (-c) is not supported");
            yield return new Exit(2);
            yield break;
        }
        if (complaint is null && functionText is not null)
        {
            var (translated, regexError) = PosixRegex.Translate(functionText, extended: false);
            if (regexError is not null)
            {
                yield return Io.Complain(p, regexError);
                yield return new Exit(2);
                yield break;
            }
            function = translated;
        }
        if (complaint is null && o.Operands.Count < 2)
            complaint = o.Operands.Count == 0 ? "missing operand" : $"missing operand after {Io.Quote(o.Operands[0])}";
        if (complaint is null && o.Operands.Count > 2) complaint = $"extra operand {Io.Quote(o.Operands[2])}";
        if (complaint is not null)
        {
            yield return Io.Err(Io.Text(p.ErrorLine(complaint)) + Io.Text(p.ErrorLine("Try 'diff --help' for more information.")));
            yield return new Exit(2);
            yield break;
        }
        var names = new[] { o.Operands[0], o.Operands[1] };
        // A directory stands for the file of the other operand's name in it.
        var directories = new bool[2];
        for (var k = 0; k < 2; k++)
        {
            if (names[k] == "-") continue;
            yield return new Stat(names[k]);
            directories[k] = !p.Failed && p.Result.Stat!.Type == InodeType.Directory;
        }
        if (directories[0] && directories[1])
        {
            yield return Io.Complain(p, "comparing directories is not supported");
            yield return new Exit(2);
            yield break;
        }
        for (var k = 0; k < 2; k++)
            if (directories[k]) names[k] = PathText.Join(names[k], PathText.BaseName(names[1 - k]));
        var times = new DateTimeOffset[2];
        var contents = new byte[2][];
        var stdin = (byte[]?)null;
        for (var k = 0; k < 2; k++)
        {
            var name = names[k];
            if (name == "-")
            {
                if (stdin is null)
                {
                    var chunks = new List<byte[]>();
                    foreach (var call in Io.ReadAll(p, Io.Stdin, chunks)) yield return call;
                    if (p.Failed)
                    {
                        yield return Io.Report(p, "-");
                        yield return new Exit(2);
                        yield break;
                    }
                    stdin = Io.Concat(chunks);
                }
                contents[k] = stdin;
                yield return new GetTime();
                times[k] = DateTimeOffset.FromUnixTimeMilliseconds(p.Result.Value / 1000).AddTicks(p.Result.Value % 1000 * 10);
                continue;
            }
            yield return new Stat(name);
            if (p.Failed)
            {
                yield return Io.Report(p, name);
                yield return new Exit(2);
                yield break;
            }
            times[k] = p.Result.Stat!.Mtime;
            var data = new List<byte[]>();
            foreach (var call in ReadFile(p, name, data)) yield return call;
            if (p.Failed)
            {
                yield return Io.Report(p, name);
                yield return new Exit(2);
                yield break;
            }
            contents[k] = Io.Concat(data);
        }
        var labels = o.All('L');
        var shown = new[] { labels.Count > 0 ? labels[0] : names[0], labels.Count > 1 ? labels[1] : names[1] };
        var binary = !o.Has('a') && (Array.IndexOf(contents[0], (byte)0) >= 0 || Array.IndexOf(contents[1], (byte)0) >= 0);
        if (binary || o.Has('q'))
        {
            var same = contents[0].AsSpan().SequenceEqual(contents[1]) || (!binary && Changes(o, contents).Changes.Count == 0);
            if (!same) yield return Io.Out(binary && !o.Has('q') ? $"Binary files {shown[0]} and {shown[1]} differ\n" : $"Files {shown[0]} and {shown[1]} differ\n");
            else if (o.Has('s')) yield return Io.Out($"Files {shown[0]} and {shown[1]} are identical\n");
            yield return new Exit(same ? 0 : 1);
            yield break;
        }
        var (changes, a, b) = Changes(o, contents);
        if (changes.Count == 0)
        {
            if (o.Has('s')) yield return Io.Out($"Files {shown[0]} and {shown[1]} are identical\n");
            yield break;
        }
        if (unified)
        {
            var header = $"--- {Header(shown[0], labels.Count > 0, times[0])}\n+++ {Header(shown[1], labels.Count > 1, times[1])}\n";
            yield return Io.Out(header + DiffLines.Unified(changes, a, b, context, function));
        }
        else yield return Io.Out(DiffLines.Normal(changes, a, b));
        yield return new Exit(1);
    }

    private static (List<DiffChange> Changes, List<DiffLine> A, List<DiffLine> B) Changes(Options o, byte[][] contents)
    {
        var a = DiffLines.Split(contents[0], o.Has('i'), o.Has('b'), o.Has('w'), o.Has("strip-trailing-cr"));
        var b = DiffLines.Split(contents[1], o.Has('i'), o.Has('b'), o.Has('w'), o.Has("strip-trailing-cr"));
        var changes = DiffLines.Changes(a, b);
        if (o.Has('B')) changes = DiffLines.WithoutBlankOnly(changes, a, b);
        return (changes, a, b);
    }

    // "name<TAB>2026-12-06 19:11:39.123456789 +0000", or a -L label alone.
    private static string Header(string name, bool labelled, DateTimeOffset time)
    {
        if (labelled) return name;
        var utc = time.ToUniversalTime();
        var nanoseconds = (utc.Ticks % TimeSpan.TicksPerSecond * 100).ToString("D9", CultureInfo.InvariantCulture);
        return $"{name}\t{utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}.{nanoseconds} +0000";
    }

    private static IEnumerable<SystemCall> ReadFile(ProcessContext p, string file, List<byte[]> chunks)
    {
        yield return new Open(file);
        if (p.Failed) yield break;
        var fd = p.Result.Fd;
        foreach (var call in Io.ReadAll(p, fd, chunks)) yield return call;
        var result = p.Result;
        yield return new Close(fd);
        p.Result = result;
    }
}
