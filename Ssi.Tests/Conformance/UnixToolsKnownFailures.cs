// The corpus cases /bin fails today, each with why: the conformance test expects exactly these to fail.
namespace Ssi.Tests.Conformance;

public static class UnixToolsKnownFailures
{
    public static readonly IReadOnlyDictionary<string, string> Reasons = new Dictionary<string, string>
    {
        ["busybox/cp#002"] = "cp has no -d",
        ["busybox/cp#003"] = "cp has no -P",
        ["busybox/cp#004"] = "cp has no -L",
        ["busybox/cp#005"] = "cp has no -H",
        ["busybox/cp#006"] = "cp -R copies symbolic links as files: no symlink system call",
        ["busybox/cp#007"] = "cp has no -d",
        ["busybox/cp#008"] = "cp has no -P",
        ["busybox/cp#009"] = "cp has no -L",
        ["busybox/cp#010"] = "cp has no -H",
        ["busybox/cp#011"] = "cp has no -H",
        ["busybox/cp#012"] = "cp has no -H",
        ["busybox/cp#013"] = "cp has no -L",
        ["busybox/cp/cp-RHL-does_not_preserve-links"] = "cp has no -H",
        ["busybox/cp/cp-a-files-to-dir"] = "cp has no -a",
        ["busybox/cp/cp-a-preserves-links"] = "cp has no -a",
        ["busybox/cp/cp-d-files-to-dir"] = "cp has no -d",
        ["busybox/cp/cp-dev-file"] = "cp cannot read /dev/null",
        ["busybox/cp/cp-parents"] = "cp has no --parents",
        ["busybox/cp/cp-preserves-hard-links"] = "cp has no -d",
        ["busybox/cp/cp-preserves-links"] = "cp has no -d",
        ["busybox/grep#016"] = "GNU grep differs from BusyBox: '.' does not match the NUL line (the host fails it too)",
        ["busybox/grep#027"] = "GNU grep differs from BusyBox: -L exits 0 only when a file is listed, since GNU grep 3.5 (the host fails it too)",
        ["busybox/grep#029"] = "GNU grep differs from BusyBox: -L exits 0 only when a file is listed, since GNU grep 3.5 (the host fails it too)",
        ["busybox/mv/mv-files-to-dir-2"] = "mv has no -t",
        ["toybox/cp#021"] = "cp has no -p",
        ["toybox/cp#022"] = "cp has no -p",
        ["toybox/cp#024"] = "cp has no --preserve=mode,mode",
        ["toybox/cp#025"] = "cp has no -T",
        ["toybox/cp#027"] = "cp has no --parents",
        ["toybox/cp#028"] = "cp has no -P",
        ["toybox/cp#029"] = "cp has no -P",
        ["toybox/cp#031"] = "cp has no -t",
        ["toybox/cp#035"] = "cp has no -i",
        ["toybox/mv#020"] = "mv has no -i",
        ["toybox/mv#021"] = "mv has no -i",
        ["toybox/mv#022"] = "mv has no -i",
    };
}
