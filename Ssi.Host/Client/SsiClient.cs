// A connection to the cluster and whom it acts as: the typed clients every command and benchmark calls.
using Akka.Actor;
using Ssi.Cfs.Permissions;
using Ssi.Host.Node;

namespace Ssi.Host.Client;

/// <summary>
/// What a command holds while it works: one <see cref="ClusterConnection"/> (opened by <see cref="ClusterConnector"/>),
/// the caller its requests act as, and the typed <see cref="ProcessClient"/> and <see cref="FileClient"/> over them.
/// No command builds a request itself.
/// </summary>
public sealed class SsiClient(ClusterConnection connection, Credentials caller) : IAsyncDisposable
{
    /// <summary>A client acting as the credential's own user.</summary>
    public SsiClient(ClusterConnection connection) : this(connection, connection.Identity)
    {
    }

    public Credentials Caller => caller;

    /// <summary>The credential's user name (what --user defaults to).</summary>
    public string UserName => connection.UserName;

    public ProcessClient Processes => new(connection, caller);

    /// <summary>The file system through <paramref name="through"/> (null: the contact node).</summary>
    public FileClient Files(int? through = null, TimeSpan? giveUpAfter = null) => new(connection, caller, through, giveUpAfter);

    /// <summary>The cluster's members and their states, as <paramref name="node"/> (or the contact node) sees them.</summary>
    public Task<ClusterStatus> StatusAsync(int? node = null, TimeSpan? giveUpAfter = null, CancellationToken ct = default) =>
        connection.StatusAsync(node, giveUpAfter, ct);

    /// <summary>An actor in the client's own system that nodes can send to (a program's terminal).</summary>
    public IActorRef ActorOf(Props props, string name) => connection.ActorOf(props, name);

    /// <inheritdoc cref="ClusterConnection.LeaveContact"/>
    public void LeaveContact() => connection.LeaveContact();

    /// <inheritdoc cref="ClusterConnection.ActorsLost"/>
    public Task ActorsLost => connection.ActorsLost;

    public ClientSettings Settings => connection.Settings;

    /// <summary>
    /// Opens a client acting as <paramref name="user"/> (null: the credential's user), looked up through
    /// <paramref name="through"/>; the connection is closed again if that fails.
    /// </summary>
    public static async Task<SsiClient> ActingAsAsync(ClusterConnection connection, string? user, int? through, CancellationToken ct)
    {
        try
        {
            return new SsiClient(connection, await Callers.ResolveAsync(connection, user, through, ct));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
