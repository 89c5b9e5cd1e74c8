// Tells a refused TLS handshake from a peer that died in the middle of one, by trying the handshake once more.
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Ssi.Actors.Security;

/// <summary>
/// After a failed outbound handshake, neither the failure's exception nor the reason Akka.Remote gives says for sure
/// whether the peer refused our certificate (it may close the connection without a TLS alert) or died. A second
/// handshake with the same identity does: a dead peer refuses the connection or never answers, a peer that refuses
/// us closes the connection again, and a live peer that accepts us waits for the Akka.Remote handshake.
/// </summary>
public static class HandshakeProbe
{
    public enum Verdict
    {
        /// <summary>The peer is gone or unresponsive: trying again later may work.</summary>
        PeerGone,
        /// <summary>The peer refused our certificate, or we refused its: trying again will not help.</summary>
        Refused,
        /// <summary>The peer accepted us this time: the failure was transient.</summary>
        Accepted,
    }

    public static async Task<Verdict> TryAsync(ClusterTls tls, string host, int port, TimeSpan timeout, TimeSpan refusalWait)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, cts.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return Verdict.PeerGone;
        }
        var refusedByUs = false;
        await using var ssl = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ClientCertificates = [tls.Identity],
                RemoteCertificateValidationCallback = (_, cert, _, _) => !(refusedByUs = !tls.Accepts(cert, out _)),
            }, cts.Token);
        }
        catch (OperationCanceledException)
        {
            return Verdict.PeerGone; // a peer that never finishes a handshake is no peer
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return refusedByUs || e is AuthenticationException ? Verdict.Refused : Verdict.PeerGone;
        }
        // A TLS 1.3 server checks our certificate after our side has finished: if it refuses, it closes at once.
        try
        {
            using var wait = new CancellationTokenSource(refusalWait);
            var read = await ssl.ReadAsync(new byte[1], wait.Token);
            return read == 0 ? Verdict.Refused : Verdict.Accepted;
        }
        catch (OperationCanceledException)
        {
            return Verdict.Accepted; // it waits for us to speak: it took our certificate
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return Verdict.Refused;
        }
    }
}
