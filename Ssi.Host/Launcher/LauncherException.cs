// Expected failures of the launcher (ssi start/add/rm/stop): an errno and a message, for the caller to print.
using Ssi.Actors.Errors;
using Ssi.Host.Client;

namespace Ssi.Host.Launcher;

public sealed class LauncherException(Errno errno, string message, FailureKind kind = FailureKind.Failed)
    : ErrnoException(errno, message, kind);
