// Messages between the CLI (a ClusterClient) and a node's gateway.
using Ssi.Actors.Membership;
using Ssi.Actors.Protocol;

namespace Ssi.Host.Node;

/// <summary>A query or command a client may ask of the cluster.</summary>
public interface IClientQuery : ISsiMessage;

/// <summary>
/// Every client request is wrapped in this envelope: the token proves the client holds the cluster secret;
/// <paramref name="TargetNode"/>, when set, asks the contact node to pass the request to that node.
/// </summary>
public sealed record ClientRequest(byte[] Token, int? TargetNode, IClientQuery Query) : ISsiMessage;

/// <summary>Refusal of a client that does not hold the cluster secret.</summary>
public sealed record AccessDenied(string Reason) : ISsiMessage;

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
