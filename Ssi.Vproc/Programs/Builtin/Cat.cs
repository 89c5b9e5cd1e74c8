// cat: files to standard output, with GNU's numbering, squeezing and ^/M- notation when asked.
using System.Globalization;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>cat [-AbeEnstTuv] [FILE|-]...: copies each file (stdin for none or "-") to stdout; exit 1 if any failed.</summary>
public sealed class Cat : Program
{
    private static readonly OptionSpec Spec = new("AbeEnstTuv",
        ["show-all=A", "number-nonblank=b", "show-ends=E", "number=n", "squeeze-blank=s", "show-tabs=T", "show-nonprinting=v"],
        """
        Usage: cat [OPTION]... [FILE]...
        Concatenate FILE(s) to standard output.

        With no FILE, or when FILE is -, read standard input.

          -A, --show-all           equivalent to -vET
          -b, --number-nonblank    number nonempty output lines, overrides -n
          -e                       equivalent to -vE
          -E, --show-ends          display $ at end of each line
          -n, --number             number all output lines
          -s, --squeeze-blank      suppress repeated empty output lines
          -t                       equivalent to -vT
          -T, --show-tabs          display TAB characters as ^I
          -u                       (ignored)
          -v, --show-nonprinting   use ^ and M- notation, except for LFD and TAB
              --help               display this help and exit

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var format = CatFormat.From(o);
        var inputs = new Inputs(o.Operands);
        while (true)
        {
            foreach (var call in inputs.Next(p)) yield return call;
            if (inputs.Done) break;
            while (true)
            {
                yield return new Read(inputs.Fd, Io.Chunk);
                if (p.Failed)
                {
                    yield return Io.Report(p, inputs.Name);
                    inputs.Fail();
                    break;
                }
                // At the end of the file, what the format still holds back (usually nothing).
                var data = p.Result.Data.Length == 0 ? format?.Flush() ?? [] : format?.Apply(p.Result.Data) ?? p.Result.Data;
                var ended = p.Result.Data.Length == 0;
                if (data.Length > 0) yield return new Write(Io.Stdout, data);
                if (data.Length > 0 && p.Failed)
                {
                    yield return Io.Report(p, "write error");
                    yield return new Exit(1);
                    yield break;
                }
                if (ended) break;
            }
        }
        yield return new Exit(inputs.Status);
    }
}

/// <summary>
/// cat's options that change the bytes, applied chunk by chunk as GNU's cat.c does. The position in the line, the run
/// of empty lines and the line number carry over from one chunk, and one file, to the next.
/// </summary>
public sealed class CatFormat
{
    public bool NumberAll, NumberNonblank, Squeeze, ShowEnds, ShowTabs, ShowNonprinting;

    // cat.c's "newlines": -1 inside a line, 0 at the start of one after text, 1 after one empty line, 2 after more.
    private int _newlines;
    private long _lineNumber;
    // With -E, a CR that ends a chunk: "^M" if the next chunk starts with LF, else itself.
    private bool _pendingCarriageReturn;

    /// <summary>The format the options ask for, or null when cat copies bytes unchanged.</summary>
    public static CatFormat? From(Options o)
    {
        var f = new CatFormat
        {
            NumberNonblank = o.Has('b'),
            NumberAll = o.Has('n') || o.Has('b'),
            Squeeze = o.Has('s'),
            ShowEnds = o.Has('E') || o.Has('e') || o.Has('A'),
            ShowTabs = o.Has('T') || o.Has('t') || o.Has('A'),
            ShowNonprinting = o.Has('v') || o.Has('e') || o.Has('t') || o.Has('A'),
        };
        return f.NumberAll || f.Squeeze || f.ShowEnds || f.ShowTabs || f.ShowNonprinting ? f : null;
    }

    public byte[] Apply(byte[] chunk)
    {
        var output = new List<byte>(chunk.Length + chunk.Length / 8);
        if (_pendingCarriageReturn)
        {
            _pendingCarriageReturn = false;
            output.AddRange(chunk.Length > 0 && chunk[0] == '\n' ? "^M"u8 : "\r"u8);
        }
        for (var i = 0; i < chunk.Length; i++)
        {
            var b = chunk[i];
            if (b == '\n')
            {
                if (++_newlines > 0)
                {
                    if (_newlines >= 2)
                    {
                        _newlines = 2;
                        if (Squeeze) continue;
                    }
                    if (NumberAll && !NumberNonblank) AddNumber(output);
                }
                if (ShowEnds) output.Add((byte)'$');
                output.Add(b);
                continue;
            }
            if (_newlines >= 0 && NumberAll) AddNumber(output);
            _newlines = -1;
            // As GNU 9: -E shows the CR of a CRLF as ^M, so that the $ is seen to follow it.
            if (b == '\r' && ShowEnds && !ShowNonprinting)
            {
                if (i + 1 == chunk.Length) _pendingCarriageReturn = true;
                else output.AddRange(chunk[i + 1] == '\n' ? "^M"u8 : "\r"u8);
                continue;
            }
            AddShown(output, b);
        }
        return [.. output];
    }

    /// <summary>At the end of a file: what is still held back (a CR that ended the last chunk).</summary>
    public byte[] Flush()
    {
        if (!_pendingCarriageReturn) return [];
        _pendingCarriageReturn = false;
        return [(byte)'\r'];
    }

    private void AddNumber(List<byte> output) =>
        output.AddRange(Io.Bytes((++_lineNumber).ToString(CultureInfo.InvariantCulture).PadLeft(6) + "\t"));

    // ^X for control bytes, ^? for DEL, M- before the high half, as "cat -v" shows them.
    private void AddShown(List<byte> output, byte b)
    {
        if (b == '\t')
        {
            if (ShowTabs) output.AddRange("^I"u8);
            else output.Add(b);
            return;
        }
        if (!ShowNonprinting)
        {
            output.Add(b);
            return;
        }
        if (b >= 128)
        {
            output.AddRange("M-"u8);
            b -= 128;
        }
        if (b < 32) output.AddRange([(byte)'^', (byte)(b + 64)]);
        else if (b == 127) output.AddRange("^?"u8);
        else output.Add(b);
    }
}
