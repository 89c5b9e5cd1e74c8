// xargs's input as GNU xargs splits it: blank-separated items with quotes and backslashes, lines (-I, -L), or NUL-ended (-0).
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// Splits the input into items as it arrives (<see cref="Feed"/>, then <see cref="End"/>); <see cref="Next"/> gives
/// the next whole item, or nothing until more input comes. Plain data, kept across reads.
/// </summary>
public sealed class XargsItems(XargsItems.Split split, string? endOfFile)
{
    public enum Split
    {
        /// <summary>Blanks and newlines separate items; '…', "…" and \ quote.</summary>
        Blanks,
        /// <summary>-I: each line is an item, without its leading blanks; quotes still apply.</summary>
        Lines,
        /// <summary>-0: NUL ends each item, nothing quotes.</summary>
        Nul,
    }

    private readonly List<byte> _buffer = [];
    private bool _ended, _stopped;

    public void Feed(byte[] data) => _buffer.AddRange(data);

    public void End() => _ended = true;

    /// <summary>An item, whether a newline ended it (for -L), or an error ("unmatched single quote; ..."), or none yet.</summary>
    public (string? Item, bool EndsLine, string? Error, bool NeedMore) Next()
    {
        while (!_stopped)
        {
            var (item, used, endsLine, error) = split switch
            {
                Split.Nul => Nul(),
                _ => Quoted(split == Split.Lines),
            };
            if (error is not null)
            {
                _stopped = true;
                return (null, false, error, false);
            }
            if (used == 0) return (null, false, null, !_ended);
            _buffer.RemoveRange(0, used);
            if (item is null) continue;
            if (endOfFile is { Length: > 0 } && item == endOfFile && split != Split.Nul)
            {
                _stopped = true;
                break;
            }
            return (item, endsLine, null, false);
        }
        return (null, false, null, false);
    }

    private (string? Item, int Used, bool EndsLine, string? Error) Nul()
    {
        var end = _buffer.IndexOf(0);
        if (end < 0)
        {
            if (!_ended || _buffer.Count == 0) return (null, 0, false, null);
            return (Io.Text([.. _buffer]), _buffer.Count, true, null);
        }
        return (Io.Text(_buffer.GetRange(0, end).ToArray()), end + 1, true, null);
    }

    private static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or 11 or 12 or (byte)'\r';

    // One item from the start of the buffer; Used 0 when it is not complete yet. A null item with Used > 0 is
    // skipped input (blanks, an empty line).
    private (string? Item, int Used, bool EndsLine, string? Error) Quoted(bool lines)
    {
        var i = 0;
        while (i < _buffer.Count && IsBlank(_buffer[i]) && (!lines || _buffer[i] != '\n')) i++;
        if (i == _buffer.Count) return (null, _ended ? i : 0, false, null);
        if (_buffer[i] == '\n') return (null, i + 1, true, null);
        var item = new List<byte>();
        byte quote = 0;
        for (; i < _buffer.Count; i++)
        {
            var b = _buffer[i];
            if (quote != 0)
            {
                if (b == quote) quote = 0;
                else if (b == '\n') return (null, 0, false, Unmatched(quote));
                else item.Add(b);
                continue;
            }
            if (b == '\n' || (!lines && IsBlank(b))) return (Io.Text([.. item]), i + 1, b == '\n', null);
            if (b is (byte)'\'' or (byte)'"') quote = b;
            else if (b == '\\')
            {
                if (i + 1 == _buffer.Count) break;
                item.Add(_buffer[++i]);
            }
            else item.Add(b);
        }
        if (!_ended) return (null, 0, false, null);
        if (quote != 0) return (null, 0, false, Unmatched(quote));
        return (Io.Text([.. item]), _buffer.Count, true, null);
    }

    private static string Unmatched(byte quote) =>
        $"unmatched {(quote == '\'' ? "single" : "double")} quote; by default quotes are special to xargs unless you use the -0 option";

    /// <summary>The bytes an argument takes in the argument list: its text and a NUL.</summary>
    public static int Size(string argument) => Encoding.UTF8.GetByteCount(argument) + 1;
}
