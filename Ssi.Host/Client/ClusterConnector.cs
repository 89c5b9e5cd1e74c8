// The one place a client connects: which credential it shows, which nodes it contacts, and with what settings.
using Akka.Configuration;
using Ssi.Actors.Configuration;
using Ssi.Actors.Errors;
using Ssi.Host.Node;

namespace Ssi.Host.Client;

/// <summary>The client gateways of a cluster that runs from this $SSI_HOME (its launcher's record), on their host.</summary>
public sealed record LocalGateways(string Hostname, IReadOnlyList<string> Live);

public static class ClusterConnector
{
    /// <summary>
    /// A client with the credential of $SSI_CREDENTIAL (root's of this $SSI_HOME by default). Its contacts are the live
    /// nodes of the cluster of this $SSI_HOME (<paramref name="local"/>), or, where none of them runs (another machine,
    /// or nodes started by hand with `ssi node`), those written in the credential of $SSI_CREDENTIAL.
    /// </summary>
    public static ClusterConnection Connect(SsiHome home, Config config, LocalGateways? local)
    {
        List<string> contacts;
        CredentialFile credential;
        if (local is { Live.Count: > 0 } || Environment.GetEnvironmentVariable(CredentialFile.EnvironmentVariable) is not { Length: > 0 })
        {
            // A cluster of this $SSI_HOME: its live nodes, whatever the credential names.
            contacts = local?.Live.ToList() ?? [];
            if (contacts.Count == 0) throw new ClientException(Errno.ECONNREFUSED, NoCluster(home));
            credential = CredentialFile.Load(CredentialFile.PathFor(home));
        }
        else
        {
            credential = CredentialFile.Load(CredentialFile.PathFor(home));
            contacts = credential.Contacts;
            if (contacts.Count == 0) throw new ClientException(Errno.ECONNREFUSED, "the credential names no node to contact, and no cluster runs in " + home.Root);
        }
        // The address this client listens on for replies: the cluster's host, or the configured hostname, as nodes do.
        var hostname = local is { Live.Count: > 0 } ? local.Hostname : ClusterSettings.Create(config).Hostname;
        return ClusterConnection.Open(contacts, credential, TlsSettings.Create(config, home), hostname, config);
    }

    /// <summary>What is said when no node of this $SSI_HOME runs (ECONNREFUSED).</summary>
    public static string NoCluster(SsiHome home) => $"no cluster is running in {home.Root}; start one with 'ssi start'";
}
