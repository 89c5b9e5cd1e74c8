// Small pieces that programs share: writing text, reporting errors, reading a file descriptor to its end.
using System.Text;

namespace Ssi.Vproc.Programs;

public static class Io
{
    public const int Stdin = 0, Stdout = 1, Stderr = 2;

    /// <summary>Bytes read per read(2) by the programs here.</summary>
    public const int Chunk = 64 * 1024;

    public static Write Out(string text) => new(Stdout, Encoding.UTF8.GetBytes(text));

    public static Write Err(string text) => new(Stderr, Encoding.UTF8.GetBytes(text));

    /// <summary>"name: message\n" on stderr.</summary>
    public static Write Complain(ProcessContext p, string message) => new(Stderr, p.ErrorLine(message));
}
