// The program-form spike's world: a deterministic fake kernel, and a driver per form that steps, captures and restores.
using System.Text;
using Hyperion;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Serialization;
using Ssi.Vproc.Programs;

namespace Ssi.Tests.Vproc.Programs;

/// <summary>Answers system calls from in-memory files and records every call, its result and the output, in order.</summary>
internal sealed class SpikeKernel(Dictionary<string, byte[]> files)
{
    public const int Pid = 4242;

    private readonly Dictionary<int, (byte[] Data, int Offset)> _fds = [];

    public List<string> Trace { get; } = [];
    public bool Exited { get; private set; }

    public SysResult Do(SystemCall call)
    {
        var result = call switch
        {
            Open o when files.TryGetValue(o.Path, out var data) => OpenFile(data),
            Open => SysResult.Fail(Errno.ENOENT),
            Read r when _fds.TryGetValue(r.Fd.Value, out var f) => ReadFile(r.Fd.Value, f.Data, f.Offset, r.Count),
            Write w when w.Fd == Io.Stdout || w.Fd == Io.Stderr => SysResult.Ok(w.Data.Length),
            Close c when _fds.Remove(c.Fd.Value) => SysResult.Ok(0),
            GetPid => SysResult.Ok(Pid),
            Exit => SysResult.Ok(0),
            _ => SysResult.Fail(Errno.EBADF),
        };
        Exited |= call is Exit;
        Trace.Add($"{Describe(call)} -> {result.Value}{(result.Error is { } e ? " " + e : "")}{(result.Data.Length > 0 ? " \"" + Encoding.UTF8.GetString(result.Data) + "\"" : "")}");
        return result;
    }

    private SysResult OpenFile(byte[] data)
    {
        var fd = 3;
        while (_fds.ContainsKey(fd)) fd++;
        _fds[fd] = (data, 0);
        return SysResult.Ok(fd);
    }

    private SysResult ReadFile(int fd, byte[] data, int offset, int count)
    {
        var chunk = data.AsSpan(offset, Math.Min(count, data.Length - offset)).ToArray();
        _fds[fd] = (data, offset + chunk.Length);
        return SysResult.Ok(chunk.Length) with { Data = chunk };
    }

    private static string Describe(SystemCall call) => call switch
    {
        Write w => $"write({w.Fd}, \"{Encoding.UTF8.GetString(w.Data)}\")",
        _ => call.ToString(),
    };
}

/// <summary>A program of either form, running: one system call per step, and its state as bytes between two steps.</summary>
internal interface IRun
{
    /// <summary>Makes the next system call; false once the program has exited or ended.</summary>
    bool Step(SpikeKernel kernel);

    byte[] Capture();

    IRun Restore(byte[] snapshot);
}

/// <summary>The iterator form, stepped as ProcessEntity.Run steps it (frames on top are signal handlers).</summary>
internal sealed class IteratorRun(ProgramImage image) : IRun
{
    public ProgramImage Image => image;

    public bool Step(SpikeKernel kernel)
    {
        while (true)
        {
            var frame = image.Frames[^1];
            if (frame.Calls.MoveNext())
            {
                image.Context.Result = kernel.Do(frame.Calls.Current);
                return !kernel.Exited;
            }
            if (image.Frames.Count == 1)
            {
                kernel.Trace.Add("(end)");
                return false;
            }
            image.Frames.RemoveAt(image.Frames.Count - 1);
            image.Context.Signal = 0;
            image.Context.Result = frame.Interrupted ?? SysResult.Ok(0);
        }
    }

    /// <summary>Pushes a handler frame exactly as ProcessEntity.DeliverSignals does.</summary>
    public void Deliver(int signal)
    {
        var context = image.Context;
        image.Frames.Add(new Frame
        {
            Calls = image.Program.OnSignal(context, signal).GetEnumerator(),
            Signal = signal,
            SavedMask = 0,
            Interrupted = context.Result,
        });
        context.Signal = signal;
        context.Result = SysResult.Ok(0);
    }

    public byte[] Capture() => image.Capture();

    public IRun Restore(byte[] snapshot) => new IteratorRun(ProgramImage.Restore(snapshot));
}

/// <summary>An explicit state machine: its fields are the whole state; <see cref="Step"/> gets the last call's result.</summary>
internal interface IStateMachine
{
    /// <summary>The next system call, or null when the program has ended.</summary>
    SystemCall? Step(SysResult last);
}

/// <summary>What a state-machine process holds between two steps: the machine and the result it has not seen yet.</summary>
internal sealed class MachineImage
{
    public required IStateMachine Machine { get; init; }
    public SysResult Last { get; set; } = SysResult.Ok(0);
}

internal sealed class MachineRun(MachineImage image) : IRun
{
    public bool Step(SpikeKernel kernel)
    {
        if (image.Machine.Step(image.Last) is not { } call)
        {
            kernel.Trace.Add("(end)");
            return false;
        }
        image.Last = kernel.Do(call);
        return !kernel.Exited;
    }

    public byte[] Capture() => MachineSnapshots.Write(image);

    public IRun Restore(byte[] snapshot) => new MachineRun(MachineSnapshots.Read(snapshot));
}

/// <summary>
/// ProgramSnapshots' format for a state machine: its serializer is private and takes only a ProgramImage, so this is a
/// copy of its settings (references preserved, the same type filter) and of its header (assembly name and MVID).
/// </summary>
internal static class MachineSnapshots
{
    private static readonly Serializer Serializer = new(new SerializerOptions(
        versionTolerance: false, preserveObjectReferences: true, surrogates: null, serializerFactories: null,
        knownTypes: null, ignoreISerializable: true, packageNameOverrides: null, disallowUnsafeTypes: true,
        typeFilter: new SsiTypeFilter([.. SsiTypeFilter.OurNamespaces, ("Ssi.", "Ssi.Tests")], [.. SsiTypeFilter.PlainDataTypes, typeof(StringBuilder)], SsiTypeFilter.PlainDataGenerics)));

    public static byte[] Write(MachineImage image)
    {
        using var stream = new MemoryStream();
        var assembly = image.Machine.GetType().Assembly;
        using (var header = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            header.Write(assembly.FullName ?? "");
            header.Write(assembly.ManifestModule.ModuleVersionId.ToByteArray());
        }
        Serializer.Serialize(image, stream);
        return stream.ToArray();
    }

    public static MachineImage Read(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        using (var header = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true))
        {
            var name = header.ReadString();
            var build = new Guid(header.ReadBytes(16));
            if (!AppDomain.CurrentDomain.GetAssemblies().Any(a => a.FullName == name && a.ManifestModule.ModuleVersionId == build))
                throw new InvalidDataException($"the snapshot comes from a build of {name} that this node does not run");
        }
        return Serializer.Deserialize<MachineImage>(stream);
    }
}
