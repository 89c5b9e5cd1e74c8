// Which program an executable file of the root image names, and loading programs that users add as assemblies.
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Ssi.Actors.Errors;

namespace Ssi.Vproc.Programs;

/// <summary>
/// An executable of the root image is a text file (mode with x bits) whose first line is
/// <c>#!ssi-program NAME</c> for a built-in program, or <c>#!ssi-program TYPE @/path/to/assembly.dll</c> for a program
/// class in an assembly stored in the cluster file system. Such an assembly runs inside the nodes, so it must belong to
/// root and be writable by root only (as /bin is on Unix); it is loaded once per content into its own load context.
/// </summary>
public sealed class ProgramCatalog
{
    public const string Magic = "#!ssi-program ";

    private readonly ImmutableDictionary<string, Func<Program>> _builtins;
    private readonly ConcurrentDictionary<string, Assembly> _assemblies = new();

    public ProgramCatalog(ImmutableDictionary<string, Func<Program>> builtins) => _builtins = builtins;

    public IEnumerable<string> BuiltinNames => _builtins.Keys;

    /// <summary>The text of the executable file of a built-in program.</summary>
    public static byte[] BuiltinFile(string name) => Encoding.UTF8.GetBytes(Magic + name + "\n");

    /// <summary>What the first line of an executable names.</summary>
    public abstract record Reference;

    public sealed record Builtin(string Name) : Reference;

    public sealed record InAssembly(string TypeName, string AssemblyPath) : Reference;

    public static Outcome<Reference> Parse(byte[] content)
    {
        var text = Encoding.UTF8.GetString(content, 0, Math.Min(content.Length, 4096));
        if (!text.StartsWith(Magic, StringComparison.Ordinal))
            return Outcome<Reference>.Fail(Errno.ENOEXEC, "not an ssi program (no #!ssi-program line)");
        var line = text[Magic.Length..].Split('\n')[0].Trim();
        var at = line.IndexOf(" @", StringComparison.Ordinal);
        if (at < 0) return line.Length == 0 ? Outcome<Reference>.Fail(Errno.ENOEXEC, "empty #!ssi-program line") : new Builtin(line);
        var type = line[..at].Trim();
        var path = line[(at + 2)..].Trim();
        if (type.Length == 0 || !path.StartsWith('/')) return Outcome<Reference>.Fail(Errno.ENOEXEC, "#!ssi-program TYPE @/absolute/path.dll expected");
        return new InAssembly(type, path);
    }

    /// <summary>An assembly may widen the snapshot filter only to namespaces that are not the platform's or the runtime's.</summary>
    private static bool IsOwnNamespace(string ns) =>
        ns.Length > 0 && !new[] { "System", "Microsoft", "Akka", "Hyperion", "Internal" }.Any(reserved =>
            ns == reserved || ns.StartsWith(reserved + ".", StringComparison.Ordinal));

    public Outcome<Program> Create(Builtin builtin) =>
        _builtins.TryGetValue(builtin.Name, out var make) ? make() : Outcome<Program>.Fail(Errno.ENOEXEC, $"no built-in program '{builtin.Name}'");

    /// <summary>Creates the program class from an assembly's bytes; <paramref name="key"/> names that content (inode and version).</summary>
    public Outcome<Program> Create(InAssembly reference, string key, Func<byte[]> bytes)
    {
        Assembly assembly;
        try
        {
            assembly = _assemblies.GetOrAdd(key, _ =>
            {
                var loaded = new AssemblyLoadContext("ssi-program:" + key).LoadFromStream(new MemoryStream(bytes()));
                ProgramSnapshots.Allow(loaded.GetTypes().Select(t => t.Namespace ?? "").Distinct().Where(IsOwnNamespace));
                return loaded;
            });
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or ReflectionTypeLoadException)
        {
            return Outcome<Program>.Fail(Errno.ENOEXEC, $"{reference.AssemblyPath}: not a loadable assembly ({e.Message})");
        }
        var type = assembly.GetType(reference.TypeName, throwOnError: false);
        if (type is null || !typeof(Program).IsAssignableFrom(type) || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            return Outcome<Program>.Fail(Errno.ENOEXEC, $"{reference.AssemblyPath} has no program class {reference.TypeName} (a public Ssi.Vproc.Programs.Program with a parameterless constructor)");
        return (Program)Activator.CreateInstance(type)!;
    }
}
