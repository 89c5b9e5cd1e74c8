// stat: a file's inode as stat(2) gives it, in GNU's default layout or a -c/--printf format.
using System.Globalization;
using System.Text;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// stat [-L] [-c FORMAT|--printf FORMAT] FILE...: the inode's attributes. The cluster has one file system (device 0,0),
/// keeps no block counts (Blocks is the size in 512-byte units, rounded up to 4 KiB as ext4 allocates), no user
/// names (Uid and Gid show UNKNOWN, as GNU does for ids without a name) and no birth times ("-"). A symbolic link's
/// target is not shown: the cluster has no readlink(2) system call.
/// </summary>
public sealed class StatFile : Program
{
    private static readonly OptionSpec Spec = new("c:Lt", ["format=c", "dereference=L", "terse=t", "printf:"], """
        Usage: stat [OPTION]... FILE...
        Display file status.

          -L, --dereference     follow links
          -c  --format=FORMAT   use the specified FORMAT instead of the default;
                                  output a newline after each use of FORMAT
              --printf=FORMAT   like --format, but interpret backslash escapes,
                                  and do not output a mandatory trailing newline;
                                  if you want a newline, include \n in FORMAT
          -t, --terse           print the information in terse form
              --help        display this help and exit

        The valid format sequences for files (without --file-system):

          %a   permission bits in octal
          %A   permission bits and file type in human readable form
          %b   number of blocks allocated (see %B)
          %B   the size in bytes of each block reported by %b
          %d   device number in decimal
          %D   device number in hex
          %f   raw mode in hex
          %F   file type
          %g   group ID of owner
          %G   group name of owner
          %h   number of hard links
          %i   inode number
          %n   file name
          %N   quoted file name
          %o   optimal I/O transfer size hint
          %s   total size, in bytes
          %t   major device type in hex, for character/block device special files
          %T   minor device type in hex, for character/block device special files
          %u   user ID of owner
          %U   user name of owner
          %w   time of file birth, human-readable; - if unknown
          %W   time of file birth, seconds since Epoch; 0 if unknown
          %x   time of last access, human-readable
          %X   time of last access, seconds since Epoch
          %y   time of last data modification, human-readable
          %Y   time of last data modification, seconds since Epoch
          %z   time of last status change, human-readable
          %Z   time of last status change, seconds since Epoch

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
        var custom = o.Given.LastOrDefault(g => g.Name is "c" or "printf");
        var status = 0;
        for (var i = 0; i < o.Operands.Count; i++)
        {
            var name = o.Operands[i];
            yield return new Stat(name, FollowLast: o.Has('L'));
            if (p.Failed)
            {
                yield return Io.Report(p, $"cannot statx {Io.Quote(name)}");
                status = 1;
                continue;
            }
            var st = p.Result.Stat!;
            var text = custom is { Name: "c" } ? StatFormat.Render(custom.Value!, name, st) + "\n"
                : custom is { Name: "printf" } ? StatFormat.Render(StatFormat.Unescape(custom.Value!), name, st)
                : o.Has('t') ? StatFormat.Render("%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %W %o", name, st) + "\n"
                : StatFormat.Default(name, st);
            yield return Io.Out(text);
        }
        yield return new Exit(status);
    }
}

/// <summary>stat's format directives over one inode's attributes.</summary>
public static class StatFormat
{
    public static string Default(string name, InodeAttributes st)
    {
        var device = st.IsDevice
            ? "Device: %Hd,%Ld\tInode: %-11i Links: %-5h Device type: %Hr,%Lr\n"
            : "Device: %Hd,%Ld\tInode: %-11i Links: %h\n";
        return Render("  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\n" + device
            + "Access: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nAccess: %x\nModify: %y\nChange: %z\n Birth: %w\n", name, st, quote: false);
    }

    /// <summary>FORMAT with each %-directive replaced; flags, width and precision as printf takes them.</summary>
    public static string Render(string format, string name, InodeAttributes st, bool quote = true)
    {
        var s = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 == format.Length)
            {
                s.Append(format[i]);
                continue;
            }
            var start = i++;
            var flags = "";
            while (i < format.Length && "-+ #0'".Contains(format[i])) flags += format[i++];
            var widthStart = i;
            while (i < format.Length && char.IsAsciiDigit(format[i])) i++;
            int? width = i > widthStart ? int.Parse(format[widthStart..i], CultureInfo.InvariantCulture) : null;
            int? precision = null;
            if (i < format.Length && format[i] == '.')
            {
                var precisionStart = ++i;
                while (i < format.Length && char.IsAsciiDigit(format[i])) i++;
                precision = i > precisionStart ? int.Parse(format[precisionStart..i], CultureInfo.InvariantCulture) : 0;
            }
            var half = i < format.Length && format[i] is 'H' or 'L' && i + 1 < format.Length && format[i + 1] is 'd' or 'r' ? format[i++] : '\0';
            if (i == format.Length)
            {
                s.Append(format[start..]);
                break;
            }
            var (text, numeric) = Directive(format[i], half, name, st, quote);
            if (text is null)
            {
                s.Append('?');
                continue;
            }
            if (precision is { } p && !numeric && text.Length > p) text = text[..p];
            var spec = new CFormatSpec(flags, width, null, 's');
            s.Append(numeric && flags.Contains('0') && !flags.Contains('-') && width is { } w ? text.PadLeft(w, '0') : CFormat.Pad(text, spec));
        }
        return s.ToString();
    }

    private static (string? Text, bool Numeric) Directive(char c, char half, string name, InodeAttributes st, bool quote)
    {
        string N(long v) => v.ToString(CultureInfo.InvariantCulture);
        if (half != '\0')
        {
            var number = c == 'd' ? 0 : half == 'H' ? st.Device.Major : st.Device.Minor;
            return (N(number), true);
        }
        // Blocks as ext4 would allocate them: whole 4 KiB blocks, in 512-byte units.
        var blocks = (st.Size + 4095) / 4096 * 8;
        return c switch
        {
            'a' => (Convert.ToString(st.Mode & ModeBits.Permissions, 8), true),
            'A' => (ModeBits.Describe(st.Type, st.Mode), false),
            'b' => (N(st.IsDirectory || st.Type == InodeType.Regular ? blocks : 0), true),
            'B' => ("512", true),
            'd' => ("0", true),
            'D' => ("0", false),
            'f' => (Convert.ToString(TypeBits(st.Type) | (st.Mode & ModeBits.Permissions), 16), false),
            'F' => (TypeName(st), false),
            'g' => (N(st.Gid), true),
            'G' => ("UNKNOWN", false),
            'h' => (N(st.Nlink), true),
            'i' => (N(st.Ino.Value), true),
            'n' => (name, false),
            'N' => (quote ? Io.Quote(name) : name, false),
            'o' => ("4096", true),
            's' => (N(st.Size), true),
            't' => (Convert.ToString(st.Device.Major, 16), false),
            'T' => (Convert.ToString(st.Device.Minor, 16), false),
            'u' => (N(st.Uid), true),
            'U' => ("UNKNOWN", false),
            'w' => ("-", false),
            'W' => ("0", true),
            'x' => (Human(st.Atime), false),
            'X' => (N(st.Atime.ToUnixTimeSeconds()), true),
            'y' => (Human(st.Mtime), false),
            'Y' => (N(st.Mtime.ToUnixTimeSeconds()), true),
            'z' => (Human(st.Ctime), false),
            'Z' => (N(st.Ctime.ToUnixTimeSeconds()), true),
            '%' => ("%", false),
            _ => (null, false),
        };
    }

    private static string Human(DateTimeOffset t) =>
        t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "00 +0000";

    private static int TypeBits(InodeType type) => type switch
    {
        InodeType.Directory => 0x4000,
        InodeType.Symlink => 0xA000,
        InodeType.Fifo => 0x1000,
        InodeType.CharDevice => 0x2000,
        InodeType.BlockDevice => 0x6000,
        _ => 0x8000,
    };

    private static string TypeName(InodeAttributes st) => st.Type switch
    {
        InodeType.Directory => "directory",
        InodeType.Symlink => "symbolic link",
        InodeType.Fifo => "fifo",
        InodeType.CharDevice => "character special file",
        InodeType.BlockDevice => "block special file",
        _ => st.Size == 0 ? "regular empty file" : "regular file",
    };

    /// <summary>--printf's backslash escapes: \n \t \\ \" \a \b \f \r \v, \NNN octal and \xHH.</summary>
    public static string Unescape(string text)
    {
        var output = new List<byte>();
        var bytes = Io.Bytes(text);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != '\\' || i + 1 == bytes.Length)
            {
                output.Add(bytes[i]);
                continue;
            }
            var c = (char)bytes[++i];
            if (c is >= '0' and <= '7')
            {
                var value = 0;
                for (var digits = 0; digits < 3 && i < bytes.Length && bytes[i] is >= (byte)'0' and <= (byte)'7'; digits++) value = value * 8 + (bytes[i++] - '0');
                output.Add((byte)value);
                i--;
                continue;
            }
            if (c == 'x' && i + 1 < bytes.Length && char.IsAsciiHexDigit((char)bytes[i + 1]))
            {
                var value = 0;
                for (var digits = 0; digits < 2 && i + 1 < bytes.Length && char.IsAsciiHexDigit((char)bytes[i + 1]); digits++)
                    value = value * 16 + Convert.ToInt32(((char)bytes[++i]).ToString(), 16);
                output.Add((byte)value);
                continue;
            }
            var simple = c switch { 'n' => '\n', 't' => '\t', '\\' => '\\', '"' => '"', 'a' => '\a', 'b' => '\b', 'f' => '\f', 'r' => '\r', 'v' => '\v', 'e' => '\u001b', _ => (char?)null };
            if (simple is { } s) output.Add((byte)s);
            else
            {
                output.Add((byte)'\\');
                output.Add((byte)c);
            }
        }
        return Io.Text([.. output]);
    }
}
