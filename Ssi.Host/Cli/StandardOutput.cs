// Standard output as a stream that fails when its reader has gone, so a command can stop instead of writing on; and the
// CLI's text on stdout and stderr written as file-name bytes.
using Microsoft.Win32.SafeHandles;
using Ssi.Cfs.Namespace;

namespace Ssi.Host.Cli;

/// <summary>
/// Console's own stream drops writes to a closed pipe in silence (the runtime ignores SIGPIPE), so <c>ssi fs cat F |
/// head -c 1</c> would read all of F. A FileStream on fd 1 reports EPIPE as an IOException instead, which
/// <see cref="SsiCommandLine.RunAsync"/> turns into a quiet exit with status 141, as a process killed by SIGPIPE.
/// </summary>
public static class StandardOutput
{
    private const int EPIPE = 32;

    /// <summary>fd 1 itself when it is a pipe, socket or terminal; for a file (which has no reader to lose), Console's stream, which keeps the shared offset.</summary>
    public static Stream Open()
    {
        var stream = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        if (!stream.CanSeek) return stream;
        stream.Dispose();
        return Console.OpenStandardOutput();
    }

    public static bool IsBrokenPipe(IOException e) => e.HResult == EPIPE;

    /// <summary>
    /// Console.Out and Console.Error encode with <see cref="FileNameBytes"/>: valid text is UTF-8 as before, and the
    /// escaped bytes of a file name come out as the raw bytes they stand for, so <c>ssi fs ls</c> prints names as Linux's ls.
    /// </summary>
    public static void WriteTextAsFileNameBytes()
    {
        Console.SetOut(new StreamWriter(Console.OpenStandardOutput(), FileNameBytes.Encoding) { AutoFlush = true });
        Console.SetError(new StreamWriter(Console.OpenStandardError(), FileNameBytes.Encoding) { AutoFlush = true });
    }
}
