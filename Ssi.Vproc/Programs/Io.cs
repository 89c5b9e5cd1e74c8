// Small pieces that programs share: writing text, reporting errors, reading a file descriptor to its end.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Namespace;

namespace Ssi.Vproc.Programs;

public static class Io
{
    public static readonly Fd Stdin = Fd.Stdin, Stdout = Fd.Stdout, Stderr = Fd.Stderr;

    /// <summary>Bytes read per read(2) by the programs here.</summary>
    public const int Chunk = 64 * 1024;

    /// <summary>Text as bytes: UTF-8, with the escaped bytes of file names (<see cref="FileNameBytes"/>) written raw.</summary>
    public static byte[] Bytes(string text) => FileNameBytes.Encode(text);

    /// <summary>Bytes as text that <see cref="Bytes"/> turns back into the same bytes, whatever they hold.</summary>
    public static string Text(ReadOnlySpan<byte> bytes) => FileNameBytes.Decode(bytes);

    public static Write Out(string text) => new(Stdout, Bytes(text));

    public static Write Err(string text) => new(Stderr, Bytes(text));

    /// <summary>"name: message\n" on stderr.</summary>
    public static Write Complain(ProcessContext p, string message) => new(Stderr, p.ErrorLine(message));

    /// <summary>"name: what: strerror\n" on stderr for an error the tool found itself.</summary>
    public static Write Complain(ProcessContext p, string what, Errno errno) => new(Stderr, p.ErrorLine(what, errno));

    /// <summary>"name: what: strerror\n" on stderr for the call that just failed.</summary>
    public static Write Report(ProcessContext p, string what) => new(Stderr, p.ErrorLine(what, p.Result.Error!.Value));

    /// <summary>
    /// Reads <paramref name="fd"/> to its end, appending each chunk to <paramref name="into"/>. Run it with
    /// <c>foreach (var call in Io.ReadAll(...)) yield return call;</c> and check <see cref="ProcessContext.Failed"/> after.
    /// </summary>
    public static IEnumerable<SystemCall> ReadAll(ProcessContext p, Fd fd, List<byte[]> into)
    {
        while (true)
        {
            yield return new Read(fd, Chunk);
            if (p.Failed || p.Result.Data.Length == 0) yield break;
            into.Add(p.Result.Data);
        }
    }

    public static byte[] Concat(List<byte[]> chunks)
    {
        var all = new byte[chunks.Sum(c => (long)c.Length)];
        var at = 0;
        foreach (var c in chunks)
        {
            c.CopyTo(all, at);
            at += c.Length;
        }
        return all;
    }

    /// <summary>'name' quoted as coreutils quotes file names in messages.</summary>
    public static string Quote(string name) => "'" + name.Replace("'", "'\\''") + "'";
}
