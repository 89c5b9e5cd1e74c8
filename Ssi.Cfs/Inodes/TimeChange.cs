// One time of utimensat(2): a given instant, now (UTIME_NOW), or left as it is (UTIME_OMIT).
namespace Ssi.Cfs.Inodes;

/// <summary>What to do with an inode's atime or mtime; <see cref="At"/> is set only for a given time.</summary>
public readonly record struct TimeChange(DateTimeOffset? At, bool Omit)
{
    public static readonly TimeChange Now = new(null, false);
    public static readonly TimeChange Keep = new(null, true);

    public static TimeChange To(DateTimeOffset at) => new(at, false);

    /// <summary>A given time, which only the owner (or root) may set; now and omit need less.</summary>
    public bool IsExplicit => At is not null;
}
