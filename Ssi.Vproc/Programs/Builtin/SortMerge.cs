// The line sources of sort's merge: a sorted list in memory, a run in a temporary file, and the merge of several.
using Ssi.Actors.Identity;
using Ssi.Cfs.Files;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// Lines in order, as plain data. <see cref="Fill"/> makes the next line ready (reading if it must); then
/// <see cref="Take"/> hands it over, or null at the end. A failure to read leaves <see cref="Failed"/> set.
/// </summary>
public interface ILineSource
{
    IEnumerable<SystemCall> Fill(ProcessContext p);
    byte[]? Peek();
    byte[]? Take();
    string? Failed { get; }
}

public sealed class ListSource(List<byte[]> lines) : ILineSource
{
    private int _next;

    public string? Failed => null;
    public IEnumerable<SystemCall> Fill(ProcessContext p) => [];
    public byte[]? Peek() => _next < lines.Count ? lines[_next] : null;

    public byte[]? Take()
    {
        if (_next >= lines.Count) return null;
        var line = lines[_next];
        lines[_next++] = []; // what was handed on is no longer held here
        return line;
    }
}

/// <summary>A sorted run in a temporary file, opened on first use, read a chunk at a time and closed at its end.</summary>
public sealed class FileSource(string path, byte delimiter) : ILineSource
{
    private readonly List<byte[]> _lines = [];
    private int _next;
    private byte[] _carry = [];
    private Fd? _fd;
    private bool _ended;

    public string? Failed { get; private set; }
    public byte[]? Peek() => _next < _lines.Count ? _lines[_next] : null;

    public byte[]? Take()
    {
        if (_next >= _lines.Count) return null;
        return _lines[_next++];
    }

    public IEnumerable<SystemCall> Fill(ProcessContext p)
    {
        if (_fd is null && !_ended)
        {
            yield return new Open(path, OpenFlags.ReadOnly);
            if (p.Failed)
            {
                Failed = $"cannot read: {path}";
                yield break;
            }
            _fd = p.Result.Fd;
        }
        while (_next >= _lines.Count && !_ended)
        {
            _lines.Clear();
            _next = 0;
            yield return new Read(_fd!.Value, Io.Chunk);
            if (p.Failed)
            {
                Failed = $"read failed: {path}";
                yield break;
            }
            var chunk = p.Result.Data;
            if (chunk.Length == 0)
            {
                _ended = true;
                if (_carry.Length > 0) _lines.Add(_carry);
                _carry = [];
                yield return new Close(_fd!.Value);
                _fd = null;
                yield break;
            }
            var start = 0;
            for (var end = Array.IndexOf(chunk, delimiter); end >= 0; end = Array.IndexOf(chunk, delimiter, start))
            {
                _lines.Add(_carry.Length == 0 ? chunk[start..end] : [.. _carry, .. chunk.AsSpan(start, end - start)]);
                _carry = [];
                start = end + 1;
            }
            if (start < chunk.Length) _carry = [.. _carry, .. chunk.AsSpan(start)];
        }
    }
}

/// <summary>
/// The merge of sorted sources: a binary heap of source numbers ordered by each source's next line, ties going to
/// the earlier source, so equal lines keep their input order; with unique, only the first of an equal run is given.
/// </summary>
public sealed class MergeSources(List<ILineSource> sources, SortOrder order, bool unique) : ILineSource
{
    private readonly List<int> _heap = [];
    private bool _started;
    private int _refill = -1;
    private byte[]? _ready;
    private byte[]? _last;

    public string? Failed { get; private set; }
    public byte[]? Peek() => _ready;

    public byte[]? Take()
    {
        var line = _ready;
        _ready = null;
        if (line is not null) _last = line;
        return line;
    }

    public IEnumerable<SystemCall> Fill(ProcessContext p)
    {
        if (_ready is not null) yield break;
        if (!_started)
        {
            _started = true;
            for (var i = 0; i < sources.Count; i++)
            {
                foreach (var call in sources[i].Fill(p)) yield return call;
                if (Stop(sources[i])) yield break;
                if (sources[i].Peek() is not null) Push(i);
            }
        }
        while (true)
        {
            if (_refill >= 0)
            {
                var source = sources[_refill];
                foreach (var call in source.Fill(p)) yield return call;
                if (Stop(source)) yield break;
                if (source.Peek() is not null) Push(_refill);
                _refill = -1;
            }
            if (_heap.Count == 0) yield break;
            var first = Pop();
            var line = sources[first].Take()!;
            _refill = first;
            if (unique && _last is not null && order.Compare(_last, line) == 0) continue;
            _ready = line;
            yield break;
        }
    }

    private bool Stop(ILineSource source)
    {
        Failed = source.Failed;
        return Failed is not null;
    }

    private int Compare(int a, int b)
    {
        var diff = order.Compare(sources[a].Peek()!, sources[b].Peek()!);
        return diff != 0 ? diff : a.CompareTo(b);
    }

    private void Push(int source)
    {
        _heap.Add(source);
        for (var i = _heap.Count - 1; i > 0;)
        {
            var parent = (i - 1) / 2;
            if (Compare(_heap[parent], _heap[i]) <= 0) break;
            (_heap[parent], _heap[i]) = (_heap[i], _heap[parent]);
            i = parent;
        }
    }

    private int Pop()
    {
        var top = _heap[0];
        _heap[0] = _heap[^1];
        _heap.RemoveAt(_heap.Count - 1);
        for (var i = 0; ;)
        {
            var (left, right, least) = (2 * i + 1, 2 * i + 2, i);
            if (left < _heap.Count && Compare(_heap[left], _heap[least]) < 0) least = left;
            if (right < _heap.Count && Compare(_heap[right], _heap[least]) < 0) least = right;
            if (least == i) break;
            (_heap[least], _heap[i]) = (_heap[i], _heap[least]);
            i = least;
        }
        return top;
    }
}
