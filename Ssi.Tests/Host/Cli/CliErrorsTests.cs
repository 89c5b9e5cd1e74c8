// The one error formatter: every failure of the client, the launcher and the CLI prints one Unix line and one exit status.
using Ssi.Actors.Errors;
using Ssi.Host.Cli;
using Ssi.Host.Client;
using Ssi.Host.Launcher;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Tests.Host.Cli;

public sealed class CliErrorsTests
{
    [Fact]
    public void A_failure_is_one_line_with_the_verb_the_message_and_the_errno()
    {
        var e = new ClientException(Errno.EACCES, "/private: Permission denied");

        Assert.Equal("ssi: fs ls: /private: Permission denied (EACCES)", CliErrors.Line("fs ls", e));
    }

    [Fact]
    public void A_target_a_command_goes_past_is_named_first_in_the_unix_way()
    {
        var failed = Outcome<KillDone>.Fail(Errno.ESRCH, "20017: No such process");

        Assert.Equal("ssi: kill: 20017: No such process (ESRCH)", CliErrors.Line("kill", failed));
    }

    [Fact]
    public void A_failed_outcome_without_words_says_strerror()
    {
        Assert.Equal("ssi: where: No such process (ESRCH)", CliErrors.Line("where", Outcome<ProcessInfo>.Fail(Errno.ESRCH)));
    }

    public static TheoryData<ErrnoException, int> Failures => new()
    {
        { new ClientException(Errno.ESRCH, "gone"), ExitCodes.Failure },
        { new ClientException(Errno.ETIMEDOUT, "no node of the cluster answered"), ExitCodes.Failure },
        { ClientException.Denied("access denied: the client's credential was not issued by this cluster"), ExitCodes.PermissionDenied },
        { ClientException.Usage("unknown user 'zed'"), ExitCodes.Usage },
        { new LauncherException(Errno.ECONNREFUSED, "no cluster is running"), ExitCodes.Failure },
        { new LauncherException(Errno.EINVAL, "node 16 is out of range (1..15)", FailureKind.Usage), ExitCodes.Usage },
        { new LauncherException(Errno.EACCES, "no secret", FailureKind.Denied), ExitCodes.PermissionDenied },
        { new CliException(Errno.EEXIST, "the root already has files"), ExitCodes.Failure },
        { CliException.Usage("a program to run is needed"), ExitCodes.Usage },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void The_exit_status_follows_the_kind_of_failure_whoever_reports_it(ErrnoException e, int exit)
    {
        Assert.Equal(exit, CliErrors.ExitCode(e));
        Assert.Matches(@"^ssi: verb: .+ \(E[A-Z]+\)$", CliErrors.Line("verb", e));
    }

    [Fact]
    public async Task A_command_body_s_failure_prints_the_line_and_returns_its_status()
    {
        var status = await SsiCommandLine.RunAsync("cluster", _ => throw ClientException.Denied("access denied: no"), CancellationToken.None);

        Assert.Equal(ExitCodes.PermissionDenied, status);
    }
}
