// namei: turns a path into an inode, checking search permission on every directory and following symlinks.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Storage;

namespace Ssi.Cfs.Namespace;

public sealed class PathWalker(IInodeStore store)
{
    /// <summary>Symlinks followed in one walk before it fails with ELOOP (Linux's limit).</summary>
    public const int MaxSymlinks = 40;

    /// <summary>
    /// The inode a path names. Every directory passed through needs search (x) permission (EACCES); a name that is
    /// not a directory in the middle gives ENOTDIR; ".." of the root is the root. The last symlink is followed unless
    /// <paramref name="followLast"/> is false (lstat, readlink, unlink); a trailing slash demands a directory.
    /// </summary>
    public Outcome<InodeAttributes> Resolve(PathName path, Credentials who, bool followLast = true)
    {
        var pending = new LinkedList<string>(path.Components);
        return Walk(pending, who, followLast || path.TrailingSlash, path.TrailingSlash);
    }

    /// <summary>The directory that would hold the path's last name, and that name (for create, unlink, rename).</summary>
    public Outcome<(InodeAttributes Directory, string Name)> ResolveParent(PathName path, Credentials who)
    {
        if (path.Split() is not var (parentPath, name))
            return Outcome<(InodeAttributes, string)>.Fail(Errno.EBUSY, "the root has no parent");
        var parent = Resolve(parentPath, who);
        if (!parent.IsOk) return parent.Propagate<(InodeAttributes, string)>();
        if (!parent.Value.IsDirectory) return Outcome<(InodeAttributes, string)>.Fail(Errno.ENOTDIR, parentPath.ToString());
        return (parent.Value, name);
    }

    private Outcome<InodeAttributes> Walk(LinkedList<string> pending, Credentials who, bool followLast, bool wantDirectory)
    {
        var current = store.Get(InodeNumber.Root);
        var links = 0;
        while (current.IsOk && pending.First is { } first)
        {
            var name = first.Value;
            pending.RemoveFirst();
            var dir = current.Value;
            if (!dir.IsDirectory) return Outcome<InodeAttributes>.Fail(Errno.ENOTDIR, name);
            if (Access.Check(dir, who, AccessMode.Execute) is { } denied) return Outcome<InodeAttributes>.Fail(denied, name);
            var next = store.Lookup(dir.Ino, name);
            if (!next.IsOk) return Outcome<InodeAttributes>.Fail(next.Error!.Value, name);
            var child = store.Get(next.Value);
            if (!child.IsOk) return child;
            var isLast = pending.Count == 0;
            if (child.Value.Type == InodeType.Symlink && (!isLast || followLast))
            {
                if (++links > MaxSymlinks) return Outcome<InodeAttributes>.Fail(Errno.ELOOP, name);
                var target = store.ReadLink(child.Value.Ino);
                if (!target.IsOk) return Outcome<InodeAttributes>.Fail(target.Error!.Value, name);
                // The target's names go in front of what is left; an absolute target starts again at the root.
                foreach (var part in target.Value.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
                    if (part != ".") pending.AddFirst(part);
                if (target.Value.StartsWith('/')) current = store.Get(InodeNumber.Root);
                continue;
            }
            current = child;
        }
        if (current.IsOk && wantDirectory && !current.Value.IsDirectory) return Outcome<InodeAttributes>.Fail(Errno.ENOTDIR, "trailing slash");
        return current;
    }
}
