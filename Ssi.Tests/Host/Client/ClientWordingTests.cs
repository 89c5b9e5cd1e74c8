// How the typed clients word a failure reply, without a cluster: about which file or process, in whose words.
using Ssi.Actors.Errors;
using Ssi.Cfs.Service;
using Ssi.Host.Client;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Tests.Host.Client;

public sealed class ClientWordingTests
{
    [Theory]
    [InlineData(Errno.EACCES, "/private: Permission denied")]
    [InlineData(Errno.ENOENT, "/private: No such file or directory")]
    [InlineData(Errno.EEXIST, "/private: File exists")]
    public void A_file_failure_names_the_path_and_says_strerror_as_coreutils_do(Errno errno, string expected)
    {
        Assert.Equal(expected, FileClient.Wording("/private", errno, "the store's own words"));
    }

    [Theory]
    [InlineData(Errno.ETIMEDOUT)]
    [InlineData(Errno.EHOSTDOWN)]
    [InlineData(Errno.EIO)]
    public void A_failure_of_the_cluster_rather_than_the_file_keeps_the_cluster_s_words(Errno errno)
    {
        Assert.Equal("node 3 is not up", FileClient.Wording("/private", errno, "node 3 is not up"));
    }

    [Theory]
    [InlineData(Errno.ESRCH, "20017: No such process")]
    [InlineData(Errno.EPERM, "20017: Operation not permitted")]
    [InlineData(Errno.EINVAL, "20017: Invalid argument")]
    public void A_kill_that_fails_for_its_target_is_a_result_worded_pid_and_strerror(Errno errno, string expected)
    {
        var reply = Outcome<KillDone>.Fail(errno, "no process 20017");

        var worded = ProcessClient.AboutTarget(reply, 20017, strerror: true, Errno.ESRCH, Errno.EPERM, Errno.EINVAL);

        Assert.Equal(errno, worded.Error);
        Assert.Equal(expected, worded.Detail);
    }

    [Fact]
    public void A_migrate_refused_for_its_target_keeps_the_cluster_s_detail_after_the_pid()
    {
        var reply = Outcome<Migrated>.Fail(Errno.EINVAL, "init cannot move");

        var error = Assert.Throws<ClientException>(() =>
            ProcessClient.AboutTarget(reply, 1, strerror: false, Errno.ESRCH, Errno.EINVAL).OrThrow());

        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Equal("1: init cannot move", error.Message);
        Assert.Equal(FailureKind.Failed, error.Kind);
    }

    [Fact]
    public void A_failure_that_is_not_about_the_target_is_thrown_in_the_cluster_s_words()
    {
        var reply = Outcome<KillDone>.Fail(Errno.EIO, "the process layer did not answer");

        var error = Assert.Throws<ClientException>(() => ProcessClient.AboutTarget(reply, 20017, strerror: true, Errno.ESRCH));

        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Equal("the process layer did not answer", error.Message);
    }

    [Fact]
    public void A_run_on_a_node_that_is_down_says_nothing_was_started()
    {
        var reply = Outcome<ProgramStarted>.Fail(Errno.EHOSTDOWN, "node 9 is not up");

        var worded = ProcessClient.NotStarted(reply, 9);

        Assert.Equal("node 9: node 9 is not up; nothing was started", worded.Detail);
        Assert.True(ProcessClient.NotStarted(Outcome<ProgramStarted>.Fail(Errno.ENOENT, "no /bin/x"), 9) is { Detail: "no /bin/x" });
    }

    [Fact]
    public void A_failed_outcome_without_a_detail_is_thrown_with_strerror()
    {
        var error = Assert.Throws<ClientException>(() => Outcome<FsDone>.Fail(Errno.ENOTDIR).OrThrow());

        Assert.Equal("Not a directory", error.Message);
    }
}
