// Whom a client request may act as: decided from the client's signed credential, never from the request.
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Actors.Security;
using Ssi.Cfs.Permissions;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Host.Node;

/// <summary>
/// The rules a client gateway applies after the credential's signature checked out (pure, tested without actors):
/// a request that names a caller must name exactly the credential's user; only root may name another (as sudo -u);
/// diagnostics that touch every process are root's.
/// </summary>
public static class CallerCheck
{
    /// <summary>Null if <paramref name="credential"/> may make <paramref name="query"/>, else the refusal.</summary>
    public static Failed? Refusal(UserCredential credential, IClientQuery query)
    {
        var (caller, rootOnly) = query switch
        {
            FileSystemCall call => (call.Request.Caller, false),
            ProcessCall { Request: AttachConsole } call => (call.Request.Caller, true), // the console is root's, as on Linux
            ProcessCall call => (call.Request.Caller, false),
            BenchCall => (null, true),
            _ => (null, false),
        };
        if (credential.IsRoot) return null;
        if (rootOnly)
            return new Failed(Errno.EPERM, $"only root may run {Describe(query)}; this credential is {credential.User}'s");
        if (caller is not null && !IsCredentialOf(caller, credential))
            return new Failed(Errno.EPERM, $"only root may act as another user (uid {caller.Uid}); this credential is {credential.User}'s (uid {credential.Uid})");
        return null;
    }

    /// <summary>The identity a credential gives: its uid, gid and supplementary groups.</summary>
    public static Credentials IdentityOf(UserCredential credential) => Credentials.Of(credential.Uid, credential.Gid, credential.Groups);

    private static bool IsCredentialOf(Credentials caller, UserCredential credential) =>
        caller.Uid == credential.Uid && caller.Gid == credential.Gid && caller.Groups.ToHashSet().SetEquals(credential.Groups);

    private static string Describe(IClientQuery query) => query switch
    {
        ProcessCall call => call.Request.GetType().Name,
        BenchCall call => call.Request.GetType().Name,
        _ => query.GetType().Name,
    };
}
