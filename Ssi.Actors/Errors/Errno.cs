// Errno-style failure codes with their Unix numbers and meanings; every expected failure is one of these.
namespace Ssi.Actors.Errors;

public enum Errno
{
    EPERM = 1,
    ENOENT = 2,
    ESRCH = 3,
    EINTR = 4,
    EIO = 5,
    EBADF = 9,
    ECHILD = 10,
    EAGAIN = 11,
    EACCES = 13,
    EBUSY = 16,
    EEXIST = 17,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    ENOSPC = 28,
    EPIPE = 32,
    EOPNOTSUPP = 95,
    ENAMETOOLONG = 36,
    ENOTEMPTY = 39,
    ELOOP = 40,
    EHOSTDOWN = 112,
    EHOSTUNREACH = 113,
    ETIMEDOUT = 110,
    ECONNREFUSED = 111,
}

public static class ErrnoText
{
    /// <summary>The strerror(3) text of a code, as glibc words it.</summary>
    public static string Describe(this Errno errno) => errno switch
    {
        Errno.EPERM => "Operation not permitted",
        Errno.ENOENT => "No such file or directory",
        Errno.ESRCH => "No such process",
        Errno.EINTR => "Interrupted system call",
        Errno.EIO => "Input/output error",
        Errno.EBADF => "Bad file descriptor",
        Errno.ECHILD => "No child processes",
        Errno.EAGAIN => "Resource temporarily unavailable",
        Errno.EACCES => "Permission denied",
        Errno.EBUSY => "Device or resource busy",
        Errno.EEXIST => "File exists",
        Errno.ENOTDIR => "Not a directory",
        Errno.EISDIR => "Is a directory",
        Errno.EINVAL => "Invalid argument",
        Errno.ENOSPC => "No space left on device",
        Errno.EPIPE => "Broken pipe",
        Errno.EOPNOTSUPP => "Operation not supported",
        Errno.ENAMETOOLONG => "File name too long",
        Errno.ENOTEMPTY => "Directory not empty",
        Errno.ELOOP => "Too many levels of symbolic links",
        Errno.EHOSTDOWN => "Host is down",
        Errno.EHOSTUNREACH => "No route to host",
        Errno.ETIMEDOUT => "Connection timed out",
        Errno.ECONNREFUSED => "Connection refused",
        _ => errno.ToString(),
    };
}
