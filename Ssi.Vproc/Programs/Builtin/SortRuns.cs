// sort's memory bound: lines are gathered up to the buffer size, then sorted runs go to temporary files and are merged.
using Ssi.Actors.Identity;
using Ssi.Cfs.Files;
using Ssi.Vproc.Programs.Shell;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// The lines sort has read, as plain data kept across system calls: those in memory (<see cref="Pending"/>, split
/// from chunks as they come, the part after the last delimiter carried to the next chunk) and the sorted runs
/// already written to temporary files. Memory is counted as the lines' bytes plus <see cref="LineOverhead"/> each,
/// what a line costs the runtime beyond its bytes.
/// </summary>
public sealed class SortRuns(long buffer, byte delimiter, string directory)
{
    /// <summary>Bytes a line costs beyond its own (an array's header and the list's reference).</summary>
    public const int LineOverhead = 32;

    /// <summary>Runs merged at once; more are merged in passes, as GNU sort's default --batch-size.</summary>
    public const int FanIn = 16;

    /// <summary>GNU sort's default buffer when the input is large is a share of physical memory; a node is shared, so here it is fixed.</summary>
    public const long DefaultBuffer = 256L << 20;

    private byte[] _carry = [];
    private int _made;

    public List<byte[]> Pending { get; } = [];
    public long PendingBytes { get; private set; }
    public List<string> Files { get; } = [];
    public bool Full => PendingBytes >= buffer;

    /// <summary>Adds a chunk of input: its complete lines join <see cref="Pending"/>, the rest waits for the next chunk.</summary>
    public void Add(byte[] chunk)
    {
        var start = 0;
        for (var end = Array.IndexOf(chunk, delimiter); end >= 0; end = Array.IndexOf(chunk, delimiter, start))
        {
            Keep(_carry.Length == 0 ? chunk[start..end] : [.. _carry, .. chunk.AsSpan(start, end - start)]);
            _carry = [];
            start = end + 1;
        }
        if (start < chunk.Length) _carry = [.. _carry, .. chunk.AsSpan(start)];
    }

    /// <summary>The end of one input: a last line without a delimiter is a line.</summary>
    public void EndInput()
    {
        if (_carry.Length > 0) Keep(_carry);
        _carry = [];
    }

    private void Keep(byte[] line)
    {
        Pending.Add(line);
        PendingBytes += line.Length + LineOverhead;
    }

    /// <summary>
    /// Sorts the lines in memory into a new temporary file and forgets them. On failure the process's last result
    /// says why and <paramref name="failed"/> names what failed, for the message.
    /// </summary>
    public IEnumerable<SystemCall> Spill(ProcessContext p, SortOrder order, bool unique, Box<string?> failed)
    {
        var sorted = Sort.Sorted(Pending, order, unique);
        Pending.Clear();
        PendingBytes = 0;
        foreach (var call in WriteRun(p, new ListSource(sorted), failed)) yield return call;
    }

    /// <summary>Merges the first <see cref="FanIn"/> runs into one, until what is left can be merged at once.</summary>
    public IEnumerable<SystemCall> Narrow(ProcessContext p, SortOrder order, bool unique, Box<string?> failed)
    {
        while (Files.Count + (Pending.Count > 0 ? 1 : 0) > FanIn && failed.Value is null)
        {
            var first = Files.GetRange(0, FanIn);
            Files.RemoveRange(0, FanIn);
            var merged = new MergeSources([.. first.Select(f => new FileSource(f, delimiter))], order, unique);
            // The merged run keeps its place in front: equal lines stay in input order.
            var at = Files.Count;
            foreach (var call in WriteRun(p, merged, failed)) yield return call;
            if (failed.Value is not null) yield break;
            var made = Files[at];
            Files.RemoveAt(at);
            Files.Insert(0, made);
            foreach (var f in first) yield return new Unlink(f);
        }
    }

    /// <summary>Every run, files first (they were read first), then what is in memory, merged in order.</summary>
    public MergeSources Merged(SortOrder order, bool unique)
    {
        var sources = new List<ILineSource>(Files.Select(f => new FileSource(f, delimiter)));
        if (Pending.Count > 0) sources.Add(new ListSource(Sort.Sorted(Pending, order, unique)));
        Pending.Clear();
        PendingBytes = 0;
        return new MergeSources(sources, order, unique);
    }

    public IEnumerable<SystemCall> RemoveFiles()
    {
        foreach (var f in Files) yield return new Unlink(f);
        Files.Clear();
    }

    private IEnumerable<SystemCall> WriteRun(ProcessContext p, ILineSource source, Box<string?> failed)
    {
        yield return new GetPid();
        var name = $"{directory.TrimEnd('/')}/sort{p.Result.Value}.{_made++}";
        yield return new Open(name, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive, 0x180);
        if (p.Failed)
        {
            failed.Value = $"cannot create temporary file in {Io.Quote(directory)}";
            yield break;
        }
        var fd = p.Result.Fd;
        Files.Add(name);
        foreach (var call in Emit(p, source, fd, delimiter, failed, name)) yield return call;
        yield return new Close(fd);
    }

    /// <summary>Writes every line of <paramref name="source"/> to <paramref name="fd"/> in chunks; a failed write sets <paramref name="failed"/>.</summary>
    public static IEnumerable<SystemCall> Emit(ProcessContext p, ILineSource source, Fd fd, byte delimiter, Box<string?> failed, string shown)
    {
        var batch = new List<byte>(Io.Chunk + 4096);
        while (true)
        {
            foreach (var call in source.Fill(p)) yield return call;
            if (source.Failed is { } reading)
            {
                failed.Value = reading;
                yield break;
            }
            var line = source.Take();
            if (line is not null)
            {
                batch.AddRange(line);
                batch.Add(delimiter);
                if (batch.Count < Io.Chunk) continue;
            }
            if (batch.Count > 0)
            {
                yield return new Write(fd, [.. batch]);
                if (p.Failed)
                {
                    failed.Value = $"write failed: {shown}";
                    yield break;
                }
                batch.Clear();
            }
            if (line is null) yield break;
        }
    }
}
