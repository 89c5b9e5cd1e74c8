// A program's whole execution state between two system calls, and its copy for fork (and, later, migration).
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Hyperion;
using Ssi.Actors.Serialization;

namespace Ssi.Vproc.Programs;

/// <summary>One running iterator: the program's main one, or a signal handler's on top of it.</summary>
public sealed class Frame
{
    public required IEnumerator<SystemCall> Calls { get; init; }

    /// <summary>For a handler: the signal, the mask to restore and the result the interrupted frame gets back.</summary>
    public int Signal { get; init; }

    public ulong SavedMask { get; init; }
    public SysResult? Interrupted { get; init; }
}

/// <summary>
/// Owned by the process's entity. Plain data only (see <see cref="Program"/>), so a deep copy is a faithful fork and
/// the bytes of <see cref="Capture"/> can resume anywhere an identical build runs.
/// </summary>
public sealed class ProgramImage
{
    public required Program Program { get; init; }
    public required ProcessContext Context { get; init; }
    public required List<Frame> Frames { get; init; }

    public static ProgramImage Start(Program program, ProcessContext context) => new()
    {
        Program = program,
        Context = context,
        Frames = [new Frame { Calls = program.Main(context).GetEnumerator() }],
    };

    /// <summary>The snapshot: the program, its context and every frame, with shared references kept shared.</summary>
    public byte[] Capture() => ProgramSnapshots.Write(this);

    public static ProgramImage Restore(byte[] snapshot) => ProgramSnapshots.Read(snapshot);
}

/// <summary>
/// Hyperion with references preserved (without it a context shared by the program and its helpers splits into
/// copies) and a type filter per program assembly: the types that assembly defines, our own types from our own
/// assemblies, and the plain BCL data a program keeps. A snapshot of one program is read with that program's filter
/// only, never with what other programs brought in. Delegates are refused: a delegate in a snapshot is code to run.
/// </summary>
public static class ProgramSnapshots
{
    /// <summary>
    /// Collections a program may keep, with the enumerators a foreach keeps in the iterator's fields (the compiler
    /// hoists them there before the loop even starts).
    /// </summary>
    private static readonly Type[] LoopState =
    [
        typeof(List<>.Enumerator), typeof(Dictionary<,>.Enumerator), typeof(Dictionary<,>.KeyCollection),
        typeof(Dictionary<,>.ValueCollection), typeof(Dictionary<,>.KeyCollection.Enumerator),
        typeof(Dictionary<,>.ValueCollection.Enumerator), typeof(HashSet<>.Enumerator),
        typeof(Queue<>), typeof(Queue<>.Enumerator), typeof(Stack<>), typeof(Stack<>.Enumerator),
        typeof(SortedDictionary<,>), typeof(SortedSet<>), typeof(System.Collections.Immutable.ImmutableArray<>.Enumerator),
    ];

    // One serializer per program assembly: Hyperion caches the names it accepted per serializer, so sharing one would
    // let a name accepted for program A through when reading program B.
    private static readonly ConditionalWeakTable<Assembly, Serializer> Serializers = new();

    /// <summary>The filter for snapshots of the programs in <paramref name="program"/>; public for tests.</summary>
    public static SsiTypeFilter FilterFor(Assembly program)
    {
        // Its own types by exact name and assembly: a namespace it declares (System.Diagnostics, Newtonsoft.Json...)
        // lets in nothing of anyone else's. Its delegate types stay out like every other delegate.
        var own = program.GetTypes().Where(t => !typeof(Delegate).IsAssignableFrom(t)).ToList();
        return new SsiTypeFilter(SsiTypeFilter.OurNamespaces,
            [.. SsiTypeFilter.PlainDataTypes, typeof(System.Text.StringBuilder), .. own.Where(t => !t.IsGenericTypeDefinition)],
            [.. SsiTypeFilter.PlainDataGenerics, .. LoopState, .. own.Where(t => t.IsGenericTypeDefinition)]);
    }

    private static Serializer SerializerFor(Assembly program) =>
        Serializers.GetValue(program, a => new Serializer(new SerializerOptions(
            versionTolerance: false, preserveObjectReferences: true, surrogates: null, serializerFactories: null,
            knownTypes: null, ignoreISerializable: true, packageNameOverrides: null, disallowUnsafeTypes: true,
            typeFilter: FilterFor(a))));

    /// <summary>
    /// A snapshot starts with the program assembly's name and MVID: compiler-generated iterator names and field order
    /// are valid only in an identical build, and a mismatch resumes wrongly without any error, so it is refused first.
    /// </summary>
    public static byte[] Write(ProgramImage image)
    {
        using var stream = new MemoryStream();
        var assembly = image.Program.GetType().Assembly;
        using (var header = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            header.Write(assembly.FullName ?? "");
            header.Write(assembly.ManifestModule.ModuleVersionId.ToByteArray());
        }
        SerializerFor(assembly).Serialize(image, stream);
        return stream.ToArray();
    }

    public static ProgramImage Read(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        Assembly assembly;
        using (var header = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            var name = header.ReadString();
            var build = new Guid(header.ReadBytes(16));
            assembly = AssemblyLoadContext.All.SelectMany(c => c.Assemblies)
                .FirstOrDefault(a => a.FullName == name && a.ManifestModule.ModuleVersionId == build)
                ?? ShippedWithNode(name, build)
                ?? throw new InvalidDataException($"the snapshot comes from a build of {name} that this node does not run");
        }
        // The header picks the filter, so it must name an assembly of programs: naming the core library would let
        // all of its types in.
        if (!HoldsPrograms(assembly))
            throw new InvalidDataException($"the snapshot names {assembly.FullName}, which holds no programs");
        // A program assembly from the root image lives in a load context of its own: resolve its type names there.
        using (AssemblyLoadContext.EnterContextualReflection(assembly))
            return SerializerFor(assembly).Deserialize<ProgramImage>(stream);
    }

    /// <summary>
    /// A program assembly that ships with the node (beside its own binaries) but that nothing on this node has used yet
    /// is not loaded; the default context loads it from the node's own directory only, never from the snapshot.
    /// </summary>
    private static Assembly? ShippedWithNode(string name, Guid build)
    {
        try
        {
            var loaded = AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(name));
            return loaded.ManifestModule.ModuleVersionId == build ? loaded : null;
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException or ArgumentException)
        {
            return null;
        }
    }

    private static readonly ConditionalWeakTable<Assembly, object> ProgramAssemblies = new();

    private static bool HoldsPrograms(Assembly assembly) =>
        (bool)ProgramAssemblies.GetValue(assembly, a => a.GetTypes().Any(t => typeof(Program).IsAssignableFrom(t) && !t.IsAbstract));
}
