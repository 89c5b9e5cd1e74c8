// comm: the lines only in FILE1, only in FILE2 and in both, of two sorted files, compared byte by byte (the C locale).
using System.Globalization;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>comm [-123z] [--check-order|--nocheck-order] [--output-delimiter=STR] [--total] FILE1 FILE2</summary>
public sealed class Comm : Program
{
    private static readonly OptionSpec Spec = new("123z", ["check-order", "nocheck-order", "output-delimiter:", "total", "zero-terminated=z"], """
        Usage: comm [OPTION]... FILE1 FILE2
        Compare sorted files FILE1 and FILE2 line by line.

        When FILE1 or FILE2 (not both) is -, read standard input.

        With no options, produce three-column output.  Column one contains
        lines unique to FILE1, column two contains lines unique to FILE2,
        and column three contains lines common to both files.

          -1                      suppress column 1 (lines unique to FILE1)
          -2                      suppress column 2 (lines unique to FILE2)
          -3                      suppress column 3 (lines that appear in both files)

          --check-order           check that the input is correctly sorted, even
                                    if all input lines are pairable
          --nocheck-order         do not check that the input is correctly sorted
          --output-delimiter=STR  separate columns with STR
          --total                 output a summary
          -z, --zero-terminated   line delimiter is NUL, not newline
              --help        display this help and exit

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var complaint = o.Operands.Count == 0 ? "missing operand"
            : o.Operands.Count == 1 ? $"missing operand after {Io.Quote(o.Operands[0])}"
            : o.Operands.Count > 2 ? $"extra operand {Io.Quote(o.Operands[2])}"
            : o.Value("output-delimiter") == "" ? "empty output delimiter" : null;
        if (complaint is not null)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, complaint)) yield return call;
            yield break;
        }
        var end = o.Has('z') ? (byte)0 : (byte)'\n';
        var files = new List<byte[]>[2];
        for (var i = 0; i < 2; i++)
        {
            var fd = Io.Stdin;
            if (o.Operands[i] != "-")
            {
                yield return new Open(o.Operands[i]);
                if (p.Failed)
                {
                    yield return Io.Report(p, o.Operands[i]);
                    yield return new Exit(1);
                    yield break;
                }
                fd = p.Result.Fd;
            }
            var chunks = new List<byte[]>();
            foreach (var call in Io.ReadAll(p, fd, chunks)) yield return call;
            if (p.Failed)
            {
                yield return Io.Report(p, o.Operands[i]);
                yield return new Exit(1);
                yield break;
            }
            files[i] = LineBuffers.Split(Io.Concat(chunks), end);
        }
        var order = o.Given.LastOrDefault(g => g.Name is "check-order" or "nocheck-order")?.Name;
        var merge = new CommMerge(Io.Bytes(o.Value("output-delimiter") ?? "\t"), [!o.Has('1'), !o.Has('2'), !o.Has('3')], end,
            order == "check-order" ? true : order == "nocheck-order" ? false : null);
        merge.Run(files[0], files[1]);
        if (o.Has("total") && !merge.Fatal)
        {
            var d = Io.Text(merge.Delimiter);
            merge.Output.AddRange(Io.Bytes(string.Join(d, merge.Counts.Select(c => c.ToString(CultureInfo.InvariantCulture))) + d + "total"));
            merge.Output.Add(end);
        }
        if (merge.Output.Count > 0) yield return new Write(Io.Stdout, [.. merge.Output]);
        foreach (var file in merge.Disordered) yield return Io.Complain(p, $"file {file} is not in sorted order");
        if (merge.Disordered.Count > 0 && !merge.Fatal) yield return Io.Complain(p, "input is not in sorted order");
        yield return new Exit(merge.Disordered.Count > 0 ? 1 : 0);
    }
}

/// <summary>
/// comm's merge of two line lists. Order is checked as GNU checks it: with --check-order always (the first disorder
/// ends the run), by default only once a line has been found in one file alone, never with --nocheck-order.
/// </summary>
public sealed class CommMerge(byte[] delimiter, bool[] shown, byte end, bool? checkOrder)
{
    public byte[] Delimiter => delimiter;
    public List<byte> Output { get; } = [];
    public long[] Counts { get; } = new long[3];
    public List<int> Disordered { get; } = [];
    public bool Fatal { get; private set; }
    private bool _seenUnpaired;

    public void Run(List<byte[]> one, List<byte[]> two)
    {
        int i = 0, j = 0;
        while ((i < one.Count || j < two.Count) && !Fatal)
        {
            var order = i == one.Count ? 1 : j == two.Count ? -1 : Compare(one[i], two[j]);
            if (order != 0) _seenUnpaired = true;
            // Each line used is checked against the one before it in its file first: --check-order stops before it.
            if (order <= 0 && i > 0) Check(one[i - 1], one[i], 1);
            if (order >= 0 && j > 0 && !Fatal) Check(two[j - 1], two[j], 2);
            if (Fatal) break;
            if (order == 0) Print(2, one[i]);
            else if (order < 0) Print(0, one[i]);
            else Print(1, two[j]);
            if (order <= 0) i++;
            if (order >= 0) j++;
        }
    }

    private void Check(byte[] previous, byte[] current, int file)
    {
        if (checkOrder == false || (checkOrder is null && !_seenUnpaired) || Disordered.Contains(file)) return;
        if (Compare(previous, current) <= 0) return;
        Disordered.Add(file);
        if (checkOrder == true) Fatal = true;
    }

    private static int Compare(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);

    private void Print(int column, byte[] line)
    {
        Counts[column]++;
        if (!shown[column]) return;
        for (var c = 0; c < column; c++)
            if (shown[c]) Output.AddRange(delimiter);
        Output.AddRange(line);
        Output.Add(end);
    }
}
