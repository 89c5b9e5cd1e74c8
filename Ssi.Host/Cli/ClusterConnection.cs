// The CLI's link to the cluster: a ClusterClient in a small non-member actor system, with retries across contacts.
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote;
using Ssi.Actors.Configuration;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Actors.Security;
using Ssi.Host.Node;

namespace Ssi.Host.Cli;

public sealed record ClientSettings(TimeSpan RequestTimeout, TimeSpan GiveUpAfter)
{
    public static ClientSettings Create(Config config) => new(
        config.GetTimeSpan("ssi.client.request-timeout", TimeSpan.FromSeconds(3)),
        config.GetTimeSpan("ssi.client.give-up-after", TimeSpan.FromSeconds(15)));
}

/// <summary>
/// Talks to any node through the ClusterClient receptionist. The client never joins the cluster; when its contact
/// node dies, the ClusterClient moves to another contact and unanswered requests are sent again.
/// Only idempotent queries go through <see cref="RequestAsync"/>, so a retry can never do a thing twice.
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly IActorRef _client;
    private readonly byte[] _token;

    private readonly TaskCompletionSource<string> _refused;
    private volatile bool _disposing;

    private ClusterConnection(ActorSystem system, IActorRef client, byte[] token, ClientSettings settings, TaskCompletionSource<string> refused)
    {
        _system = system;
        _client = client;
        _token = token;
        Settings = settings;
        _refused = refused;
    }

    public ClientSettings Settings { get; }

    /// <summary>
    /// Configuration of the client's own actor system: remote only (it never joins), any free port, quiet, over the
    /// user's settings and the embedded defaults. PubSub's defaults bind the serializer of the envelope ClusterClient sends.
    /// </summary>
    public static Config ClientConfig(string hostname, Config? user = null) =>
        ConfigurationFactory.ParseString($"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp.hostname = "{hostname}"
            akka.remote.dot-netty.tcp.port = 0
            akka.loglevel = OFF
            akka.stdout-loglevel = OFF
            akka.log-dead-letters = off
            akka.remote.log-remote-lifecycle-events = off
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """)
            .WithFallback(user ?? Config.Empty)
            .WithFallback(SsiConfig.FromAssembly(typeof(ClusterConnection).Assembly))
            .WithFallback(SsiConfig.Reference)
            .WithFallback(ClusterClientReceptionist.DefaultConfig())
            .WithFallback(DistributedPubSub.DefaultConfig());

    /// <param name="contacts">Addresses ("akka.tcp://ssi@host:port") of nodes to try first; any one suffices.</param>
    /// <param name="user">The user's configuration (client timeouts); it cannot make the client a cluster member.</param>
    /// <param name="overrides">Settings above everything, for tests (for example logging).</param>
    /// <param name="tls">The client's TLS identity; its protocol must match the contacts' addresses.</param>
    public static ClusterConnection Open(IReadOnlyCollection<string> contacts, byte[] token, TlsSettings tls, string hostname = "127.0.0.1", Config? user = null, Config? overrides = null)
    {
        if (contacts.Count == 0) throw new ArgumentException("at least one contact node is needed", nameof(contacts));
        var config = (overrides ?? Config.Empty).WithFallback(ClientConfig(hostname, user));
        ActorSystemSetup setup;
        try
        {
            setup = tls.SystemSetup(config, TlsRole.Client);
        }
        catch (SecretUnavailableException e)
        {
            throw new CliException(Errno.EACCES, e.Message, ExitCodes.PermissionDenied);
        }
        var system = ActorSystem.Create("ssi-client", setup);
        var refused = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        system.EventStream.Subscribe(system.ActorOf(Props.Create(() => new RefusalWatcher(refused))), typeof(AssociationErrorEvent));
        var paths = contacts.Select(c => ActorPath.Parse(c + "/system/receptionist")).ToImmutableHashSet();
        var client = system.ActorOf(ClusterClient.Props(ClusterClientSettings.Create(system).WithInitialContacts(paths)), "cluster-client");
        var connection = new ClusterConnection(system, client, token, ClientSettings.Create(config), refused);
        // The transport stops the whole client when a node's certificate is not from this cluster's CA.
        system.WhenTerminated.ContinueWith(_ => { if (!connection._disposing) refused.TrySetResult("a node presented a certificate this cluster's CA did not sign"); }, TaskScheduler.Default);
        return connection;
    }

    /// <summary>
    /// Sends one idempotent query (to the contact node, or through it to <paramref name="targetNode"/>) and returns the
    /// reply. Unanswered attempts are retried until <see cref="ClientSettings.GiveUpAfter"/>; then it throws ETIMEDOUT.
    /// Access denied and typed failures are thrown as <see cref="CliException"/>.
    /// </summary>
    public async Task<T> RequestAsync<T>(IClientQuery query, int? targetNode = null, TimeSpan? giveUpAfter = null, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + (giveUpAfter ?? Settings.GiveUpAfter);
        var request = new ClientRequest(_token, targetNode, query);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new CliException(Errno.ETIMEDOUT, targetNode is { } t
                    ? $"node {t} did not answer within {(giveUpAfter ?? Settings.GiveUpAfter).TotalSeconds:0.#} s"
                    : $"no node of the cluster answered within {(giveUpAfter ?? Settings.GiveUpAfter).TotalSeconds:0.#} s (are the nodes up, and is this client's TLS certificate from this cluster?)");
            var timeout = left < Settings.RequestTimeout ? left : Settings.RequestTimeout;
            object reply;
            var ask = _client.Ask<object>(new ClusterClient.Send(ClientGateway.Path, request, localAffinity: true), timeout, ct);
            if (await Task.WhenAny(ask, _refused.Task) == _refused.Task)
                throw new CliException(Errno.EACCES, "access denied: " + _refused.Task.Result, ExitCodes.PermissionDenied);
            try
            {
                reply = await ask;
            }
            catch (AskTimeoutException)
            {
                continue;
            }
            switch (reply)
            {
                case T answer: return answer;
                case AccessDenied denied: throw new CliException(Errno.EACCES, "access denied: " + denied.Reason, ExitCodes.PermissionDenied);
                case Failed failed: throw new CliException(failed.Errno, failed.Detail);
                default: throw new CliException(Errno.EIO, $"unexpected reply {reply.GetType().Name}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposing = true;
        await _system.Terminate().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
    }

    /// <summary>
    /// Notices a node refusing this client at the TLS handshake: the node then disassociates explicitly, where a dead
    /// node only refuses or drops the connection.
    /// </summary>
    private sealed class RefusalWatcher : ReceiveActor
    {
        public RefusalWatcher(TaskCompletionSource<string> refused) =>
            Receive<AssociationErrorEvent>(e =>
            {
                for (var cause = e.Cause; cause is not null; cause = cause.InnerException)
                    if (cause.Message.Contains("explicitly disassociated", StringComparison.OrdinalIgnoreCase))
                        refused.TrySetResult($"node {e.RemoteAddress} refused this client's TLS certificate");
            });
    }
}
