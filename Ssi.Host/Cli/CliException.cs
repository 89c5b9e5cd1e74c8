// The CLI's own expected failures (bad input, a local file): an errno and a message, printed like every other failure.
using Ssi.Actors.Errors;
using Ssi.Host.Client;

namespace Ssi.Host.Cli;

public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int PermissionDenied = 77; // sysexits' EX_NOPERM
    public const int Downed = 75; // sysexits' EX_TEMPFAIL: a node the cluster downed may be started again
    public const int BrokenPipe = 128 + 13; // what the shell reports for a process killed by SIGPIPE
}

public sealed class CliException(Errno errno, string message, FailureKind kind = FailureKind.Failed) : ErrnoException(errno, message, kind)
{
    public static CliException Usage(string message) => new(Errno.EINVAL, message, FailureKind.Usage);
}
