// The fake kernel's file system: open, read, write and the name-space calls on an in-memory tree, with Unix permissions.
using System.Text;
using Ssi.Actors.Errors;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Service;
using Ssi.Vproc.Programs;

namespace Ssi.Tests.Vproc.Programs;

public sealed partial class FakeKernel
{
    private SysResult Open(Process process, Open c)
    {
        var (inode, error) = Walk(c.Path);
        var writing = c.Flags.CanWrite();
        if (inode is null)
        {
            if (error != Errno.ENOENT || !c.Flags.HasFlag(OpenFlags.Create)) return SysResult.Fail(error!.Value);
            var (parent, name, parentError) = WalkParent(c.Path);
            if (parentError is { } pe) return SysResult.Fail(pe);
            if (!Allowed(parent!, 3)) return SysResult.Fail(Errno.EACCES);
            inode = Link(parent!, name, new Inode { Ino = _nextIno++, Type = InodeType.Regular, Mode = c.Mode & ~Umask & 0xFFF, Uid = Uid, Gid = Gid, Mtime = Epoch });
        }
        else
        {
            if (c.Flags.HasFlag(OpenFlags.Create) && c.Flags.HasFlag(OpenFlags.Exclusive)) return SysResult.Fail(Errno.EEXIST);
            if (inode.Type == InodeType.Directory && writing) return SysResult.Fail(Errno.EISDIR);
            if (c.Flags.HasFlag(OpenFlags.Directory) && inode.Type != InodeType.Directory) return SysResult.Fail(Errno.ENOTDIR);
            if ((c.Flags.CanRead() && !Allowed(inode, 4)) || (writing && !Allowed(inode, 2))) return SysResult.Fail(Errno.EACCES);
            if (writing && c.Flags.HasFlag(OpenFlags.Truncate)) inode.Data.Clear();
        }
        var fd = LowestFree(process);
        process.Fds[fd] = new OpenFile { Inode = inode, Flags = c.Flags.Kept() };
        return SysResult.Ok(fd);
    }

    private SysResult ReadFrom(OpenFile file, int count)
    {
        if (file.Inode is { } inode)
        {
            if (inode.Type == InodeType.Directory) return SysResult.Fail(Errno.EISDIR);
            var n = (int)Math.Clamp(inode.Data.Count - file.Position, 0, count);
            var data = inode.Data.GetRange((int)file.Position, n).ToArray();
            file.Position += n;
            return SysResult.Ok(n) with { Data = data };
        }
        var take = Math.Min(count, Stdin.Length - _stdinAt);
        if (StdinIsTerminal)
        {
            var newline = Array.IndexOf(Stdin, (byte)'\n', _stdinAt, take);
            if (newline >= 0) take = newline - _stdinAt + 1;
        }
        var bytes = Stdin[_stdinAt..(_stdinAt + take)];
        _stdinAt += take;
        return SysResult.Ok(take) with { Data = bytes };
    }

    private SysResult WriteTo(OpenFile file, byte[] data)
    {
        if (file.Inode is { } inode)
        {
            if (file.Flags.HasFlag(OpenFlags.Append)) file.Position = inode.Data.Count;
            while (inode.Data.Count < file.Position) inode.Data.Add(0);
            var overlap = (int)Math.Min(data.Length, inode.Data.Count - file.Position);
            for (var i = 0; i < overlap; i++) inode.Data[(int)file.Position + i] = data[i];
            inode.Data.AddRange(data[overlap..]);
            file.Position += data.Length;
            return SysResult.Ok(data.Length);
        }
        if (file.Stream == 1 && StdoutLimit is { } limit && _stdout.Count + data.Length > limit) return SysResult.Fail(Errno.EPIPE);
        (file.Stream == 1 ? _stdout : _stderr).AddRange(data);
        return SysResult.Ok(data.Length);
    }

    private SysResult ReadDirectory(string path)
    {
        var (dir, error) = Walk(path);
        if (error is { } e) return SysResult.Fail(e);
        if (dir!.Type != InodeType.Directory) return SysResult.Fail(Errno.ENOTDIR);
        if (!Allowed(dir, 4)) return SysResult.Fail(Errno.EACCES);
        // getdents promises no order: reverse byte order here, so that a program that must sort has to.
        return SysResult.Ok(dir.Children.Count) with
        {
            Entries = [.. dir.Children.OrderByDescending(x => x.Key, StringComparer.Ordinal).Select(x => new FsEntry(x.Key, x.Value.Ino, x.Value.Type))],
        };
    }

    private SysResult Make(string path, int mode)
    {
        var (parent, name, error) = WalkParent(path);
        if (error is { } e) return SysResult.Fail(e);
        if (parent!.Children.ContainsKey(name) || name is "." or "..") return SysResult.Fail(Errno.EEXIST);
        if (!Allowed(parent, 3)) return SysResult.Fail(Errno.EACCES);
        Link(parent, name, new Inode { Ino = _nextIno++, Type = InodeType.Directory, Mode = mode & ~Umask & 0xFFF, Uid = Uid, Gid = Gid, Mtime = Epoch });
        return SysResult.Ok(0);
    }

    private SysResult Remove(string path, bool directory)
    {
        var (parent, name, error) = WalkParent(path);
        if (error is { } e) return SysResult.Fail(e);
        if (directory && name == ".") return SysResult.Fail(Errno.EINVAL);
        if (!parent!.Children.TryGetValue(name, out var inode)) return SysResult.Fail(name == ".." ? Errno.ENOTEMPTY : Errno.ENOENT);
        if (directory && inode.Type != InodeType.Directory) return SysResult.Fail(Errno.ENOTDIR);
        if (!directory && inode.Type == InodeType.Directory) return SysResult.Fail(Errno.EISDIR);
        if (directory && inode.Children.Count > 0) return SysResult.Fail(Errno.ENOTEMPTY);
        if (!Allowed(parent, 3)) return SysResult.Fail(Errno.EACCES);
        parent.Children.Remove(name);
        return SysResult.Ok(0);
    }

    private SysResult Rename(string from, string to)
    {
        var (source, sourceName, error) = WalkParent(from);
        if (error is { } e) return SysResult.Fail(e);
        if (!source!.Children.TryGetValue(sourceName, out var moving)) return SysResult.Fail(Errno.ENOENT);
        var (targetDir, targetName, targetError) = WalkParent(to);
        if (targetError is { } te) return SysResult.Fail(te);
        var target = targetDir!;
        for (var up = target; ; up = up.Parent!)
        {
            if (up == moving) return SysResult.Fail(Errno.EINVAL); // into its own subtree
            if (up == _root) break;
        }
        if (target.Children.TryGetValue(targetName, out var replaced))
        {
            if (replaced == moving) return SysResult.Ok(0);
            if (moving.Type == InodeType.Directory && replaced.Type != InodeType.Directory) return SysResult.Fail(Errno.ENOTDIR);
            if (moving.Type != InodeType.Directory && replaced.Type == InodeType.Directory) return SysResult.Fail(Errno.EISDIR);
            if (replaced.Children.Count > 0) return SysResult.Fail(Errno.ENOTEMPTY);
        }
        if (!Allowed(source, 3) || !Allowed(target, 3)) return SysResult.Fail(Errno.EACCES);
        source.Children.Remove(sourceName);
        Link(target, targetName, moving);
        return SysResult.Ok(0);
    }

    // ---- paths and permissions ----

    private string Normalise(string path) => Ssi.Vproc.Programs.Builtin.PathText.Normalise(Cwd, path);

    /// <summary>The inode a path names, or the errno of the walk (ENOENT, ENOTDIR, EACCES).</summary>
    private (Inode? Inode, Errno? Error) Walk(string path)
    {
        if (path.Length == 0) return (null, Errno.ENOENT);
        var current = path.StartsWith('/') ? _root : Walk(Cwd).Inode!;
        foreach (var name in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current.Type != InodeType.Directory) return (null, Errno.ENOTDIR);
            if (!Allowed(current, 1)) return (null, Errno.EACCES);
            if (name == ".") continue;
            if (name == "..") current = current.Parent!;
            else if (current.Children.TryGetValue(name, out var next)) current = next;
            else return (null, Errno.ENOENT);
        }
        if (path.EndsWith('/') && current.Type != InodeType.Directory) return (null, Errno.ENOTDIR);
        return (current, null);
    }

    private (Inode? Parent, string Name, Errno? Error) WalkParent(string path)
    {
        var trimmed = path.TrimEnd('/');
        if (trimmed.Length == 0) return (null, "", path.Length == 0 ? Errno.ENOENT : Errno.EBUSY);
        var slash = trimmed.LastIndexOf('/');
        var (parent, error) = Walk(slash < 0 ? "." : slash == 0 ? "/" : trimmed[..slash]);
        if (error is { } e) return (null, "", e);
        if (parent!.Type != InodeType.Directory) return (null, "", Errno.ENOTDIR);
        return (parent, trimmed[(slash + 1)..], null);
    }

    /// <summary>The owner's, group's or others' bits (4 read, 2 write, 1 search), all for root but execute.</summary>
    private bool Allowed(Inode inode, int want)
    {
        if (Uid == 0) return (want & 1) == 0 || inode.Type == InodeType.Directory || (inode.Mode & 0x49) != 0;
        var bits = inode.Uid == Uid ? inode.Mode >> 6 : inode.Gid == Gid ? inode.Mode >> 3 : inode.Mode;
        return (bits & want) == want;
    }

    private static InodeAttributes Attributes(Inode i) => new(
        new InodeNumber(i.Ino), i.Type, i.Mode, i.Uid, i.Gid,
        i.Type == InodeType.Directory ? 2 + i.Children.Values.Count(c => c.Type == InodeType.Directory) : 1,
        i.Type == InodeType.Directory ? 4096 : i.Data.Count, i.Mtime, i.Mtime, i.Mtime);

    private InodeAttributes StreamAttributes(int stream)
    {
        var terminal = (stream == 0 && StdinIsTerminal) || (stream == 1 && StdoutIsTerminal);
        return new InodeAttributes(new InodeNumber(0), terminal ? InodeType.CharDevice : InodeType.Fifo, 0x180, Uid, Gid, 1, 0, Epoch, Epoch, Epoch);
    }
}
