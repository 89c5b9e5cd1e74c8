// A checked path: absolute, split into names, with Unix limits (255-byte names, 4096-byte paths, no NUL; bytes as FileNameBytes counts them).
using System.Collections.Immutable;
using Ssi.Actors.Errors;

namespace Ssi.Cfs.Namespace;

public sealed record PathName(ImmutableArray<string> Components, bool TrailingSlash)
{
    public const int NameMax = 255;
    public const int PathMax = 4096;

    public static readonly PathName Root = new([], false);

    /// <summary>
    /// Parses an absolute path, or a relative one against <paramref name="cwd"/>. "." is dropped here, except as the
    /// last name, where calls differ on it (rmdir "dir/." is EINVAL, mkdir EEXIST); ".." stays, because only the walk
    /// can resolve it correctly once symlinks are involved.
    /// </summary>
    public static Outcome<PathName> Parse(string path, PathName? cwd = null)
    {
        if (path.Length == 0) return Outcome<PathName>.Fail(Errno.ENOENT, "empty path");
        if (path.Contains('\0')) return Outcome<PathName>.Fail(Errno.EINVAL, "path contains NUL");
        if (FileNameBytes.ByteCount(path) >= PathMax) return Outcome<PathName>.Fail(Errno.ENAMETOOLONG, "path too long");
        if (path[0] != '/' && cwd is null) return Outcome<PathName>.Fail(Errno.EINVAL, $"{path}: not an absolute path");
        var names = path[0] == '/' ? ImmutableArray.CreateBuilder<string>() : cwd!.Components.ToBuilder();
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var name = parts[i];
            if (FileNameBytes.ByteCount(name) > NameMax) return Outcome<PathName>.Fail(Errno.ENAMETOOLONG, $"name too long: {name[..16]}...");
            if (name != "." || i == parts.Length - 1) names.Add(name);
        }
        return new PathName(names.ToImmutable(), path.Length > 1 && path[^1] == '/');
    }

    /// <summary>A name fit to be created in a directory: not empty, ".", "..", nor holding '/' or NUL.</summary>
    public static Errno? CheckName(string name)
    {
        if (name.Length == 0 || name.Contains('/')) return Errno.EINVAL;
        if (name.Contains('\0')) return Errno.EINVAL;
        if (FileNameBytes.ByteCount(name) > NameMax) return Errno.ENAMETOOLONG;
        return null;
    }

    /// <summary>The directory part and the last name, for create, unlink and rename; null for "/".</summary>
    public (PathName Parent, string Name)? Split() =>
        Components.IsEmpty ? null : (new PathName(Components[..^1], false), Components[^1]);

    public override string ToString() => "/" + string.Join('/', Components);
}
