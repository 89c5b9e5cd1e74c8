// Attacks on program snapshots: program assemblies named like ours, namespaces borrowed from libraries, mixed and forged snapshots.
using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Serialization;
using Ssi.Actors.Errors;
using Ssi.Vproc.Programs;

namespace Ssi.Tests.Vproc.Programs;

/// <summary>A program of this test assembly that keeps whatever it is given across a yield.</summary>
public sealed class HoldsAnything : Program
{
    public object? Held;

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new GetPid();
    }
}

/// <summary>An iterator of this test assembly, to smuggle into another program's frames.</summary>
public sealed class ForeignCalls : IEnumerator<SystemCall>
{
    public SystemCall Current => new GetPid();
    object System.Collections.IEnumerator.Current => Current;
    public bool MoveNext() => false;
    public void Reset() { }
    public void Dispose() { }
}

public class ProgramSnapshotTrustTests
{
    private static readonly ProcessContext Context = new(["t"], ImmutableDictionary<string, string>.Empty);

    /// <summary>
    /// A program assembly as root would install it, built here with <see cref="PersistedAssemblyBuilder"/>: a program
    /// class NS.Prog, and an empty class NS.Marker in each namespace, so the assembly declares those namespaces.
    /// </summary>
    private static byte[] ProgramAssembly(string name, params string[] namespaces)
    {
        var builder = new PersistedAssemblyBuilder(new AssemblyName(name), typeof(object).Assembly);
        var module = builder.DefineDynamicModule(name);
        var program = module.DefineType(namespaces[0] + ".Prog", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class, typeof(Program));
        program.DefineDefaultConstructor(MethodAttributes.Public);
        var main = program.DefineMethod(nameof(Program.Main), MethodAttributes.Public | MethodAttributes.Virtual | MethodAttributes.HideBySig,
            typeof(IEnumerable<SystemCall>), [typeof(ProcessContext)]);
        var il = main.GetILGenerator();
        il.Emit(OpCodes.Call, typeof(Enumerable).GetMethod(nameof(Enumerable.Empty))!.MakeGenericMethod(typeof(SystemCall)));
        il.Emit(OpCodes.Ret);
        program.CreateType();
        foreach (var ns in namespaces)
            module.DefineType(ns + ".Marker", TypeAttributes.Public | TypeAttributes.Class).CreateType();
        using var stream = new MemoryStream();
        builder.Save(stream);
        return stream.ToArray();
    }

    private static Outcome<Program> Install(string name, params string[] namespaces)
    {
        var bytes = ProgramAssembly(name, namespaces);
        return Ssi.Vproc.Programs.Builtin.Builtins.Catalog().Create(new ProgramCatalog.InAssembly(namespaces[0] + ".Prog", $"/usr/lib/{name}.dll"),
            $"{name}:{Guid.NewGuid()}", () => bytes);
    }

    private static ProgramImage Image(Program program, params Frame[] frames) =>
        new() { Program = program, Context = Context, Frames = [.. frames] };

    [Theory]
    [InlineData("ssi")]
    [InlineData("Ssi.Vproc.Extra")]
    [InlineData("Ssi.Tests")]
    [InlineData("System.Diagnostics.Process")]
    [InlineData("System")]
    [InlineData("Microsoft.Extensions.Logging")]
    [InlineData("Akka.Remote")]
    [InlineData("Hyperion")]
    [InlineData("mscorlib")]
    [InlineData("netstandard")]
    public void Exec_refuses_a_program_assembly_named_like_one_of_ours_or_the_platforms(string name)
    {
        var outcome = Install(name, "Tools");
        Assert.Equal(Errno.ENOEXEC, outcome.Error);
        Assert.Contains($"may not be named {name}", outcome.Detail);
    }

    [Fact]
    public void A_program_from_an_installed_assembly_round_trips_with_its_own_types()
    {
        var program = Install("hello-tools", "Hello.Tools").Value;
        var restored = ProgramImage.Restore(Image(program).Capture());
        Assert.Equal(program.GetType(), restored.Program.GetType());
    }

    [Theory]
    [InlineData("Newtonsoft.Json")]
    [InlineData("System.Diagnostics")]
    public void A_program_assembly_declaring_a_library_namespace_does_not_let_that_library_into_snapshots(string ns)
    {
        Assert.True(Install("borrows-" + ns.ToLowerInvariant().Replace('.', '-'), "Borrower", ns).IsOk);
        object foreign = ns == "Newtonsoft.Json" ? new Newtonsoft.Json.Linq.JValue("x") : new System.Diagnostics.Stopwatch();

        var snapshot = Image(new HoldsAnything { Held = foreign }).Capture();

        var refused = Assert.ThrowsAny<SerializationException>(() => ProgramImage.Restore(snapshot));
        Assert.Contains(foreign.GetType().FullName!, refused.Message);
    }

    [Fact]
    public void A_snapshot_of_one_program_may_not_carry_the_types_of_another_programs_assembly()
    {
        // The header names the installed program's assembly, the frame is an iterator of this test assembly's.
        var program = Install("plain-tools", "Plain.Tools").Value;
        var snapshot = Image(program, new Frame { Calls = new ForeignCalls() }).Capture();

        var refused = Assert.ThrowsAny<SerializationException>(() => ProgramImage.Restore(snapshot));
        Assert.Contains(typeof(ForeignCalls).FullName!, refused.Message);
    }

    [Fact]
    public void A_snapshot_whose_header_names_the_core_library_is_refused()
    {
        // The header chooses whose types the body may hold; the core library's would include nearly everything.
        var body = Image(new HoldsAnything()).Capture();
        var headerLength = HeaderLength(body);
        using var forged = new MemoryStream();
        using (var writer = new BinaryWriter(forged, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(typeof(object).Assembly.FullName!);
            writer.Write(typeof(object).Assembly.ManifestModule.ModuleVersionId.ToByteArray());
        }
        forged.Write(body, headerLength, body.Length - headerLength);

        var refused = Assert.Throws<InvalidDataException>(() => ProgramImage.Restore(forged.ToArray()));
        Assert.Contains("holds no programs", refused.Message);
    }

    private static int HeaderLength(byte[] snapshot)
    {
        using var reader = new BinaryReader(new MemoryStream(snapshot));
        reader.ReadString();
        reader.ReadBytes(16);
        return (int)reader.BaseStream.Position;
    }
}
