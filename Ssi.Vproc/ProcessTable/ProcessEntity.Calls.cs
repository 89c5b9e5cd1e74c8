// Carrying out the core's decision for each system call: its effects, and the reply it waits for (docs/processes.md).
using Ssi.Cfs.Pipes;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Service;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessTable;

public sealed partial class ProcessEntity
{
    /// <summary>What the core may know of this node now.</summary>
    private CallWorld World => new(_node.Node, DateTimeOffset.UtcNow, UpNodes, DeviceGone);

    /// <summary>A device on a node that is no longer a member (a local one never is).</summary>
    private bool DeviceGone(IActorRef device)
    {
        var address = device.Path.Address;
        if (address.HasLocalScope) return false;
        var state = Akka.Cluster.Cluster.Get(Context.System).State;
        return !state.Members.Any(m => m.Address.Equals(address) && m.Status is Akka.Cluster.MemberStatus.Up or Akka.Cluster.MemberStatus.Joining
            or Akka.Cluster.MemberStatus.WeaklyUp or Akka.Cluster.MemberStatus.Leaving);
    }

    private IEnumerable<NodeNumber> UpNodes()
    {
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        return cluster.State.Members
            .Where(m => m.Status == Akka.Cluster.MemberStatus.Up && !cluster.State.Unreachable.Contains(m))
            .Select(m => NodeNumber.TryFromRoles(m.Roles, out var n) ? n : (NodeNumber?)null)
            .OfType<NodeNumber>().Order();
    }

    /// <summary>
    /// Runs one system call: the result if it is known at once, or null with a call in flight when a reply
    /// must come first (or when the call ended the program, as exit and a successful exec do).
    /// </summary>
    private SysResult? Dispatch(SystemCall call) => Carry(call, SystemCallCore.Decide(_state, call, World));

    /// <summary>Takes the decision's state, performs its effects, and starts what the call waits for.</summary>
    private SysResult? Carry(SystemCall call, CallDecision decision)
    {
        _state = decision.State;
        foreach (var effect in decision.Effects) Perform(effect);
        switch (decision.Waiting)
        {
            case null: return decision.Result;
            case AskFor ask:
                Await(call, To(ask.To).Ask<object>(ask.Request, _node.Settings.CallTimeout), ask.Then);
                return null;
            case AskDevice ask:
                Await(call, ask.Device.Ask<object>(ask.Request, _node.Settings.CallTimeout), ask.Then);
                return null;
            case LoadProgram load:
                Await(call, ExecLoader.LoadAsync(_node.Fs, _node.Catalog, _state.Credentials, load.Path, load.Given ?? load.Path, load.Args, _state.Resolve,
                    _node.Settings.CallTimeout), new OnExecLoaded(load.Environment));
                return null;
            case CreateChild create: return StartFork(call, create);
            case Block:
                Call(new CallInput.Block(call));
                return null;
            case SleepFor sleep:
                Call(new CallInput.Sleep(call, sleep.Duration));
                return null;
            case ReadDevice read:
                Call(new CallInput.ReadDevice(read.Call, read.Device, null, read.Call.Timeout));
                return null;
            case OpenPipeEnd open:
                Call(new CallInput.OpenPipe(call, open.End, open.NonBlocking));
                return null;
            case WritePipe write:
                Call(new CallInput.WritePipe(write.Call, write.Pipe));
                return null;
            case MoveSelf move: return MigrateSelf(move.Node, move.Then, move.Result);
            case EndProcess end:
                Terminate(end.Status);
                return null;
            default: throw new InvalidOperationException($"unknown wait {decision.Waiting.GetType().Name}");
        }
    }

    private void Perform(Effect effect)
    {
        switch (effect)
        {
            case Send send: To(send.To).Tell(send.Message, ActorRefs.NoSender); break;
            case SendToDevice send: send.Device.Tell(send.Message, Self); break;
            case PublishInfo: Publish(); break;
            case StartImage start: _image = ProgramImage.Start(start.Program, new ProcessContext(start.Args, _state.Environment)); break;
            default: throw new InvalidOperationException($"unknown effect {effect.GetType().Name}");
        }
    }

    private IActorRef To(Destination destination) => destination switch
    {
        Destination.FileSystem => _node.Fs,
        Destination.Processes => Region,
        Destination.ProcessService => _node.Service,
        Destination.Fifos => Akka.Cluster.Sharding.ClusterSharding.Get(Context.System).ShardRegion(Fifos.FifoEntity.TypeName),
        _ => throw new ArgumentOutOfRangeException(nameof(destination)),
    };

    /// <summary>
    /// fork: the program is captured with 0 as fork's result (the child's), every shared description gains a
    /// reference, then the child's node creates it.
    /// </summary>
    private SysResult? StartFork(SystemCall fork, CreateChild create)
    {
        var context = _image!.Context;
        var resultBefore = context.Result;
        byte[] snapshot;
        try
        {
            context.Result = SysResult.Ok(0);
            snapshot = _image.Capture();
        }
        catch (Exception e)
        {
            _log.Info("process {0}: fork refused, the program's state is not plain data: {1}", _pid, e.Message);
            return SysResult.Fail(Errno.EINVAL);
        }
        finally
        {
            context.Result = resultBefore;
        }
        var (who, fs, service, timeout, system, parent) = (_state.Credentials, _node.Fs, _node.Service, _node.Settings.CallTimeout, Context.System, _pid);
        // A program from an assembly in the file system restores only where that assembly is loaded: if the child's
        // node has not loaded it yet, it is loaded there (as exec would) and the child is made again.
        var assembly = create.Node == _node.Node ? null : _node.Catalog.AssemblyPathOf(_image.Program.GetType().Assembly);
        // Pipes count their ends' references before the child exists: a close by the child must find its copy counted.
        async Task<object> Create(ImmutableArray<long> shared, ImmutableArray<PipeHandle> pipes)
        {
            foreach (var openFile in shared)
                if (await fs.Ask<object>(new FsRetainOpen(who, openFile), timeout) is Failed failed) return failed;
            foreach (var pipe in pipes) await pipe.Pipe.Ask<PipeRetained>(new PipeRetain(pipe.End, parent), timeout);
            var created = await ProcessService.CreateOnceAsync(system, service, create.Node, new CreateProcess(create.Template, snapshot, null, [], null) { Request = Guid.NewGuid() }, timeout, ForkUnknownFor, "the fork");
            if (created is Failed { Errno: Errno.ENOEXEC } && assembly is not null
                && await ProcessService.AskOn(system, service, create.Node, new LoadProgramAssembly(assembly), timeout) is ProgramAssemblyLoaded)
                created = await ProcessService.CreateOnceAsync(system, service, create.Node, new CreateProcess(create.Template, snapshot, null, [], null) { Request = Guid.NewGuid() }, timeout, ForkUnknownFor, "the fork");
            if (created is not ProcessCreated)
            {
                foreach (var openFile in shared) _ = fs.Ask<object>(new FsClose(who, openFile), timeout);
                foreach (var pipe in pipes) pipe.Pipe.Tell(new PipeRelease(pipe.End, parent));
            }
            return created;
        }
        Await(fork, Create(create.Shared, create.Pipes), new OnForked());
        return null;
    }

    /// <summary>How long a fork whose answer was lost keeps asking before it gives up (EAGAIN).</summary>
    private static readonly TimeSpan ForkUnknownFor = TimeSpan.FromMinutes(2);
}
