// Programs the device specs run: the memory devices and /dev/tty.
using System.Globalization;
using System.Text;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Cfs.Files;
using Ssi.Vproc.Programs;

namespace SpecPrograms;

/// <summary>
/// t-devices: uses each memory device through open descriptions and says what it got, one line each: 16 bytes of
/// /dev/zero and of /dev/urandom (as hex), a seek and an fstat of /dev/zero, a write to /dev/full (its errno), a
/// write and a read of /dev/null.
/// </summary>
public sealed class Devices : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var lines = new List<string>();
        foreach (var (path, flags) in new[] { ("/dev/zero", OpenFlags.ReadOnly), ("/dev/urandom", OpenFlags.ReadOnly), ("/dev/full", OpenFlags.WriteOnly), ("/dev/null", OpenFlags.ReadWrite) })
        {
            yield return new Open(path, flags);
            if (p.Failed)
            {
                lines.Add($"{path} open {p.Result.Error}");
                continue;
            }
            var fd = p.Result.Fd;
            if (flags.CanRead())
            {
                yield return new Read(fd, 16);
                lines.Add($"{path} read {Said(p, Convert.ToHexStringLower(p.Result.Data))}");
            }
            if (flags.CanWrite())
            {
                yield return new Write(fd, "hello"u8.ToArray());
                lines.Add($"{path} write {Said(p, p.Result.Value.ToString(CultureInfo.InvariantCulture))}");
            }
            yield return new Seek(fd, 100);
            lines.Add($"{path} seek {Said(p, p.Result.Value.ToString(CultureInfo.InvariantCulture))}");
            yield return new Fstat(fd);
            lines.Add($"{path} fstat {Said(p, $"{p.Result.Stat?.Type} {p.Result.Stat?.Device}")}");
            yield return new Close(fd);
        }
        yield return new GetNode();
        lines.Add($"node {p.Result.Int}");
        yield return Io.Out(string.Join('\n', lines) + "\n");
    }

    private static string Said(ProcessContext p, string value) => p.Failed ? p.Result.Error!.Value.ToString() : value;
}

/// <summary>
/// t-devtty NODE: writes a line to /dev/tty (the session's controlling terminal); a child on NODE then leaves the
/// session with setsid, and its open of /dev/tty fails (ENXIO).
/// </summary>
public sealed class DevTty : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new Open("/dev/tty", Ssi.Cfs.Files.OpenFlags.WriteOnly);
        if (p.Failed)
        {
            yield return Io.Out($"open: {p.Result.Error}\n");
            yield return new Exit(1);
        }
        yield return new Write(p.Result.Fd, Encoding.UTF8.GetBytes("through /dev/tty\n"));
        yield return new Fork(new NodeNumber(int.Parse(p.Args[1])));
        if (p.Result.Value == 0)
        {
            yield return new SetSid();
            yield return new Open("/dev/tty", Ssi.Cfs.Files.OpenFlags.ReadOnly);
            yield return Io.Out($"after setsid: {(p.Failed ? p.Result.Error.ToString() : "opened")}\n");
            yield return new Exit(0);
        }
        yield return new Wait();
    }
}
