// "Each FILE, or standard input for none or '-'": the input loop of cat, wc, head, tail and sort.
using Ssi.Actors.Identity;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// The FILE operands of a tool, opened one after another; plain data, kept across system calls. A file that cannot be
/// opened is reported ("tool: what: strerror") and skipped, and <see cref="Status"/> becomes 1. Use it as
/// <code>
/// while (true)
/// {
///     foreach (var call in inputs.Next(p)) yield return call;
///     if (inputs.Done) break;
///     ... read inputs.Fd ...
/// }
/// </code>
/// </summary>
public sealed class Inputs
{
    private readonly List<string> _names;
    private readonly string _cannotOpen;
    private readonly bool _stopAtFailure;
    private int _next;
    private int _opened;

    /// <param name="operands">The FILE operands; none means standard input.</param>
    /// <param name="cannotOpen">What an open failure says before strerror: {0} is the name, {1} the name quoted.</param>
    /// <param name="stopAtFailure">Give up at the first input that cannot be opened (sort), instead of going on to the next.</param>
    public Inputs(IReadOnlyList<string> operands, string cannotOpen = "{0}", bool stopAtFailure = false)
    {
        _stopAtFailure = stopAtFailure;
        _names = operands.Count > 0 ? [.. operands] : ["-"];
        _cannotOpen = cannotOpen;
    }

    public IReadOnlyList<string> Names => _names;

    /// <summary>The input open now ("-" for standard input).</summary>
    public string Name { get; private set; } = "";

    public Fd Fd { get; private set; } = Io.Stdin;

    /// <summary>Whether <see cref="Name"/> is the first input that opened.</summary>
    public bool First { get; private set; }

    public bool Done { get; private set; }

    public int Status { get; private set; }

    public bool IsStdin => Name == "-";

    /// <summary>The name as coreutils write it in headers and messages about reading.</summary>
    public string Shown => IsStdin ? "standard input" : Name;

    /// <summary>Marks the run as failed (exit 1) after a read error the tool reported.</summary>
    public void Fail() => Status = 1;

    /// <summary>Closes the input open now and opens the next one that opens; sets <see cref="Done"/> after the last.</summary>
    public IEnumerable<SystemCall> Next(ProcessContext p)
    {
        if (Name.Length > 0 && !IsStdin) yield return new Close(Fd);
        while (_next < _names.Count)
        {
            Name = _names[_next++];
            First = _opened == 0;
            if (IsStdin)
            {
                Fd = Io.Stdin;
                _opened++;
                yield break;
            }
            yield return new Open(Name);
            if (!p.Failed)
            {
                Fd = p.Result.Fd;
                _opened++;
                yield break;
            }
            yield return Io.Report(p, string.Format(System.Globalization.CultureInfo.InvariantCulture, _cannotOpen, Name, Io.Quote(Name)));
            Status = 1;
            if (_stopAtFailure) break;
        }
        Name = "";
        Done = true;
    }
}
