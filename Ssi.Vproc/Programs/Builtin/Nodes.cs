// mknod and mkfifo: FIFOs and device nodes, with coreutils' messages and exit codes.
using System.Globalization;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>The mode both tools give their nodes: a=rw less the umask, or -m MODE exactly (from a=rw for symbolic modes).</summary>
internal static class NodeMode
{
    public const int ReadWriteAll = 0x1B6; // 0666

    /// <summary>-m's mode, or why not ("invalid mode", or bits beyond rwx for all); the umask shapes symbolic modes without u, g, o or a.</summary>
    public static (int Mode, string? Complaint) Parse(string text, int umask) => ModeText.Parse(text, umask, ReadWriteAll) switch
    {
        null => (0, "invalid mode"),
        var mode when (mode & ~0x1FF) != 0 => (0, "mode must specify only file permission bits"),
        var mode => (mode.Value, null),
    };

    /// <summary>Refuses a bad -m before anything else ("tool: invalid mode", exit 1), as coreutils checks it first.</summary>
    public static IEnumerable<SystemCall> Check(ProcessContext p, string? modeText)
    {
        if (modeText is null) yield break;
        yield return new Umask(0);
        var umask = p.Result.Int;
        yield return new Umask(umask);
        if (Parse(modeText, umask).Complaint is not { } bad) yield break;
        yield return Io.Complain(p, bad);
        yield return new Exit(1);
    }

    /// <summary>Makes one node: as asked with -m (the umask cleared around the call, so the mode is exact), else a=rw less the umask.</summary>
    public static IEnumerable<SystemCall> Make(ProcessContext p, string? modeText, string path, InodeType type, DeviceNumber device)
    {
        if (modeText is null)
        {
            yield return new Programs.Mknod(path, type, ReadWriteAll, device);
            yield break;
        }
        yield return new Umask(0);
        var umask = p.Result.Int;
        yield return new Programs.Mknod(path, type, Parse(modeText, umask).Mode, device);
        var made = p.Result;
        yield return new Umask(umask);
        p.Result = made;
    }
}

/// <summary>mknod [-m MODE] NAME TYPE [MAJOR MINOR]: a FIFO (p), or a character (c, u) or block (b) device node, which only root may make.</summary>
public sealed class Mknod : Program
{
    private static readonly OptionSpec Spec = new("m:", ["mode=m"], """
        Usage: mknod [OPTION]... NAME TYPE [MAJOR MINOR]
        Create the special file NAME of the given TYPE.

        Mandatory arguments to long options are mandatory for short options too.
          -m, --mode=MODE    set file permission bits to MODE, not a=rw - umask
              --help        display this help and exit

        Both MAJOR and MINOR must be specified when TYPE is b, c, or u, and they
        must be omitted when TYPE is p.  If MAJOR or MINOR begins with 0x or 0X,
        it is interpreted as hexadecimal; otherwise, if it begins with 0, as octal;
        otherwise, as decimal.  TYPE may be:

          b      create a block (buffered) special file
          c, u   create a character (unbuffered) special file
          p      create a FIFO

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var modeText = o.Value('m');
        foreach (var call in NodeMode.Check(p, modeText)) yield return call;
        var args = o.Operands;
        // As coreutils: the first letter of TYPE decides, and a FIFO takes two operands where a device takes four.
        var expected = args.Count == 0 || (args.Count > 1 && args[1].StartsWith('p')) ? 2 : 4;
        if (args.Count != expected)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, OperandComplaint(args, expected))) yield return call;
            yield break;
        }
        var name = args[0];
        InodeType? type = args[1][0] switch
        {
            'b' => InodeType.BlockDevice,
            'c' or 'u' => InodeType.CharDevice,
            'p' => InodeType.Fifo,
            _ => null,
        };
        if (type is null)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, $"invalid device type {Io.Quote(args[1])}")) yield return call;
            yield break;
        }
        var device = DeviceNumber.None;
        if (type != InodeType.Fifo)
        {
            var (major, minor) = (DeviceNumberText(args[2]), DeviceNumberText(args[3]));
            if (major is null || minor is null)
            {
                yield return Io.Complain(p, major is null ? $"invalid major device number {Io.Quote(args[2])}" : $"invalid minor device number {Io.Quote(args[3])}");
                yield return new Exit(1);
                yield break;
            }
            device = new DeviceNumber(major.Value, minor.Value);
        }
        foreach (var call in NodeMode.Make(p, modeText, name, type.Value, device)) yield return call;
        if (p.Failed)
        {
            yield return Io.Report(p, name);
            yield return new Exit(1);
        }
    }

    private static string OperandComplaint(List<string> args, int expected)
    {
        if (args.Count < expected)
        {
            var missing = args.Count == 0 ? "missing operand" : $"missing operand after {Io.Quote(args[^1])}";
            return expected == 4 && args.Count == 2 ? missing + "\nSpecial files require major and minor device numbers." : missing;
        }
        var extra = $"extra operand {Io.Quote(args[expected])}";
        return expected == 2 && args.Count == 4 ? extra + "\nFifos do not have major and minor device numbers." : extra;
    }

    /// <summary>A major or minor number as strtoumax reads it with base 0: 0x... hexadecimal, 0... octal, else decimal.</summary>
    public static int? DeviceNumberText(string text)
    {
        try
        {
            var value = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Length > 2 ? Convert.ToInt64(text[2..], 16)
                : text.Length > 1 && text[0] == '0' ? Convert.ToInt64(text[1..], 8)
                : long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
            return value is >= 0 and <= int.MaxValue ? (int)value : null;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }
}

/// <summary>mkfifo [-m MODE] NAME...: a FIFO for each NAME; a name that cannot be made is reported and the rest go on (exit 1).</summary>
public sealed class Mkfifo : Program
{
    private static readonly OptionSpec Spec = new("m:", ["mode=m"], """
        Usage: mkfifo [OPTION]... NAME...
        Create named pipes (FIFOs) with the given NAMEs.

        Mandatory arguments to long options are mandatory for short options too.
          -m, --mode=MODE    set file permission bits to MODE, not a=rw - umask
              --help        display this help and exit

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        if (o.Operands.Count == 0)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, "missing operand")) yield return call;
            yield break;
        }
        var modeText = o.Value('m');
        foreach (var call in NodeMode.Check(p, modeText)) yield return call;
        var status = 0;
        for (var i = 0; i < o.Operands.Count; i++)
        {
            foreach (var call in NodeMode.Make(p, modeText, o.Operands[i], InodeType.Fifo, DeviceNumber.None)) yield return call;
            if (!p.Failed) continue;
            yield return Io.Report(p, $"cannot create fifo {Io.Quote(o.Operands[i])}");
            status = 1;
        }
        yield return new Exit(status);
    }
}
