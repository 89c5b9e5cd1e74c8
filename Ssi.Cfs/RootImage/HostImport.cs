// `ssi mkroot --from DIR`: copies a host directory tree into the cluster's root, keeping modes, owners, symlinks and device numbers.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Storage;

namespace Ssi.Cfs.RootImage;

public sealed record ImportReport(int Directories, int Files, int Symlinks, long Bytes, IReadOnlyList<string> Skipped);

public static class HostImport
{
    private const int Block = 1024 * 1024;

    /// <summary>
    /// Imports everything below <paramref name="source"/> into the root. Regular files, directories and symlinks are
    /// copied with their mode bits and numeric owners, FIFOs become cluster FIFOs, and character and block devices
    /// become device nodes with the same numbers (st_rdev); sockets are skipped and reported.
    /// Existing entries of the same type are reused (directories) or replaced (files and links).
    /// </summary>
    public static Outcome<ImportReport> Import(IInodeStore store, string source, Action<string>? progress = null)
    {
        if (!Directory.Exists(source)) return Outcome<ImportReport>.Fail(Errno.ENOENT, source);
        var report = new Counts();
        var outcome = CopyDirectory(store, new DirectoryInfo(source), InodeNumber.Root, report, progress);
        return outcome.IsOk ? new ImportReport(report.Directories, report.Files, report.Symlinks, report.Bytes, report.Skipped) : outcome.Propagate<ImportReport>();
    }

    private sealed class Counts
    {
        public int Directories, Files, Symlinks;
        public long Bytes;
        public readonly List<string> Skipped = [];
    }

    private static Outcome<bool> CopyDirectory(IInodeStore store, DirectoryInfo from, InodeNumber into, Counts counts, Action<string>? progress)
    {
        foreach (var entry in from.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var (uid, gid, mode) = Owner(entry.FullName);
            Outcome<bool> step;
            if (entry.LinkTarget is { } target)
            {
                Replace(store, into, entry.Name);
                step = Done(store.Create(into, entry.Name, new NewInode(InodeType.Symlink, 0x1FF, uid, gid, target)));
                counts.Symlinks++;
            }
            else if (entry is DirectoryInfo dir)
            {
                var existing = store.Lookup(into, entry.Name);
                var made = existing.IsOk ? store.SetAttributes(existing.Value, mode, uid, gid) : store.Create(into, entry.Name, new NewInode(InodeType.Directory, mode, uid, gid));
                if (!made.IsOk) return made.Propagate<bool>();
                if (!made.Value.IsDirectory) return Outcome<bool>.Fail(Errno.ENOTDIR, entry.FullName);
                counts.Directories++;
                step = CopyDirectory(store, dir, made.Value.Ino, counts, progress);
            }
            else if (IsRegular(entry.FullName))
            {
                Replace(store, into, entry.Name);
                step = CopyFile(store, (FileInfo)entry, into, uid, gid, mode, counts);
                if (counts.Files % 1000 == 0) progress?.Invoke($"{counts.Files} files, {counts.Bytes} bytes");
            }
            else if (NodeType(entry.FullName) is { } node)
            {
                Replace(store, into, entry.Name);
                step = Done(store.Create(into, entry.Name, new NewInode(node.Type, mode, uid, gid, Device: node.Device)));
            }
            else
            {
                counts.Skipped.Add(entry.FullName);
                continue;
            }
            if (!step.IsOk) return step;
        }
        return true;
    }

    private static Outcome<bool> CopyFile(IInodeStore store, FileInfo file, InodeNumber into, int uid, int gid, int mode, Counts counts)
    {
        var created = store.Create(into, file.Name, new NewInode(InodeType.Regular, mode, uid, gid));
        if (!created.IsOk) return created.Propagate<bool>();
        using var input = file.OpenRead();
        var buffer = new byte[Block];
        long offset = 0;
        for (int n; (n = input.Read(buffer)) > 0; offset += n)
        {
            var written = store.Write(created.Value.Ino, offset, buffer.AsMemory(0, n));
            if (!written.IsOk) return written.Propagate<bool>();
        }
        counts.Files++;
        counts.Bytes += offset;
        return true;
    }

    /// <summary>A file or link in the way of an imported file or link is replaced; a directory in the way is an error later.</summary>
    private static void Replace(IInodeStore store, InodeNumber dir, string name)
    {
        if (store.Lookup(dir, name) is { IsOk: true } ino && store.Get(ino.Value) is { IsOk: true } attrs && !attrs.Value.IsDirectory)
            store.Unlink(dir, name);
    }

    private static Outcome<bool> Done(Outcome<InodeAttributes> outcome) => outcome.IsOk ? true : outcome.Propagate<bool>();

    private static bool IsRegular(string path) => (Stat(path).Mode & 0xF000) == 0x8000;

    /// <summary>A FIFO or device node of the host, as the type of inode it becomes and its device number; null for anything else.</summary>
    private static (InodeType Type, DeviceNumber Device)? NodeType(string path)
    {
        var st = Stat(path);
        return (st.Mode & 0xF000) switch
        {
            0x1000 => (InodeType.Fifo, DeviceNumber.None),
            0x2000 => (InodeType.CharDevice, st.Device),
            0x6000 => (InodeType.BlockDevice, st.Device),
            _ => null,
        };
    }

    private static (int Uid, int Gid, int Mode) Owner(string path)
    {
        var st = Stat(path);
        return ((int)st.Uid, (int)st.Gid, st.Mode & 0xFFF);
    }

    private static (uint Uid, uint Gid, int Mode, DeviceNumber Device) Stat(string path)
    {
        // .NET has no lstat for owners; Mono.Unix would be a new dependency for a few fields, so ask libc's statx.
        var buffer = new byte[256];
        if (Native.statx(-100, path, 0x100 /* AT_SYMLINK_NOFOLLOW */, 0x1 | 0x2 | 0x8 | 0x10 /* TYPE MODE UID GID */, buffer) != 0)
            throw new IOException($"statx {path} failed");
        var uid = BitConverter.ToUInt32(buffer, 20);
        var gid = BitConverter.ToUInt32(buffer, 24);
        var mode = BitConverter.ToUInt16(buffer, 28);
        // stx_rdev_major and stx_rdev_minor, which statx always fills.
        var device = new DeviceNumber((int)BitConverter.ToUInt32(buffer, 128), (int)BitConverter.ToUInt32(buffer, 132));
        return (uid, gid, mode, device);
    }

    private static class Native
    {
        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        public static extern int statx(int dirfd, string path, int flags, uint mask, byte[] buffer);
    }
}
