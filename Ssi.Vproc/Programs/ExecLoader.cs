// execve's lookup: the file's permissions, its #!ssi-program line and the program it names, or a #! script's interpreter.
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Service;

namespace Ssi.Vproc.Programs;

/// <summary>What execve runs: the program, and its argv (a script's interpreter gets the script's path among them).</summary>
public sealed record LoadedProgram(Program Program, string[] Args);

public static class ExecLoader
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(long Ino, long Mtime, long Ctime, long Size), byte[]> Heads = new();

    /// <summary>Largest program assembly read from the root image.</summary>
    public const int MaxAssembly = 64 << 20;

    /// <summary>
    /// Finds what execve(<paramref name="path"/>) runs as <paramref name="who"/>: the program and its argv. A script
    /// (<c>#!INTERPRETER [ARG]</c>) runs its interpreter, found through <paramref name="resolve"/> (relative to the working
    /// directory, as on Linux), with <see cref="ProgramCatalog.ScriptArgs"/>; an interpreter that is itself a script is
    /// ELOOP (one level only). <paramref name="given"/> is the path as the caller wrote it (the script's name in argv).
    /// </summary>
    public static async Task<Outcome<LoadedProgram>> LoadAsync(IActorRef fs, ProgramCatalog catalog, Credentials who, string path, string given,
        string[] args, Func<string, string> resolve, TimeSpan timeout)
    {
        var first = await LoadOneAsync(fs, catalog, who, path, timeout);
        if (!first.IsOk) return first.Propagate<LoadedProgram>();
        if (first.Value is Program program) return new LoadedProgram(program, args);
        var script = (ProgramCatalog.Script)first.Value;
        var interpreter = await LoadOneAsync(fs, catalog, who, resolve(script.Interpreter), timeout);
        if (!interpreter.IsOk) return interpreter.Propagate<LoadedProgram>();
        if (interpreter.Value is not Program run) return Outcome<LoadedProgram>.Fail(Errno.ELOOP, $"{script.Interpreter}: an interpreter that is a script");
        return new LoadedProgram(run, ProgramCatalog.ScriptArgs(script, given, args));
    }

    /// <summary>
    /// Finds the program at <paramref name="path"/> as <paramref name="who"/>: ENOENT if missing, EACCES unless it is a
    /// regular file the caller may execute, ENOEXEC unless it names a program or is a script. The answer is a Program,
    /// a <see cref="ProgramCatalog.Script"/>, or an Outcome failure.
    /// </summary>
    private static async Task<Outcome<object>> LoadOneAsync(IActorRef fs, ProgramCatalog catalog, Credentials who, string path, TimeSpan timeout)
    {
        var stat = await fs.Ask<object>(new FsStat(who, path), timeout);
        if (stat is Failed failed) return Outcome<object>.Fail(failed.Errno, path);
        var attributes = ((FsAttributes)stat).Attributes;
        if (attributes.Type != InodeType.Regular) return Outcome<object>.Fail(Errno.EACCES, path);
        if (Access.Check(attributes, who, AccessMode.Execute) is { } denied) return Outcome<object>.Fail(denied, path);
        // Linux needs only x on a binary; the program file is read as the system does, not as the caller. Its first
        // line is kept per version of the inode (any write changes mtime and ctime), so a busy program's inode owner
        // is not asked at every exec.
        var version = (attributes.Ino.Value, attributes.Mtime.UtcTicks, attributes.Ctime.UtcTicks, attributes.Size);
        if (!Heads.TryGetValue(version, out var content))
        {
            var head = await fs.Ask<object>(new FsRead(Credentials.Root, path, 0, 4096), timeout);
            if (head is Failed headFailed) return Outcome<object>.Fail(headFailed.Errno, path);
            content = ((FsData)head).Data;
            if (Heads.Count > 4096) Heads.Clear();
            Heads[version] = content;
        }
        var reference = ProgramCatalog.Parse(content);
        if (!reference.IsOk) return reference.Propagate<object>();
        switch (reference.Value)
        {
            case ProgramCatalog.Script script: return script;
            case ProgramCatalog.Builtin builtin: return Widen(catalog.Create(builtin));
            case ProgramCatalog.InAssembly inAssembly:
                var assembly = await LoadAssemblyAsync(fs, catalog, inAssembly.AssemblyPath, timeout);
                if (!assembly.IsOk) return assembly.Propagate<object>();
                return Widen(catalog.Create(inAssembly, assembly.Value.Key, () => assembly.Value.Bytes));
            default: return Outcome<object>.Fail(Errno.ENOEXEC, path);
        }
    }

    /// <summary>
    /// Reads the program assembly at <paramref name="path"/> (a file of root's that only root may write, at most
    /// <see cref="MaxAssembly"/>) and loads it into <paramref name="catalog"/>: its content's key and bytes.
    /// </summary>
    public static async Task<Outcome<(string Key, byte[] Bytes)>> LoadAssemblyAsync(IActorRef fs, ProgramCatalog catalog, string path, TimeSpan timeout)
    {
        var stat = await fs.Ask<object>(new FsStat(Credentials.Root, path), timeout);
        if (stat is Failed missing) return Outcome<(string, byte[])>.Fail(missing.Errno, path);
        var a = ((FsAttributes)stat).Attributes;
        if (a.Type != InodeType.Regular || a.Uid != 0 || (a.Mode & 0x12) != 0)
            return Outcome<(string, byte[])>.Fail(Errno.EACCES, $"{path}: a program assembly must be a file of root's that only root may write");
        if (a.Size > MaxAssembly) return Outcome<(string, byte[])>.Fail(Errno.E2BIG, path);
        var bytes = await ReadAllAsync(fs, path, a.Size, timeout);
        if (!bytes.IsOk) return bytes.Propagate<(string, byte[])>();
        var key = $"{a.Ino.Value}:{a.Mtime.UtcTicks}:{a.Size}";
        var loaded = catalog.Load(path, key, () => bytes.Value);
        if (!loaded.IsOk) return loaded.Propagate<(string, byte[])>();
        return (key, bytes.Value);
    }

    private static Outcome<object> Widen(Outcome<Program> program) => program.IsOk ? program.Value : program.Propagate<object>();

    private static async Task<Outcome<byte[]>> ReadAllAsync(IActorRef fs, string path, long size, TimeSpan timeout)
    {
        var all = new MemoryStream((int)size);
        while (all.Length < size)
        {
            var chunk = await fs.Ask<object>(new FsRead(Credentials.Root, path, all.Length, 1 << 20), timeout);
            if (chunk is Failed failed) return Outcome<byte[]>.Fail(failed.Errno, path);
            var data = ((FsData)chunk).Data;
            if (data.Length == 0) break;
            all.Write(data);
        }
        return all.ToArray();
    }
}
