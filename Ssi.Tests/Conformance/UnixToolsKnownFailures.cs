// The corpus cases /bin fails today, each with why: the conformance test expects exactly these to fail.
namespace Ssi.Tests.Conformance;

public static class UnixToolsKnownFailures
{
    public static readonly IReadOnlyDictionary<string, string> Reasons = new Dictionary<string, string>
    {
        ["busybox/cp#011"] = "GNU cp differs from BusyBox: the last of -H, -L and -P wins, so -RHP copies links as links (the host fails it too)",
        ["busybox/cp#013"] = "GNU cp differs from BusyBox: the last of -H, -L and -P wins, so -RLH follows only command-line links (the host fails it too)",
        ["busybox/grep#016"] = "GNU grep differs from BusyBox: '.' does not match the NUL line (the host fails it too)",
        ["busybox/grep#027"] = "GNU grep differs from BusyBox: -L exits 0 only when a file is listed, since GNU grep 3.5 (the host fails it too)",
        ["busybox/grep#029"] = "GNU grep differs from BusyBox: -L exits 0 only when a file is listed, since GNU grep 3.5 (the host fails it too)",
    };
}
