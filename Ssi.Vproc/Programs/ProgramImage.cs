// A program's whole execution state between two system calls, and its copy for fork (and, later, migration).
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
/// copies) and a type filter: our own types, plain BCL data, and the types of program assemblies the catalog loaded.
/// Delegates are refused: a delegate in a snapshot is code to run.
/// </summary>
public static class ProgramSnapshots
{
    /// <summary>What a foreach over a collection keeps across a yield: the collection, an index, a version, the current item.</summary>
    private static readonly Type[] Enumerators =
    [
        typeof(List<>.Enumerator), typeof(HashSet<>.Enumerator), typeof(Dictionary<,>.Enumerator),
        typeof(Dictionary<,>.KeyCollection.Enumerator), typeof(Dictionary<,>.ValueCollection.Enumerator),
        typeof(System.Collections.Immutable.ImmutableArray<>.Enumerator),
    ];

    // Declared before _serializer: static fields are initialised in textual order, and Create reads these.
    private static readonly HashSet<string> Extra = [];

    private static volatile Serializer _serializer = Create([]);

    /// <summary>Lets the types of a loaded program assembly (its namespaces) into snapshots.</summary>
    public static void Allow(IEnumerable<string> namespacePrefixes) =>
        _serializer = Create(namespacePrefixes.Where(p => p.Length > 0).Select(p => p + "."));

    private static Serializer Create(IEnumerable<string> prefixes)
    {
        lock (Extra)
        {
            foreach (var p in prefixes) Extra.Add(p);
            var filter = new SsiTypeFilter(["Ssi.", .. Extra],
                [.. SsiTypeFilter.PlainDataTypes, typeof(System.Text.StringBuilder)],
                [.. SsiTypeFilter.PlainDataGenerics, .. Enumerators]);
            return new Serializer(new SerializerOptions(
                versionTolerance: false, preserveObjectReferences: true, surrogates: null, serializerFactories: null,
                knownTypes: null, ignoreISerializable: true, packageNameOverrides: null, disallowUnsafeTypes: true,
                typeFilter: new CompilerGeneratedNames(filter)));
        }
    }

    /// <summary>
    /// The state of an iterator lives in a class the compiler names <c>Cat+&lt;Main&gt;d__0</c> (closures:
    /// <c>+&lt;&gt;c__DisplayClass4_0</c>); the wire filter's name parser refuses '&lt;' and '&gt;'. They are no delimiters of
    /// the type-name grammar, so the name is judged with them replaced: still by its namespace, outer type and arguments.
    /// </summary>
    private sealed class CompilerGeneratedNames(ITypeFilter inner) : ITypeFilter
    {
        public bool IsAllowed(string typeName) => inner.IsAllowed(typeName.Replace('<', '_').Replace('>', '_'));
    }

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
        _serializer.Serialize(image, stream);
        return stream.ToArray();
    }

    public static ProgramImage Read(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        using (var header = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            var name = header.ReadString();
            var build = new Guid(header.ReadBytes(16));
            var loaded = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.FullName == name).ToList();
            if (!loaded.Any(a => a.ManifestModule.ModuleVersionId == build))
                throw new InvalidDataException($"the snapshot comes from a build of {name} that this node does not run");
        }
        return _serializer.Deserialize<ProgramImage>(stream);
    }
}
