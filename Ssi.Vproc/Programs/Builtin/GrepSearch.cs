// grep's decisions without I/O: records of one input in, the bytes to print out (context, -o, -m, -b, -c, -l and -L).
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Ssi.Cfs.Namespace;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>How one grep run prints, from its options.</summary>
public sealed record GrepFormat
{
    public bool Invert { get; init; }
    public bool OnlyMatching { get; init; }
    public bool Numbers { get; init; }
    public bool ByteOffsets { get; init; }
    public bool Count { get; init; }
    public bool ListMatching { get; init; }
    public bool ListOthers { get; init; }
    public bool Quiet { get; init; }

    /// <summary>-Z: a NUL after a file name instead of ':' or a newline.</summary>
    public bool NulAfterName { get; init; }

    /// <summary>-A, -B or -C was given (even as 0): groups of lines are then separated.</summary>
    public bool Context { get; init; }

    public int Before { get; init; }
    public int After { get; init; }

    /// <summary>-m: stop after this many selected lines (null: no limit).</summary>
    public long? MaxCount { get; init; }

    /// <summary>What ends a record, in and out: '\n', or NUL with -z.</summary>
    public byte Terminator { get; init; } = (byte)'\n';

    /// <summary>The line between groups of context ("--"), or null for none.</summary>
    public string? GroupSeparator { get; init; } = "--";

    /// <summary>Whether selected lines are printed at all (not only counted, listed or looked for).</summary>
    public bool PrintsLines => !Count && !ListMatching && !ListOthers && !Quiet;
}

/// <summary>
/// The search of a grep run, one input after another: <see cref="Start"/>, <see cref="Feed"/> the records as they are
/// read until <see cref="Done"/>, then <see cref="Finish"/>. Plain data, kept across reads. Context is held here: the
/// last -B lines not printed, how many -A lines are still due, and the last line printed, which decides where a
/// group separator goes (between files too, as GNU grep). With -o, context lines are not printed but still place
/// the separators.
/// </summary>
public sealed class GrepSearch(PatternSet patterns, GrepFormat format)
{
    private readonly List<Held> _held = [];
    private bool _printedAny;
    private string? _name;
    private long _number, _offset, _lastShown, _afterLeft;
    private bool _stopping;

    /// <summary>Selected lines of the input so far.</summary>
    public long Selected { get; private set; }

    /// <summary>Nothing more of this input is needed: -l, -L or -q decided, -m is reached, or a binary input matched.</summary>
    public bool Done { get; private set; }

    /// <summary>A line took longer than <see cref="PosixRegex.Timeout"/> to match.</summary>
    public bool TimedOut { get; private set; }

    /// <summary>The input holds NULs (GNU's binary file): lines are not printed; a selected one ends the input.</summary>
    public bool Binary { get; set; }

    /// <summary>A line of a binary input was selected where it would have been printed.</summary>
    public bool BinaryMatched { get; private set; }

    /// <summary>Begins an input; <paramref name="name"/> prefixes its lines, or null for none.</summary>
    public void Start(string? name)
    {
        _name = name;
        _number = _offset = _lastShown = _afterLeft = Selected = 0;
        _stopping = Done = Binary = BinaryMatched = false;
        _held.Clear();
    }

    /// <summary>The output for the next records of the input (without their terminators).</summary>
    public byte[] Feed(List<byte[]> records)
    {
        var output = new List<byte>();
        for (var i = 0; i < records.Count && !Done; i++)
        {
            var line = records[i];
            var number = ++_number;
            var offset = _offset;
            _offset += line.Length + 1;
            var text = Decode(line);
            bool selected;
            try
            {
                selected = patterns.IsMatch(text) != format.Invert;
            }
            catch (RegexMatchTimeoutException)
            {
                TimedOut = Done = true;
                break;
            }
            if (_stopping || !selected)
            {
                if (_afterLeft > 0)
                {
                    Print(output, new Held(number, offset, line), selected: false);
                    _afterLeft--;
                }
                else if (format.Before > 0 && format.PrintsLines)
                {
                    _held.Add(new Held(number, offset, line));
                    if (_held.Count > format.Before) _held.RemoveAt(0);
                }
                if (_stopping && _afterLeft == 0) Done = true;
                continue;
            }
            Selected++;
            if (!format.PrintsLines)
            {
                if (!format.Count) Done = true;
            }
            else if (Binary) BinaryMatched = Done = true;
            else
            {
                for (var h = 0; h < _held.Count; h++)
                    if (_held[h].Number > _lastShown) Print(output, _held[h], selected: false);
                _held.Clear();
                if (!Print(output, new Held(number, offset, line), selected: true, text))
                {
                    TimedOut = Done = true;
                    break;
                }
                _afterLeft = format.After;
            }
            if (Selected == format.MaxCount)
            {
                _stopping = true;
                if (_afterLeft == 0 || !format.PrintsLines) Done = true;
            }
        }
        return [.. output];
    }

    /// <summary>What ends the input: its count (-c), or its name (-l with a selected line, -L without).</summary>
    public byte[] Finish(string shown)
    {
        var s = new StringBuilder();
        var afterName = format.NulAfterName ? "\0" : null;
        if (format.ListMatching || format.ListOthers)
        {
            if ((Selected > 0) == format.ListMatching) s.Append(shown).Append(afterName ?? "\n");
        }
        else if (format.Count) s.Append(_name is null ? "" : _name + (afterName ?? ":")).Append(Selected.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return Io.Bytes(s.ToString());
    }

    // A line as a selected one (':') or as context ('-'); with -o, each match of a selected line. False if it timed out.
    private bool Print(List<byte> output, Held line, bool selected, string? text = null)
    {
        if (format.Context && _printedAny && format.GroupSeparator is { } separator && (_lastShown == 0 || line.Number != _lastShown + 1))
        {
            output.AddRange(Io.Bytes(separator));
            output.Add((byte)'\n');
        }
        _lastShown = line.Number;
        _printedAny = true;
        if (!format.OnlyMatching)
        {
            output.AddRange(Prefix(selected ? ':' : '-', line.Number, line.Offset));
            output.AddRange(line.Bytes);
            output.Add(format.Terminator);
            return true;
        }
        if (!selected || format.Invert) return true;
        text ??= Decode(line.Bytes);
        try
        {
            // Empty matches print nothing; the search goes on one character later.
            for (var from = 0; from <= text.Length && patterns.Next(text, from) is { } m; from = m.Index + Math.Max(m.Length, 1))
            {
                if (m.Length == 0) continue;
                var start = FileNameBytes.ByteCount(text.AsSpan(0, m.Index));
                var length = FileNameBytes.ByteCount(text.AsSpan(m.Index, m.Length));
                output.AddRange(Prefix(':', line.Number, line.Offset + start));
                output.AddRange(line.Bytes.AsSpan(start, length));
                output.Add(format.Terminator);
            }
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
        return true;
    }

    // "name:number:offset:" as each option asks, '-' instead of ':' for context, NUL after the name with -Z.
    private byte[] Prefix(char separator, long number, long offset)
    {
        var s = new StringBuilder();
        if (_name is not null) s.Append(_name).Append(format.NulAfterName ? '\0' : separator);
        if (format.Numbers) s.Append(number.ToString(CultureInfo.InvariantCulture)).Append(separator);
        if (format.ByteOffsets) s.Append(offset.ToString(CultureInfo.InvariantCulture)).Append(separator);
        return s.Length == 0 ? [] : Io.Bytes(s.ToString());
    }

    // Lines as text that encodes back to the same bytes; ASCII, the usual case, directly.
    private static string Decode(byte[] line) => Ascii.IsValid(line) ? Encoding.ASCII.GetString(line) : Io.Text(line);

    private sealed record Held(long Number, long Offset, byte[] Bytes);
}
