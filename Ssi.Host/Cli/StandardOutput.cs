// The CLI's standard streams as its descriptors themselves: output that fails when its reader has gone, stdin that
// gives single keys, and the CLI's text on stdout and stderr written as file-name bytes.
using Ssi.Cfs.Namespace;

namespace Ssi.Host.Cli;

/// <summary>
/// Console's own stream drops writes to a closed pipe in silence (the runtime ignores SIGPIPE), so <c>ssi fs cat F |
/// head -c 1</c> would read all of F. <see cref="Open"/> reports EPIPE as an IOException instead, which
/// <see cref="SsiCommandLine.RunAsync"/> turns into a quiet exit with status 141, as a process killed by SIGPIPE.
/// No stream here goes through Console (see <see cref="DescriptorStream"/> for why).
/// </summary>
public static class StandardOutput
{
    public const int StdinFd = 0, StdoutFd = 1, StderrFd = 2;
    private const int EPIPE = 32;

    /// <summary>Output to descriptor 1 (or 2) that fails with EPIPE once its reader has gone.</summary>
    public static Stream Open(int fd = StdoutFd) => new DescriptorStream(fd, FileAccess.Write);

    /// <summary>Descriptor 0: what the terminal (in whatever mode it is) or the pipe or file gives, as it comes.</summary>
    public static Stream OpenInput() => new DescriptorStream(StdinFd, FileAccess.Read);

    public static bool IsBrokenPipe(IOException e) => e.HResult == EPIPE;

    /// <summary>
    /// Console.Out and Console.Error encode with <see cref="FileNameBytes"/>: valid text is UTF-8 as before, and the
    /// escaped bytes of a file name come out as the raw bytes they stand for, so <c>ssi fs ls</c> prints names as Linux's ls.
    /// A reader that has gone loses the text quietly, as with Console's own streams.
    /// </summary>
    public static void WriteTextAsFileNameBytes()
    {
        Console.SetOut(new StreamWriter(new DescriptorStream(StdoutFd, FileAccess.Write, quietOnBrokenPipe: true), FileNameBytes.Encoding) { AutoFlush = true });
        Console.SetError(new StreamWriter(new DescriptorStream(StderrFd, FileAccess.Write, quietOnBrokenPipe: true), FileNameBytes.Encoding) { AutoFlush = true });
    }
}
