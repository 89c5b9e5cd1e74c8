// The client's link to the cluster: a small non-member actor system that asks node gateways, with retries across contacts.
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Actors.Security;
using Ssi.Host.Node;

namespace Ssi.Host.Client;

/// <param name="TerminalLostAfterDisconnect">Once the connection to the terminal's node has dropped: how long without an answer means it is lost.</param>
public sealed record ClientSettings(TimeSpan RequestTimeout, TimeSpan GiveUpAfter, TimeSpan TerminalPingInterval, TimeSpan TerminalLostAfter,
    TimeSpan TerminalLostAfterDisconnect)
{
    public static ClientSettings Create(Config config) => new(
        config.GetTimeSpan("ssi.client.request-timeout"),
        config.GetTimeSpan("ssi.client.give-up-after"),
        config.GetTimeSpan("ssi.client.terminal-ping-interval"),
        config.GetTimeSpan("ssi.client.terminal-lost-after"),
        config.GetTimeSpan("ssi.client.terminal-lost-after-disconnect"));
}

/// <summary>
/// Talks to any node's client gateway (<see cref="ClientGateway"/>). The client never joins the cluster and can reach
/// nothing but gateways. It sticks to one contact while it answers; when a request goes unanswered it moves to the
/// next contact and sends an idempotent request again, so the death of its contact node costs one request timeout.
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly Func<Session> _connect;
    private readonly CredentialFile _credential;
    private readonly IReadOnlyList<string> _contacts;
    private Session _session;
    private int _contact;

    private ClusterConnection(Func<Session> connect, CredentialFile credential, IReadOnlyList<string> contacts, ClientSettings settings)
    {
        _connect = connect;
        _credential = credential;
        _contacts = contacts;
        Settings = settings;
        _contact = Random.Shared.Next(contacts.Count); // spread clients over the gateways
        _session = connect();
    }

    public ClientSettings Settings { get; }

    /// <summary>Whom requests act as unless root names another user: the credential's user.</summary>
    public Ssi.Cfs.Permissions.Credentials Identity => _credential.Identity;

    public string UserName => _credential.User;

    /// <summary>
    /// Configuration of the client's own actor system: remote only (it never joins), any free port, quiet, over the
    /// user's settings and the embedded defaults.
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
            # A node that is still booting refuses connections; retry it soon instead of gating it for 5 s.
            akka.remote.retry-gate-closed-for = 200 ms
            """)
            .WithFallback(user ?? Config.Empty)
            .WithFallback(NodeHost.Defaults);

    /// <param name="contacts">Gateway addresses ("akka.ssl.tcp://ssi-gateway@host:port") to try; any one suffices.</param>
    /// <param name="credential">Who the client is, and its TLS certificate.</param>
    /// <param name="tls">Whether the cluster uses TLS; its protocol must match the contacts' addresses.</param>
    /// <param name="user">The user's configuration (client timeouts); it cannot make the client a cluster member.</param>
    /// <param name="overrides">Settings above everything, for tests (for example logging).</param>
    public static ClusterConnection Open(IReadOnlyCollection<string> contacts, CredentialFile credential, TlsSettings tls, string hostname = "127.0.0.1", Config? user = null, Config? overrides = null)
    {
        if (contacts.Count == 0) throw new ArgumentException("at least one contact node is needed", nameof(contacts));
        var config = (overrides ?? Config.Empty).WithFallback(ClientConfig(hostname, user));
        return new ClusterConnection(() => Session.Start(config, tls, credential), credential, contacts.ToList(), ClientSettings.Create(config));
    }

    /// <summary>
    /// Sends one idempotent query (to the contact node, or through it to <paramref name="targetNode"/>) and returns the
    /// reply. Unanswered attempts are retried through the next contact until <see cref="ClientSettings.GiveUpAfter"/>;
    /// then it throws ETIMEDOUT. Access denied and typed failures are thrown as <see cref="ClientException"/>.
    /// </summary>
    /// <param name="idempotent">False for a change (mkdir, rename, ...): it is sent once, and a lost reply is reported
    /// as ETIMEDOUT with the outcome unknown, never sent again.</param>
    public async Task<T> RequestAsync<T>(IClientQuery query, int? targetNode = null, TimeSpan? giveUpAfter = null, CancellationToken ct = default, bool idempotent = true)
    {
        var outcome = await TryRequestAsync<T>(query, targetNode, giveUpAfter, ct, idempotent);
        return outcome.IsOk ? outcome.Value : throw new ClientException(outcome.Error!.Value, outcome.Detail ?? "");
    }

    /// <summary>
    /// As <see cref="RequestAsync{T}"/>, but the cluster's typed failure reply (<see cref="Failed"/>) comes back as a
    /// failed outcome, for the typed clients to word; no answer and refusals are still thrown.
    /// </summary>
    public async Task<Outcome<T>> TryRequestAsync<T>(IClientQuery query, int? targetNode = null, TimeSpan? giveUpAfter = null, CancellationToken ct = default, bool idempotent = true)
    {
        var deadline = DateTime.UtcNow + (giveUpAfter ?? Settings.GiveUpAfter);
        var sent = false;
        var request = new ClientRequest(_credential.Proof, targetNode, query);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new ClientException(Errno.ETIMEDOUT, targetNode is { } t
                    ? $"node {t} did not answer within {(giveUpAfter ?? Settings.GiveUpAfter).TotalSeconds:0.#} s"
                    : $"no node of the cluster answered within {(giveUpAfter ?? Settings.GiveUpAfter).TotalSeconds:0.#} s (are the nodes up, and is this credential from this cluster?)");
            if (sent && !idempotent)
                throw new ClientException(Errno.ETIMEDOUT, "no answer: the change may or may not have been made");
            var timeout = !idempotent ? left : left < Settings.RequestTimeout ? left : Settings.RequestTimeout;
            sent = true;
            var session = _session;
            var gateway = session.System.ActorSelection(_contacts[_contact] + ClientGateway.Path);
            var ask = gateway.Ask<object>(request, timeout, ct);
            var trouble = session.Trouble;
            if (await Task.WhenAny(ask, trouble.Task) == trouble.Task)
            {
                if (trouble.Task.Result is { } refusal)
                {
                    // A node that drops a handshake it can no longer finish (it was paused, or is stopping) disassociates
                    // just as one that refuses this client's certificate does: only a second one in a row is believed
                    // (found by `ssi chaos`). A node's certificate this client refused is final at once.
                    if (!refusal.StartsWith(RefusalWatcher.Prefix, StringComparison.Ordinal)) throw ClientException.Denied("access denied: " + refusal);
                    lock (_refusalsLock)
                    {
                        if (!ReferenceEquals(trouble, _lastRefusal))
                        {
                            _lastRefusal = trouble;
                            _refusals++;
                        }
                        if (_refusals >= 2) throw ClientException.Denied("access denied: " + refusal);
                        if (ReferenceEquals(session.Trouble, trouble)) session.Trouble = new(TaskCreationOptions.RunContinuationsAsynchronously);
                    }
                    NextContact();
                    continue;
                }
                _session = _connect(); // the transport stopped the client for a reason not ours: start it again
                NextContact();
                continue;
            }
            object reply;
            try
            {
                reply = await ask;
            }
            catch (AskTimeoutException)
            {
                NextContact();
                continue;
            }
            if (reply is not AccessDenied) lock (_refusalsLock) _refusals = 0;
            switch (reply)
            {
                case T answer: return Outcome<T>.Ok(answer);
                case AccessDenied denied: throw ClientException.Denied("access denied: " + denied.Detail);
                case Failed failed: return Outcome<T>.Fail(failed.Errno, failed.Detail);
                default: throw new ClientException(Errno.EIO, $"unexpected reply {reply.GetType().Name}");
            }
        }
    }

    /// <summary>The cluster as a node sees it (<paramref name="node"/>, or the contact node): its members and their states.</summary>
    public Task<ClusterStatus> StatusAsync(int? node = null, TimeSpan? giveUpAfter = null, CancellationToken ct = default) =>
        RequestAsync<ClusterStatus>(GetClusterStatus.Instance, node, giveUpAfter, ct);

    private void NextContact() => _contact = (_contact + 1) % _contacts.Count;

    /// <summary>Explicit disassociations in a row, each counted once however many requests saw it.</summary>
    private int _refusals;
    private object? _lastRefusal;
    private readonly object _refusalsLock = new();

    /// <summary>Moves on from the contact node, which is likely gone (the terminal it held was lost).</summary>
    public void LeaveContact() => NextContact();

    /// <summary>An actor in the client's own system that nodes can send to (the terminal of <c>ssi run</c> does).</summary>
    public IActorRef ActorOf(Props props, string name) => _session.System.ActorOf(props, name);

    /// <summary>
    /// Completes if the actor system that <see cref="ActorOf"/> makes actors in now stops on its own: Akka.Remote stops
    /// it when an outbound TLS handshake fails, as when the contact node is killed mid-handshake, and its actors die
    /// with it. Requests go on in a new system; an actor's owner must notice this instead of waiting for the actor.
    /// </summary>
    public Task ActorsLost
    {
        get
        {
            var session = _session;
            return session.System.WhenTerminated.ContinueWith(_ =>
            {
                if (session.Disposing) return Task.Delay(Timeout.Infinite); // our own shutdown: nothing was lost
                return Task.CompletedTask;
            }, TaskScheduler.Default).Unwrap();
        }
    }

    public async ValueTask DisposeAsync()
    {
        var session = _session;
        session.Disposing = true;
        await session.System.Terminate().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
    }

    /// <summary>
    /// One client actor system. <see cref="Trouble"/> completes with a refusal (a reason) when
    /// the cluster refused this client or the client refused a node's certificate, or with null when the transport
    /// stopped the system for another reason (a node killed in the middle of a TLS handshake).
    /// </summary>
    private sealed class Session
    {
        public required ActorSystem System { get; init; }
        /// <summary>Replaced by a new one once an explicit disassociation has been looked at and not believed.</summary>
        public TaskCompletionSource<string?> Trouble { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public volatile bool Disposing;

        public static Session Start(Config config, TlsSettings tlsSettings, CredentialFile credential)
        {
            ActorSystemSetup setup;
            ClusterTls? tls;
            try
            {
                (setup, tls) = tlsSettings.SystemSetup(config, credential.Tls);
            }
            catch (SecretUnavailableException e)
            {
                throw ClientException.Denied(e.Message);
            }
            var system = ActorSystem.Create("ssi-client", setup);
            var session = new Session { System = system };
            system.EventStream.Subscribe(system.ActorOf(Props.Create(() => new RefusalWatcher(session))), typeof(AssociationErrorEvent));
            system.WhenTerminated.ContinueWith(_ =>
            {
                if (session.Disposing) return;
                session.Trouble.TrySetResult(tls?.LastRefusal is { } why ? "a node's certificate is not from this cluster's CA: " + why : null);
            }, TaskScheduler.Default);
            return session;
        }
    }

    /// <summary>
    /// Notices a node refusing this client at the TLS handshake: the node then disassociates explicitly, where a dead
    /// node only refuses or drops the connection.
    /// </summary>
    private sealed class RefusalWatcher : ReceiveActor
    {
        public const string Prefix = "node ";

        public RefusalWatcher(Session session) =>
            Receive<AssociationErrorEvent>(e =>
            {
                for (var cause = e.Cause; cause is not null; cause = cause.InnerException)
                    if (cause.Message.Contains("explicitly disassociated", StringComparison.OrdinalIgnoreCase))
                        session.Trouble.TrySetResult($"{Prefix}{e.RemoteAddress} refused this client's TLS certificate");
            });
    }
}
