// Expected failures of a command: an errno, a message for people, and the exit code the shell sees.
using Ssi.Actors.Errors;

namespace Ssi.Host.Cli;

public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int PermissionDenied = 77; // sysexits' EX_NOPERM
    public const int BrokenPipe = 128 + 13; // what the shell reports for a process killed by SIGPIPE
}

public sealed class CliException(Errno errno, string message, int exitCode = ExitCodes.Failure) : Exception(message)
{
    public Errno Errno { get; } = errno;
    public int ExitCode { get; } = exitCode;

    /// <summary>The one line printed for it, in the Unix tradition: "ssi: VERB: message (ERRNO)".</summary>
    public string Render(string verb) => $"ssi: {verb}: {Message} ({Errno})";

    public static CliException Usage(string message) => new(Errno.EINVAL, message, ExitCodes.Usage);
}
