// head: the first lines or bytes of each input, or all but the last ones.
using Ssi.Actors.Errors;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>head [-n|-c [-]NUM] [-qvz] [FILE|-]...: the first 10 lines of each input by default.</summary>
public sealed class Head : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var (request, o, complaint) = HeadTail.Read(p.Args, HeadTail.HeadSpec, tail: false);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, HeadTail.HeadSpec, o)) yield return call;
            yield break;
        }
        if (request is null)
        {
            yield return Io.Complain(p, complaint!);
            yield return new Exit(1);
            yield break;
        }
        var inputs = new Inputs(request.Files, "cannot open {1} for reading");
        Errno? writeError = null;
        while (writeError is null)
        {
            foreach (var call in inputs.Next(p)) yield return call;
            if (inputs.Done) break;
            if (request.Headers)
            {
                yield return Io.Out(HeadTail.Header(inputs.Shown, inputs.First));
                writeError = p.Result.Error;
            }
            if (writeError is null && request.Sign == '-')
            {
                var chunks = new List<byte[]>();
                foreach (var call in Io.ReadAll(p, inputs.Fd, chunks)) yield return call;
                if (p.Failed)
                {
                    yield return Io.Report(p, $"error reading {Io.Quote(inputs.Shown)}");
                    inputs.Fail();
                    continue;
                }
                var all = Io.Concat(chunks);
                var end = request.Bytes
                    ? (int)Math.Max(0, all.Length - Math.Min(request.Count, all.Length))
                    : LineBuffers.StartOfLast(all, request.Count, request.Delimiter);
                yield return new Write(Io.Stdout, all[..end]);
                writeError = p.Result.Error;
                continue;
            }
            // The first N: reading stops once they are out, so head -n 1 returns after one line from a terminal.
            var left = request.Count;
            while (writeError is null && left > 0)
            {
                yield return new Read(inputs.Fd, Io.Chunk);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"error reading {Io.Quote(inputs.Shown)}");
                    inputs.Fail();
                    break;
                }
                var data = p.Result.Data;
                if (data.Length == 0) break;
                int length;
                if (request.Bytes)
                {
                    length = (int)Math.Min(data.Length, left);
                    left -= length;
                }
                else (length, left) = LineBuffers.TakeLines(data, left, request.Delimiter);
                yield return new Write(Io.Stdout, length == data.Length ? data : data[..length]);
                writeError = p.Result.Error;
            }
        }
        if (writeError is { } e)
        {
            yield return Io.Complain(p, "error writing 'standard output'", e);
            yield return new Exit(1);
            yield break;
        }
        yield return new Exit(inputs.Status);
    }
}
