// The root image a new cluster starts with: the directories and files every Unix machine has, and two users.
using System.Text;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Storage;

namespace Ssi.Cfs.RootImage;

public static class DefaultRoot
{
    /// <summary>The ordinary user of the default image.</summary>
    public const int UserId = 1000;
    public const string UserName = "ann";

    private const int Dir755 = 0x1ED, Dir700 = 0x1C0, Dir555 = 0x16D, Tmp1777 = 0x3FF, File644 = 0x1A4, Device666 = 0x1B6;

    public static readonly string Motd = "Welcome to ssi: one machine made of many nodes.\n";

    public static readonly string Passwd =
        "root:x:0:0:root:/root:/bin/sh\n" +
        $"{UserName}:x:{UserId}:{UserId}:Ann:/home/{UserName}:/bin/sh\n" +
        "bob:x:1001:1001:Bob:/home/bob:/bin/sh\n";

    public static readonly string Group = $"root:x:0:\n{UserName}:x:{UserId}:\nbob:x:1001:\nusers:x:100:{UserName},bob\n";

    /// <summary>True if the store's root is empty: nothing has been imported or created yet.</summary>
    public static bool IsEmpty(IInodeStore store) => store.ReadDirectory(InodeNumber.Root).Value.Count == 0;

    /// <summary>
    /// Creates the default image in an empty root (/bin, /etc/motd, /etc/passwd, /etc/group, /home/*, /root, /tmp
    /// mode 1777, /dev with its memory devices, and the mount points /devfs, /proc). A root that has anything in it is
    /// left alone.
    /// </summary>
    public static Outcome<bool> CreateIfEmpty(IInodeStore store)
    {
        if (!IsEmpty(store)) return false;
        var root = InodeNumber.Root;
        foreach (var (name, mode) in new[] { ("bin", Dir755), ("etc", Dir755), ("home", Dir755), ("root", Dir700), ("tmp", Tmp1777), ("devfs", Dir755), ("proc", Dir555) })
        {
            var made = store.Create(root, name, new NewInode(InodeType.Directory, mode, 0, 0));
            if (!made.IsOk) return made.Propagate<bool>();
        }
        var etc = store.Lookup(root, "etc").Value;
        foreach (var (name, text) in new[] { ("motd", Motd), ("passwd", Passwd), ("group", Group) })
        {
            var file = store.Create(etc, name, new NewInode(InodeType.Regular, File644, 0, 0));
            if (!file.IsOk) return file.Propagate<bool>();
            var written = store.Write(file.Value.Ino, 0, Encoding.UTF8.GetBytes(text));
            if (!written.IsOk) return written.Propagate<bool>();
        }
        var home = store.Lookup(root, "home").Value;
        foreach (var (name, uid) in new[] { (UserName, UserId), ("bob", 1001) })
        {
            var made = store.Create(home, name, new NewInode(InodeType.Directory, Dir755, uid, uid));
            if (!made.IsOk) return made.Propagate<bool>();
        }
        var devices = InstallDevices(store);
        return devices.IsOk ? true : devices.Propagate<bool>();
    }

    /// <summary>
    /// Creates /dev (if missing) and each of the standard devices (<see cref="MemoryDevices.InEveryRoot"/>: null, zero,
    /// full, random, urandom and tty, mode 0666; console, mode 0600; all root's) that has no entry there, so that roots made before devices existed,
    /// or imported without them, get them too; an entry already there is left alone, and so is a /dev that is not a
    /// directory (an imported symlink, say). Returns the count made.
    /// </summary>
    public static Outcome<int> InstallDevices(IInodeStore store)
    {
        var dev = store.Lookup(InodeNumber.Root, "dev");
        if (!dev.IsOk)
        {
            var made = store.Create(InodeNumber.Root, "dev", new NewInode(InodeType.Directory, Dir755, 0, 0));
            if (made.Error == Errno.EEXIST) dev = store.Lookup(InodeNumber.Root, "dev"); // another node made it meanwhile
            else if (!made.IsOk) return made.Propagate<int>();
            else dev = made.Value.Ino;
            if (!dev.IsOk) return dev.Propagate<int>();
        }
        if (store.Get(dev.Value) is not { IsOk: true, Value.IsDirectory: true }) return 0;
        var count = 0;
        foreach (var (name, number, mode) in MemoryDevices.InEveryRoot)
        {
            if (store.Lookup(dev.Value, name).IsOk) continue;
            var made = store.Create(dev.Value, name, new NewInode(InodeType.CharDevice, mode, 0, 0, Device: number));
            if (made.Error == Errno.EEXIST) continue;
            if (!made.IsOk) return made.Propagate<int>();
            count++;
        }
        return count;
    }
}
