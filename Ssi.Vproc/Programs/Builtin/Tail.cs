// tail: the last lines or bytes of each input, or everything from the Nth on.
namespace Ssi.Vproc.Programs.Builtin;

/// <summary>tail [-n|-c [+]NUM] [-qvz] [FILE|-]...: the last 10 lines of each input by default.</summary>
public sealed class Tail : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var (request, o, complaint) = HeadTail.Read(p.Args, HeadTail.TailSpec, tail: true);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, HeadTail.TailSpec, o)) yield return call;
            yield break;
        }
        if (request is null)
        {
            yield return Io.Complain(p, complaint!);
            yield return new Exit(1);
            yield break;
        }
        var inputs = new Inputs(request.Files, "cannot open {1} for reading");
        var writeFailed = false;
        while (!writeFailed)
        {
            foreach (var call in inputs.Next(p)) yield return call;
            if (inputs.Done) break;
            if (request.Headers)
            {
                yield return Io.Out(HeadTail.Header(inputs.Shown, inputs.First));
                writeFailed = p.Failed;
                if (writeFailed) break;
            }
            var chunks = new List<byte[]>();
            foreach (var call in Io.ReadAll(p, inputs.Fd, chunks)) yield return call;
            if (p.Failed)
            {
                yield return Io.Report(p, $"error reading {Io.Quote(inputs.Shown)}");
                inputs.Fail();
                continue;
            }
            var all = Io.Concat(chunks);
            yield return new Write(Io.Stdout, all[Start(all, request)..]);
            writeFailed = p.Failed;
        }
        if (writeFailed)
        {
            yield return Io.Report(p, "error writing 'standard output'");
            yield return new Exit(1);
            yield break;
        }
        yield return new Exit(inputs.Status);
    }

    /// <summary>Where the output starts: N bytes or lines before the end, or at the Nth (from 1) with a '+'.</summary>
    private static int Start(byte[] all, HeadTailRequest request)
    {
        if (request.Bytes)
            return request.Sign == '+'
                ? (int)Math.Min(all.Length, Math.Max(0, request.Count - 1))
                : (int)(all.Length - Math.Min(all.Length, request.Count));
        return request.Sign == '+'
            ? LineBuffers.StartOfLine(all, request.Count, request.Delimiter)
            : LineBuffers.StartOfLast(all, request.Count, request.Delimiter);
    }
}
