// df and du: the space of the cluster's one file system (statfs of its store), and the space files take in it.
using System.Globalization;
using System.Text;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Storage;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// df [-hikPT] [FILE]...: one row for the cluster file system "cfs" mounted on "/" (one per FILE, each of which must
/// exist), from statfs of the store: Used is what the database takes, Available the free space beside it (unknown,
/// "-", on PostgreSQL), Size their sum. The store has no fixed inode table, so -i shows only IUsed.
/// </summary>
public sealed class Df : Program
{
    private static readonly OptionSpec Spec = new("hikPTa", ["human-readable=h", "inodes=i", "portability=P", "print-type=T", "all=a"], """
        Usage: df [OPTION]... [FILE]...
        Show information about the file system on which each FILE resides,
        or all file systems by default.

          -a, --all             include pseudo, duplicate, inaccessible file systems
          -h, --human-readable  print sizes in powers of 1024 (e.g., 1023M)
          -i, --inodes          list inode information instead of block usage
          -H                    equivalent to --dereference-args (-D)
          -k                    like --block-size=1K
          -L, --dereference     dereference all symbolic links
          -P, --no-dereference  don't follow any symbolic links (this is the default)
          -P, --portability     use the POSIX output format
          -T, --print-type      print file system type
              --help     display this help and exit

        The cluster has one file system, cfs on /, kept in its store: Used is the
        size of the store's database, Available the free space where it lives.

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var files = o.Operands.Count == 0 ? new List<string> { "/" } : o.Operands;
        var rows = new List<StoreUsage>();
        var status = 0;
        for (var i = 0; i < files.Count; i++)
        {
            yield return new StatFs(files[i]);
            if (p.Failed)
            {
                yield return Io.Report(p, Io.Quote(files[i]));
                status = 1;
                continue;
            }
            rows.Add(p.Result.Usage!);
        }
        if (rows.Count > 0) yield return Io.Out(Table(rows, o.Has('i'), o.Has('h'), o.Has('P'), o.Has('T')));
        if (rows.Count == 0 && status == 1) yield return Io.Complain(p, "no file systems processed");
        yield return new Exit(status);
    }

    /// <summary>GNU df's table: every column as wide as its widest cell (with GNU's minimums), text left, numbers right.</summary>
    public static string Table(List<StoreUsage> rows, bool inodes, bool human, bool posix, bool type)
    {
        var header = new List<string> { "Filesystem" };
        if (type) header.Add("Type");
        header.AddRange(inodes ? ["Inodes", "IUsed", "IFree", "IUse%"]
            : human ? ["Size", "Used", "Avail", "Use%"]
            : [posix ? "1024-blocks" : "1K-blocks", "Used", "Available", posix ? "Capacity" : "Use%"]);
        header.Add("Mounted on");
        var table = new List<List<string>> { header };
        foreach (var u in rows)
        {
            var row = new List<string> { "cfs" };
            if (type) row.Add("cfs");
            if (inodes) row.AddRange(["-", Number(u.Inodes), "-", "-"]);
            else
            {
                string Size(long? bytes) => bytes is not { } b ? "-" : human ? ListingFormat.Human(b) : Number((b + 1023) / 1024);
                var total = u.UsedBytes + u.AvailableBytes;
                // Use% rounds up, as GNU's does.
                var percent = total is > 0 ? Number((u.UsedBytes * 100 + total.Value - 1) / total.Value) + "%" : "-";
                row.AddRange([Size(total), Size(u.UsedBytes), Size(u.AvailableBytes), percent]);
            }
            row.Add("/");
            table.Add(row);
        }
        var widths = header.Select((h, c) => table.Max(r => r[c].Length)).ToArray();
        widths[0] = Math.Max(widths[0], 14);
        if (type) widths[1] = Math.Max(widths[1], 4);
        var text = new StringBuilder();
        foreach (var row in table)
        {
            for (var c = 0; c < row.Count - 1; c++)
            {
                var left = c == 0 || (type && c == 1);
                // Sizes and counts are at least 5 wide, percentages only as wide as their header, as GNU's.
                var width = header[c].EndsWith('%') ? widths[c] : Math.Max(widths[c], 5);
                text.Append(left ? row[c].PadRight(widths[c]) : row[c].PadLeft(width)).Append(' ');
            }
            text.Append(row[^1]).Append('\n');
        }
        return text.ToString();
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// du [-abchksx] [-d N] [--apparent-size] [FILE]...: the space each directory's tree takes (and each file with -a), in
/// 1 KiB units, after its contents, as GNU du prints them. The store keeps no block counts, so a file or directory is
/// counted as a 4 KiB-block file system would hold it: its size rounded up to 4 KiB, and a directory at least one
/// block. A file with several links is counted once. Symbolic links are followed only with -L (or -H/-D for operands); -x changes nothing (one file system).
/// </summary>
public sealed class Du : Program
{
    private static readonly OptionSpec Spec = new("abchkd:sxDHLP", ["all=a", "dereference=L", "dereference-args=H", "no-dereference=P", "bytes=b", "total=c", "human-readable=h", "max-depth=d", "summarize=s",
        "one-file-system=x", "apparent-size"], """
        Usage: du [OPTION]... [FILE]...
        Summarize device usage of the set of FILEs, recursively for directories.

          -a, --all             write counts for all files, not just directories
              --apparent-size   print apparent sizes rather than device usage
          -b, --bytes           equivalent to '--apparent-size --block-size=1'
          -c, --total           produce a grand total
          -D, --dereference-args  dereference only symlinks that are listed on the
                                command line
          -d, --max-depth=N     print the total for a directory (or file, with --all)
                                only if it is N or fewer levels below the command
                                line argument;  --max-depth=0 is the same as
                                --summarize
          -h, --human-readable  print sizes in human readable format (e.g., 1K 234M 2G)
          -H                    equivalent to --dereference-args (-D)
          -k                    like --block-size=1K
          -L, --dereference     dereference all symbolic links
          -P, --no-dereference  don't follow any symbolic links (this is the default)
          -s, --summarize       display only a total for each argument
          -x, --one-file-system  skip directories on different file systems
              --help     display this help and exit

        Device usage is counted as a file system of 4 KiB blocks would hold each
        file (the store keeps no block counts): its size rounded up to 4 KiB, at
        least one block for a directory.

        """);

    private sealed class Frame
    {
        public string Path = "";
        public int Depth;
        public long Total;
        public string[] Names = [];
        public int Next;
        public bool Unreadable;
    }

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var maxDepth = int.MaxValue;
        if (o.Value('d') is { } depthText && (!int.TryParse(depthText, NumberStyles.None, CultureInfo.InvariantCulture, out maxDepth)))
        {
            yield return Io.Complain(p, $"invalid maximum depth {Io.Quote(depthText)}");
            foreach (var call in CommandLine.Refuse(p, Spec, null)) yield return call;
            yield break;
        }
        if (o.Has('s'))
        {
            if (o.Has('d') && maxDepth != 0)
            {
                yield return Io.Complain(p, $"warning: summarizing conflicts with --max-depth={maxDepth}");
                foreach (var call in CommandLine.Refuse(p, Spec, null)) yield return call;
                yield break;
            }
            maxDepth = 0;
        }
        if (o.Has('s') && o.Has('a'))
        {
            foreach (var call in CommandLine.Refuse(p, Spec, "cannot both summarize and show all entries")) yield return call;
            yield break;
        }
        var bytes = o.Has('b');
        var apparent = bytes || o.Has("apparent-size");
        var human = o.LastOf("hkb") == 'h';
        // The last of -H (-D), -L and -P wins; -L meets each directory once, so a link back up is no loop.
        var follow = o.LastOf("DHLP");
        var followAll = follow == 'L';
        var followArgs = followAll || follow is 'H' or 'D';
        var operands = o.Operands.Count == 0 ? new List<string> { "." } : o.Operands;
        var seen = new HashSet<long>();
        var status = 0;
        var grand = 0L;
        var stack = new List<Frame>();
        for (var i = 0; i < operands.Count; i++)
        {
            yield return new Stat(operands[i], FollowLast: followArgs);
            if (p.Failed)
            {
                yield return Io.Report(p, $"cannot access {Io.Quote(operands[i])}");
                status = 1;
                continue;
            }
            var top = p.Result.Stat!;
            seen.Add(top.Ino.Value);
            if (!top.IsDirectory)
            {
                grand += Usage(top, apparent);
                yield return Io.Out(Line(Usage(top, apparent), operands[i], bytes, human));
                continue;
            }
            stack.Add(new Frame { Path = operands[i], Total = Usage(top, apparent) });
            foreach (var call in Entries(p, stack[^1])) yield return call;
            if (stack[^1].Unreadable) status = 1;
            while (stack.Count > 0)
            {
                var frame = stack[^1];
                if (frame.Next == frame.Names.Length)
                {
                    stack.RemoveAt(stack.Count - 1);
                    if (frame.Depth <= maxDepth) yield return Io.Out(Line(frame.Total, frame.Path, bytes, human));
                    if (stack.Count > 0) stack[^1].Total += frame.Total;
                    else grand += frame.Total;
                    continue;
                }
                var path = frame.Path.TrimEnd('/') + "/" + frame.Names[frame.Next++];
                yield return new Stat(path, FollowLast: followAll);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"cannot access {Io.Quote(path)}");
                    status = 1;
                    continue;
                }
                var st = p.Result.Stat!;
                // A second link of a file counted already; with -L, a directory met again.
                if ((st.Nlink > 1 || followAll) && (!st.IsDirectory || followAll) && !seen.Add(st.Ino.Value)) continue;
                if (st.IsDirectory)
                {
                    stack.Add(new Frame { Path = path, Depth = frame.Depth + 1, Total = Usage(st, apparent) });
                    foreach (var call in Entries(p, stack[^1])) yield return call;
                    if (stack[^1].Unreadable) status = 1;
                    continue;
                }
                frame.Total += Usage(st, apparent);
                if (o.Has('a') && frame.Depth + 1 <= maxDepth) yield return Io.Out(Line(Usage(st, apparent), path, bytes, human));
            }
        }
        if (o.Has('c')) yield return Io.Out(Line(grand, "total", bytes, human));
        yield return new Exit(status);
    }

    /// <summary>Reads a directory's names into its frame; an unreadable one is reported and counted as empty, as GNU does.</summary>
    private static IEnumerable<SystemCall> Entries(ProcessContext p, Frame frame)
    {
        yield return new ReadDirectory(frame.Path);
        if (p.Failed)
        {
            yield return Io.Report(p, $"cannot read directory {Io.Quote(frame.Path)}");
            frame.Unreadable = true;
            yield break;
        }
        frame.Names = [.. p.Result.Entries.Select(e => e.Name).Where(n => n is not ("." or ".."))];
    }

    /// <summary>Bytes: the apparent size, or what 4 KiB blocks would take (a directory at least one).</summary>
    private static long Usage(InodeAttributes st, bool apparent)
    {
        if (apparent) return st.Size;
        if (st.Type is not (InodeType.Regular or InodeType.Directory)) return 0;
        var blocks = (st.Size + 4095) / 4096;
        return (st.IsDirectory ? Math.Max(blocks, 1) : blocks) * 4096;
    }

    private static string Line(long size, string path, bool bytes, bool human) =>
        (human ? ListingFormat.Human(size) : bytes ? size.ToString(CultureInfo.InvariantCulture) : ((size + 1023) / 1024).ToString(CultureInfo.InvariantCulture)) + "\t" + path + "\n";
}
