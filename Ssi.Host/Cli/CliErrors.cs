// The one error formatter of ssi: every failure is one line in the Unix tradition, "ssi: VERB: message (ERRNO)".
using Ssi.Actors.Errors;
using Ssi.Host.Client;

namespace Ssi.Host.Cli;

public static class CliErrors
{
    /// <summary>"ssi: VERB: message (ERRNO)"; a failure about one target says which first ("ssi: kill: 20017: No such process (ESRCH)").</summary>
    public static string Line(string verb, Errno errno, string message) => $"ssi: {verb}: {message} ({errno})";

    public static string Line(string verb, ErrnoException e) => Line(verb, e.Errno, e.Message);

    /// <summary>The line for a failed outcome (a target a command goes past): its detail, or strerror.</summary>
    public static string Line<T>(string verb, Outcome<T> failed) =>
        Line(verb, failed.Error!.Value, failed.Detail ?? failed.Error.Value.Describe());

    /// <summary>The shell's status: 2 for bad usage, 77 for a refused identity (sysexits' EX_NOPERM), 1 otherwise.</summary>
    public static int ExitCode(ErrnoException e) => e.Kind switch
    {
        FailureKind.Usage => ExitCodes.Usage,
        FailureKind.Denied => ExitCodes.PermissionDenied,
        _ => ExitCodes.Failure,
    };

    /// <summary>Prints a failed outcome on stderr and returns the status of a command that went on past it.</summary>
    public static int Report<T>(string verb, Outcome<T> failed)
    {
        Console.Error.WriteLine(Line(verb, failed));
        return ExitCodes.Failure;
    }
}
