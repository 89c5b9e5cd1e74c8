// The files grep reads: its operands, and with -r or -R the trees below them, walked through ReadDirectory and Stat.
using Ssi.Actors.Identity;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// The inputs of a grep run, one at a time, as GNU grep finds them: FILE operands in order ("-" is standard input;
/// none means "-", or "." unnamed with -r). Recursion goes depth first, names in byte order; below an operand only
/// directories and regular files count, and symbolic links only with -R (-r follows those named as operands).
/// --include, --exclude (last matching one wins) and --exclude-dir choose by base name, and an operand by any of
/// its suffixes after a '/'. Plain data, kept across system calls. Use it as
/// <code>
/// while (true)
/// {
///     foreach (var call in files.Next(p, silent)) yield return call;
///     if (files.Done) break;
///     ... open files.Path ...
/// }
/// </code>
/// </summary>
public sealed class GrepFiles
{
    private readonly List<Entry> _pending = []; // a stack: the next input is the last
    private readonly bool _recursive;
    private readonly bool _dereference;
    private readonly List<GivenOption> _filters;
    private readonly List<string> _excludedDirectories;

    public GrepFiles(Options o, IReadOnlyList<string> operands)
    {
        _recursive = o.Has('r') || o.Has('R');
        _dereference = o.Has('R');
        _filters = o.Given.Where(g => g.Name is "include" or "exclude").ToList();
        _excludedDirectories = o.Given.Where(g => g.Name == "exclude-dir").Select(g => g.Value!).ToList();
        if (operands.Count == 0) _pending.Add(new Entry(_recursive ? "" : "-", true, null, []));
        for (var i = operands.Count - 1; i >= 0; i--) _pending.Add(new Entry(operands[i], true, null, []));
    }

    /// <summary>The input to read now ("-" for standard input); a path relative to the working directory.</summary>
    public string Path { get; private set; } = "";

    /// <summary>Whether <see cref="Path"/> was an operand rather than found in a directory.</summary>
    public bool IsOperand { get; private set; }

    public bool Done { get; private set; }

    /// <summary>A file or directory could not be reached (it was reported unless silent): grep exits 2.</summary>
    public bool Failed { get; private set; }

    /// <summary>Finds the next input, reading directories on the way; sets <see cref="Done"/> after the last.</summary>
    public IEnumerable<SystemCall> Next(ProcessContext p, bool silent)
    {
        while (_pending.Count > 0)
        {
            var entry = _pending[^1];
            _pending.RemoveAt(_pending.Count - 1);
            var (type, ino) = (entry.Type, entry.Ino);
            if (_recursive && entry.Path != "-" && (type is null || (type == InodeType.Symlink && _dereference)))
            {
                yield return new Stat(Where(entry.Path), FollowLast: entry.Operand || _dereference);
                if (p.Failed)
                {
                    if (!silent) yield return Io.Report(p, entry.Path);
                    Failed = true;
                    continue;
                }
                (type, ino) = (p.Result.Stat!.Type, p.Result.Stat.Ino);
            }
            if (_recursive && type == InodeType.Directory)
            {
                if (entry.Path.Length > 0 && Matches(_excludedDirectories, entry)) continue;
                if (entry.Ancestors.Contains(ino))
                {
                    if (!silent) yield return Io.Complain(p, $"{entry.Path}: warning: recursive directory loop");
                    continue;
                }
                yield return new ReadDirectory(Where(entry.Path));
                if (p.Failed)
                {
                    if (!silent) yield return Io.Report(p, entry.Path);
                    Failed = true;
                    continue;
                }
                InodeNumber[] ancestors = [.. entry.Ancestors, ino];
                var children = p.Result.Entries.Where(e => e.Name is not ("." or "..")).OrderByDescending(e => e.Name, StringComparer.Ordinal);
                _pending.AddRange(children.Select(e => new Entry(entry.Path.Length == 0 ? e.Name : PathText.Join(entry.Path, e.Name), false, e.Type, ancestors, e.Ino)));
                continue;
            }
            if (!entry.Operand && type != InodeType.Regular) continue;
            if (entry.Path != "-" && !Included(entry)) continue;
            Path = entry.Path;
            IsOperand = entry.Operand;
            yield break;
        }
        Done = true;
    }

    private static string Where(string path) => path.Length == 0 ? "." : path;

    /// <summary>Whether --include and --exclude let the file through: the last that matches decides; with none, unless the first is --include.</summary>
    private bool Included(Entry entry)
    {
        bool? included = null;
        for (var i = 0; i < _filters.Count; i++)
            if (Matches([_filters[i].Value!], entry)) included = _filters[i].Name == "include";
        return included ?? (_filters.Count == 0 || _filters[0].Name != "include");
    }

    private static bool Matches(List<string> globs, Entry entry)
    {
        var name = PathText.BaseName(entry.Path);
        for (var i = 0; i < globs.Count; i++)
        {
            if (Glob.Matches(globs[i], name) || (entry.Operand && Glob.Matches(globs[i], entry.Path))) return true;
            for (var at = entry.Operand ? entry.Path.IndexOf('/') : -1; at >= 0; at = entry.Path.IndexOf('/', at + 1))
                if (Glob.Matches(globs[i], entry.Path[(at + 1)..])) return true;
        }
        return false;
    }

    /// <summary>A path still to visit; its type (and inode) when the directory listing told them, and the inodes of the directories above it.</summary>
    private sealed record Entry(string Path, bool Operand, InodeType? Type, InodeNumber[] Ancestors, InodeNumber Ino = default);
}
