// Messages between the CLI and a node's client gateway, and from the gateway to the node's member side.
using Ssi.Actors.Errors;
using Ssi.Actors.Membership;
using Ssi.Actors.Protocol;
using Ssi.Actors.Security;

namespace Ssi.Host.Node;

/// <summary>A query or command a client may ask of the cluster.</summary>
public interface IClientQuery : ISsiMessage;

/// <summary>
/// Every client request is wrapped in this envelope: the credential says who the client is (signed with the cluster
/// secret); <paramref name="TargetNode"/>, when set, asks the contact node to pass the request to that node.
/// </summary>
public sealed record ClientRequest(UserCredential? Credential, int? TargetNode, IClientQuery Query) : ISsiMessage;

/// <summary>Why a client gateway refused a request before looking at it.</summary>
public enum AccessRefusal
{
    /// <summary>The request carried no credential.</summary>
    NoCredential = 1,

    /// <summary>The credential is not signed with this cluster's secret (another cluster's, or edited after signing).</summary>
    NotIssuedByThisCluster = 2,
}

/// <summary>Refusal of a client whose credential this cluster did not sign: always EACCES, with the reason and a message for people.</summary>
public sealed record AccessDenied(AccessRefusal Reason, string Detail) : ISsiMessage
{
    public Errno Errno => Errno.EACCES;
}

/// <summary>
/// A client request that a gateway has authenticated and authorised, handed to the member side of its node and
/// passed between members only. Clients cannot send it: their connections reach the client gateway alone.
/// </summary>
public sealed record GatewayRequest(int? TargetNode, IClientQuery Query) : ISsiMessage;

/// <summary>From a relay to its client: the terminal device is gone (its node was lost) without ending the session.</summary>
public sealed record TerminalGone : ISsiMessage;

/// <summary>A node's view of the cluster, with the node that answered.</summary>
public sealed record GetClusterStatus : IClientQuery
{
    public static readonly GetClusterStatus Instance = new();
}

public sealed record ClusterStatus(NodeTableView View, int ProcessId, DateTimeOffset NodeStartedAt) : ISsiMessage;

/// <summary>A file-system call, served by the node's file-system service as the caller it names.</summary>
public sealed record FileSystemCall(Ssi.Cfs.Service.IFileSystemRequest Request) : IClientQuery;

/// <summary>A process request (run, kill, where, ps), served by the node's process service.</summary>
public sealed record ProcessCall(Ssi.Vproc.ProcessTable.IProcessClientRequest Request) : IClientQuery;

/// <summary>A benchmark's measurement, served by the node's bench service; root only (it moves anyone's processes).</summary>
public sealed record BenchCall(Bench.IBenchRequest Request) : IClientQuery;
