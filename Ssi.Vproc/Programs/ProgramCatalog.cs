// Which program an executable file of the root image names, and loading programs that users add as assemblies.
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
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
    private readonly ConcurrentDictionary<Assembly, string> _paths = new();

    public ProgramCatalog(ImmutableDictionary<string, Func<Program>> builtins) => _builtins = builtins;

    public IEnumerable<string> BuiltinNames => _builtins.Keys;

    /// <summary>The text of the executable file of a built-in program.</summary>
    public static byte[] BuiltinFile(string name) => Encoding.UTF8.GetBytes(Magic + name + "\n");

    /// <summary>What the first line of an executable names.</summary>
    public abstract record Reference;

    public sealed record Builtin(string Name) : Reference;

    public sealed record InAssembly(string TypeName, string AssemblyPath) : Reference;

    /// <summary>A script: <c>#!INTERPRETER [ARGUMENT]</c>, run as Linux runs one (see <see cref="ScriptArgs"/>).</summary>
    public sealed record Script(string Interpreter, string? Argument) : Reference;

    /// <summary>The longest #! line Linux reads (BINPRM_BUF_SIZE); a longer one is not a script.</summary>
    public const int MaxScriptLine = 256;

    public static Outcome<Reference> Parse(byte[] content)
    {
        var text = Encoding.UTF8.GetString(content, 0, Math.Min(content.Length, 4096));
        if (text.StartsWith("#!", StringComparison.Ordinal) && !text.StartsWith(Magic, StringComparison.Ordinal)) return ParseScript(text);
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

    // "#!" then blanks, the interpreter up to a blank, and the rest of the line (trimmed) as one argument, as Linux reads it.
    private static Outcome<Reference> ParseScript(string text)
    {
        var end = text.IndexOf('\n');
        if (end < 0 ? text.Length > MaxScriptLine : end > MaxScriptLine) return Outcome<Reference>.Fail(Errno.ENOEXEC, "#! line too long");
        var line = (end < 0 ? text : text[..end])[2..].Trim(' ', '\t', '\r');
        var blank = line.IndexOfAny([' ', '\t']);
        var interpreter = blank < 0 ? line : line[..blank];
        if (interpreter.Length == 0 || interpreter == Magic.Trim()[2..]) return Outcome<Reference>.Fail(Errno.ENOEXEC, "empty #! line");
        var argument = blank < 0 ? null : line[(blank + 1)..].Trim(' ', '\t');
        return new Script(interpreter, string.IsNullOrEmpty(argument) ? null : argument);
    }

    /// <summary>
    /// argv for a script's interpreter, as Linux builds it: the interpreter as written, its argument if any, the
    /// script's path as execve was given it, then the script's arguments after argv[0].
    /// </summary>
    public static string[] ScriptArgs(Script script, string path, string[] args) =>
        [script.Interpreter, .. script.Argument is { } argument ? new[] { argument } : [], path, .. args.Skip(1)];

    /// <summary>
    /// Names a program assembly may not have: ours and the platform's. Type.GetType would resolve such a name to the
    /// real assembly, so a snapshot filter that trusts the program's types by name would trust the real one's too.
    /// </summary>
    public static bool IsReservedAssemblyName(string name) =>
        name.Equals("ssi", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Ssi.", StringComparison.OrdinalIgnoreCase)
        || name.Equals("mscorlib", StringComparison.OrdinalIgnoreCase)
        || name.Equals("netstandard", StringComparison.OrdinalIgnoreCase)
        || new[] { "System", "Microsoft", "Akka", "Hyperion" }.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Loads the assembly stored at <paramref name="path"/> whose content <paramref name="key"/> names (inode and
    /// version) into a load context of its own, once per content; a snapshot of one of its programs restores here after.
    /// </summary>
    public Outcome<Assembly> Load(string path, string key, Func<byte[]> bytes)
    {
        if (_assemblies.TryGetValue(key, out var known)) return known;
        try
        {
            var content = bytes();
            var name = AssemblyNameOf(content);
            if (IsReservedAssemblyName(name))
                return Outcome<Assembly>.Fail(Errno.ENOEXEC,
                    $"{path}: a program assembly may not be named {name}, the name of one of ssi's or the platform's own assemblies");
            var loaded = new AssemblyLoadContext("ssi-program:" + key).LoadFromStream(new MemoryStream(content));
            _ = loaded.GetTypes(); // a type that cannot load fails here, not in the middle of a snapshot
            var assembly = _assemblies.GetOrAdd(key, loaded);
            _paths.TryAdd(assembly, path);
            return assembly;
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or ReflectionTypeLoadException)
        {
            return Outcome<Assembly>.Fail(Errno.ENOEXEC, $"{path}: not a loadable assembly ({e.Message})");
        }
    }

    /// <summary>Where in the cluster's file system a program assembly loaded here came from; null for ssi's own.</summary>
    public string? AssemblyPathOf(Assembly assembly) => _paths.GetValueOrDefault(assembly);

    public Outcome<Program> Create(Builtin builtin) =>
        _builtins.TryGetValue(builtin.Name, out var make) ? make() : Outcome<Program>.Fail(Errno.ENOEXEC, $"no built-in program '{builtin.Name}'");

    /// <summary>Creates the program class from an assembly's bytes; <paramref name="key"/> names that content (inode and version).</summary>
    public Outcome<Program> Create(InAssembly reference, string key, Func<byte[]> bytes)
    {
        var loaded = Load(reference.AssemblyPath, key, bytes);
        if (!loaded.IsOk) return loaded.Propagate<Program>();
        var assembly = loaded.Value;
        var type = assembly.GetType(reference.TypeName, throwOnError: false);
        if (type is null || !typeof(Program).IsAssignableFrom(type) || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            return Outcome<Program>.Fail(Errno.ENOEXEC, $"{reference.AssemblyPath} has no program class {reference.TypeName} (a public Ssi.Vproc.Programs.Program with a parameterless constructor)");
        return (Program)Activator.CreateInstance(type)!;
    }

    // The name from the metadata, read before loading: loading first would already put a second "System.X" in the process.
    private static string AssemblyNameOf(byte[] content)
    {
        using var pe = new PEReader(new MemoryStream(content));
        if (!pe.HasMetadata)
            throw new BadImageFormatException("no metadata");
        var metadata = pe.GetMetadataReader();
        if (!metadata.IsAssembly)
            throw new BadImageFormatException("a module, not an assembly");
        return metadata.GetString(metadata.GetAssemblyDefinition().Name);
    }
}
