// One of the CLI's own file descriptors (0, 1, 2) as a stream, read and written with read(2) and write(2) and nothing between.
using System.Runtime.InteropServices;

namespace Ssi.Host.Cli;

/// <summary>
/// Neither of .NET's own streams will do for the standard descriptors. Console's stream edits and echoes lines itself
/// when stdin is a terminal (so single keys would wait for Enter) and, once touched on a terminal, writes terminfo's
/// keypad sequence (<c>ESC [?1h ESC =</c>) to it; FileStream writes a regular file with pwrite at an offset of its
/// own, so the descriptor's shared offset would not move (<c>{ ssi run echo a; echo b; } &gt; f</c> would lose a).
/// A broken pipe is an <see cref="IOException"/> whose HResult is EPIPE (see <see cref="StandardOutput.IsBrokenPipe"/>),
/// unless <paramref name="quietOnBrokenPipe"/>, which drops the write as Console does.
/// </summary>
public sealed class DescriptorStream(int fd, FileAccess access, bool quietOnBrokenPipe = false) : Stream
{
    private const int EINTR = 4, EPIPE = 32;

    [DllImport("libc", SetLastError = true)]
    private static extern nint read(int fd, ref byte buffer, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(int fd, ref byte buffer, nint count);

    public override bool CanRead => access.HasFlag(FileAccess.Read);
    public override bool CanWrite => access.HasFlag(FileAccess.Write);
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>Blocks until the descriptor has data; 0 at end of file (or Ctrl-D on a terminal).</summary>
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            var n = read(fd, ref MemoryMarshal.GetReference(buffer), buffer.Length);
            if (n >= 0) return (int)n;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) throw Failure("read", errno);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var n = write(fd, ref MemoryMarshal.GetReference(buffer), buffer.Length);
            if (n >= 0)
            {
                buffer = buffer[(int)n..];
                continue;
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EINTR) continue;
            if (errno == EPIPE && quietOnBrokenPipe) return;
            throw Failure("write", errno);
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    private IOException Failure(string call, int errno) =>
        new($"{call} on descriptor {fd}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
}
