// Unix permission rules as pure functions: which class of the mode applies, root's powers, the sticky bit, chmod and chown.
using Ssi.Actors.Errors;
using Ssi.Cfs.Inodes;

namespace Ssi.Cfs.Permissions;

[Flags]
public enum AccessMode
{
    None = 0,
    Execute = 1,
    Write = 2,
    Read = 4,
}

public static class Access
{
    /// <summary>
    /// Linux's check: root may read and write anything and may execute (or search) anything with an x bit, or any
    /// directory; everyone else gets exactly one class of bits: owner, else group, else other (never a union).
    /// </summary>
    public static bool Allows(InodeAttributes inode, Credentials who, AccessMode wanted)
    {
        if (who.IsRoot)
        {
            if ((wanted & AccessMode.Execute) == 0 || inode.IsDirectory) return true;
            return (inode.Mode & (ModeBits.OwnerExecute | ModeBits.GroupExecute | ModeBits.OtherExecute)) != 0;
        }
        var shift = who.Uid == inode.Uid ? 6 : who.InGroup(inode.Gid) ? 3 : 0;
        var granted = (AccessMode)((inode.Mode >> shift) & 7);
        return (granted & wanted) == wanted;
    }

    /// <summary>EACCES unless <see cref="Allows"/>.</summary>
    public static Errno? Check(InodeAttributes inode, Credentials who, AccessMode wanted) =>
        Allows(inode, who, wanted) ? null : Errno.EACCES;

    /// <summary>
    /// May the caller remove or rename the entry <paramref name="victim"/> out of <paramref name="directory"/>?
    /// It needs write and search on the directory; in a sticky directory (/tmp) it must also own the entry or the
    /// directory, or be root (EPERM otherwise, as Linux answers).
    /// </summary>
    public static Errno? CheckRemoveEntry(InodeAttributes directory, InodeAttributes victim, Credentials who)
    {
        if (!Allows(directory, who, AccessMode.Write | AccessMode.Execute)) return Errno.EACCES;
        if ((directory.Mode & ModeBits.Sticky) == 0 || who.IsRoot) return null;
        return who.Uid == victim.Uid || who.Uid == directory.Uid ? null : Errno.EPERM;
    }

    /// <summary>
    /// May the caller hard-link <paramref name="source"/>? Linux with protected_hardlinks=1 (the default): the owner
    /// or root may; anyone else only a regular file that is neither set-uid nor set-gid and group-executable, and that
    /// they may both read and write. EPERM otherwise, so nobody pins another user's file where its owner cannot
    /// remove it.
    /// </summary>
    public static Errno? CheckHardLink(InodeAttributes source, Credentials who)
    {
        if (who.IsRoot || who.Uid == source.Uid) return null;
        var safe = source.Type == InodeType.Regular
            && (source.Mode & ModeBits.SetUid) == 0
            && (source.Mode & (ModeBits.SetGid | ModeBits.GroupExecute)) != (ModeBits.SetGid | ModeBits.GroupExecute)
            && Allows(source, who, AccessMode.Read | AccessMode.Write);
        return safe ? null : Errno.EPERM;
    }

    /// <summary>
    /// mknod(2)'s rules on what it makes, before any lookup (Linux's may_mknod): a regular file, FIFO or device node;
    /// a directory is EPERM (mkdir makes those), anything else EINVAL.
    /// </summary>
    public static Errno? CheckMknodType(InodeType type) => type switch
    {
        InodeType.Regular or InodeType.Fifo or InodeType.CharDevice or InodeType.BlockDevice => null,
        InodeType.Directory => Errno.EPERM,
        _ => Errno.EINVAL,
    };

    /// <summary>
    /// May the caller make a node of this type? Only root makes device nodes (Linux's CAP_MKNOD): a device node is a
    /// door to a driver, whatever its mode says. FIFOs and everything else need only write on the directory.
    /// </summary>
    public static Errno? CheckMakeNode(InodeType type, Credentials who) => type.IsDevice() && !who.IsRoot ? Errno.EPERM : null;

    /// <summary>
    /// chmod: only the owner or root (EPERM). A non-root caller outside the file's group loses the set-gid bit,
    /// as on Linux. Returns the mode to store.
    /// </summary>
    public static (int Mode, Errno? Error) Chmod(InodeAttributes inode, Credentials who, int mode)
    {
        if (!who.IsRoot && who.Uid != inode.Uid) return (inode.Mode, Errno.EPERM);
        mode &= ModeBits.Permissions;
        if (!who.IsRoot && !who.InGroup(inode.Gid)) mode &= ~ModeBits.SetGid;
        return (mode, null);
    }

    /// <summary>
    /// chown(2) as Linux does it; -1 leaves a field as it is. Only root may give a file away; the owner may set the
    /// group to one of their own groups. Changing either clears set-uid on a regular file, and set-gid where the group
    /// may execute it, for root too (Linux since 2.2.13). Returns the new owner, group and mode.
    /// </summary>
    public static (int Uid, int Gid, int Mode, Errno? Error) Chown(InodeAttributes inode, Credentials who, int uid, int gid)
    {
        var refused = (inode.Uid, inode.Gid, inode.Mode, (Errno?)Errno.EPERM);
        if (uid == -1 && gid == -1) return (inode.Uid, inode.Gid, inode.Mode, null);
        if (uid != -1 && !who.IsRoot && !(who.Uid == inode.Uid && uid == inode.Uid)) return refused;
        if (gid != -1 && !who.IsRoot && !(who.Uid == inode.Uid && (who.InGroup(gid) || gid == inode.Gid))) return refused;
        var mode = inode.Mode;
        if (inode.Type == InodeType.Regular)
        {
            mode &= ~ModeBits.SetUid;
            if ((mode & ModeBits.GroupExecute) != 0) mode &= ~ModeBits.SetGid;
        }
        return (uid == -1 ? inode.Uid : uid, gid == -1 ? inode.Gid : gid, mode, null);
    }
}
