// The -i question of cp, mv and rm: "tool: overwrite 'x'? " on stderr, answered by one line of stdin.
namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// Yes-or-no questions answered by lines of stdin, as coreutils' yesno(): a line starting with 'y' or 'Y' is yes,
/// anything else (or end of input) no. What a read brought beyond the line stays for the next question.
/// </summary>
public sealed class Prompt
{
    private readonly List<byte> _pending = [];
    private bool _ended;

    /// <summary>The answer to the last question.</summary>
    public bool Yes { get; private set; }

    public IEnumerable<SystemCall> Ask(ProcessContext p, string question)
    {
        yield return Io.Err($"{p.Tool}: {question} ");
        while (!_ended && !_pending.Contains((byte)'\n'))
        {
            yield return new Read(Io.Stdin, Io.Chunk);
            if (p.Failed || p.Result.Data.Length == 0) _ended = true;
            else _pending.AddRange(p.Result.Data);
        }
        var end = _pending.IndexOf((byte)'\n');
        var line = end < 0 ? [.. _pending] : _pending.GetRange(0, end);
        _pending.RemoveRange(0, end < 0 ? _pending.Count : end + 1);
        Yes = line.Count > 0 && line[0] is (byte)'y' or (byte)'Y';
    }
}
