// ls: the system calls of a listing (which names, their stat and link targets, the walk of -R); ListingFormat prints them.
using System.Globalization;
using Ssi.Actors.Errors;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// ls [OPTION]... [FILE]...: as GNU ls in the C locale. One name a line when stdout is not a terminal, columns when it
/// is (or with -C). Exit 2 when an operand cannot be reached, 1 for a lesser trouble (an entry that vanished while
/// listed).
/// </summary>
public sealed class Ls : Program
{
    private const string Usage = """
        Usage: ls [OPTION]... [FILE]...
        List information about the FILEs (the current directory by default), sorted by name.
          -a, --all                  do not ignore entries starting with .
          -A, --almost-all           do not list implied . and ..
          -b, --escape               print C-style escapes for nongraphic characters
          -C                         list entries by columns
          -d, --directory            list directories themselves, not their contents
          -F, --classify             append indicator (one of */=@|) to entries
              --file-type            likewise, except do not append '*'
              --group-directories-first  group directories before files
          -g                         like -l, but do not list owner
          -h, --human-readable       with -l, print sizes like 1K 234M 2G
          -H, --dereference-command-line  follow symbolic links listed on the command line
          -i, --inode                print the index number of each file
          -k, --kibibytes            default to 1024-byte blocks
          -l                         use a long listing format
          -L, --dereference          show information for the file a symbolic link references
          -m                         fill width with a comma separated list of entries
          -n, --numeric-uid-gid      like -l, listing numeric user and group IDs
          -N, --literal              print entry names without quoting
          -o                         like -l, but do not list group information
          -p                         append / indicator to directories
          -q, --hide-control-chars   print ? instead of nongraphic characters
          -Q, --quote-name           enclose entry names in double quotes
          -r, --reverse              reverse order while sorting
          -R, --recursive            list subdirectories recursively
          -S                         sort by file size, largest first
          -t                         sort by time, newest first
          -T, --tabsize=COLS         assume tab stops at each COLS instead of 8
          -U                         do not sort; list entries in directory order
          -w, --width=COLS           set output width to COLS; 0 means no limit
          -x                         list entries by lines instead of by columns
          -X                         sort alphabetically by entry extension
          -1                         list one file per line
        Exit status: 0 if OK, 1 if minor problems, 2 if serious trouble.

        """;

    private static readonly OptionSpec Spec = new("1aAbCdFgGhHikLlmnNopqQrRStT:Uw:xX",
        ["all=a", "almost-all=A", "escape=b", "directory=d", "classify=F", "file-type", "group-directories-first", "human-readable=h",
         "dereference-command-line=H", "inode=i", "kibibytes=k", "dereference=L", "numeric-uid-gid=n", "literal=N", "hide-control-chars=q",
         "quote-name=Q", "reverse=r", "recursive=R", "tabsize=T", "width=w", "show-control-chars", "color::", "no-group=G"], Usage, FailStatus: 2);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        yield return new Fstat(Io.Stdout);
        var terminal = !p.Failed && p.Result.Stat!.Type == InodeType.CharDevice;
        var settings = Settings(o, p.Environment, terminal, out var complaint);
        if (complaint is not null)
        {
            yield return Io.Complain(p, complaint);
            yield return new Exit(2);
            yield break;
        }
        yield return new GetTime();
        var now = DateTimeOffset.UnixEpoch.AddTicks(p.Result.Value * 10);
        var operands = o.Operands.Count > 0 ? o.Operands.ToArray() : ["."];

        var status = 0;
        var files = new List<ListedEntry>();
        var dirs = new List<ListedEntry>();
        foreach (var operand in operands)
        {
            // GNU follows a link named on the command line unless -d, -F or -l asked to see links as links; a dangling
            // link, or one to a non-directory, is then shown as the link itself.
            var seeLinks = !settings.FollowAll && !settings.FollowOperands &&
                (settings.DirectoriesThemselves || settings.Indicators == 'F' || settings.Layout == ListingLayout.Long);
            yield return new Stat(operand, FollowLast: !seeLinks);
            if (!seeLinks && !settings.FollowAll && !settings.FollowOperands &&
                (p.Failed ? p.Result.Error is Errno.ENOENT or Errno.ELOOP : p.Result.Stat!.Type != InodeType.Directory))
                yield return new Stat(operand, FollowLast: false);
            if (p.Failed)
            {
                yield return Io.Report(p, $"cannot access {Io.Quote(operand)}");
                status = 2;
                continue;
            }
            var stat = p.Result.Stat!;
            string? target = null;
            if (stat.Type == InodeType.Symlink && settings.Layout == ListingLayout.Long)
            {
                yield return new ReadLink(operand);
                if (!p.Failed) target = p.Result.Text;
            }
            var entry = new ListedEntry(operand, stat.Type, stat.Ino, stat, target);
            if (stat.IsDirectory && !settings.DirectoriesThemselves) dirs.Add(entry);
            else files.Add(entry);
        }
        var printed = false;
        if (files.Count > 0)
        {
            yield return Io.Out(ListingFormat.Render(ListingFormat.Order(files, settings), settings, total: false, now));
            printed = true;
        }
        var headers = operands.Length > 1 || settings.Recursive;
        // Directories still to list, the next on top: -R puts a directory's subdirectories above the rest, in order.
        var pending = new Stack<string>(ListingFormat.Order(dirs, settings).Select(d => d.Name).Reverse());
        while (pending.TryPop(out var dir))
        {
            yield return new ReadDirectory(dir);
            if (p.Failed)
            {
                yield return Io.Report(p, $"cannot open directory {Io.Quote(dir)}");
                status = 2;
                continue;
            }
            var entries = new List<ListedEntry>();
            foreach (var e in p.Result.Entries)
                if (e.Name is not ("." or "..") && (settings.All || settings.AlmostAll || !e.Name.StartsWith('.')))
                    entries.Add(new ListedEntry(e.Name, e.Type, e.Ino));
            if (settings.All)
            {
                foreach (var dot in new[] { ".", ".." })
                {
                    yield return new Stat(PathText.Join(dir, dot));
                    if (!p.Failed) entries.Add(new ListedEntry(dot, InodeType.Directory, p.Result.Stat!.Ino, p.Result.Stat));
                }
            }
            for (var i = 0; settings.NeedsStat && i < entries.Count; i++)
            {
                if (entries[i].Stat is not null) continue;
                var path = PathText.Join(dir, entries[i].Name);
                yield return new Stat(path, FollowLast: settings.FollowAll);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"cannot access {Io.Quote(path)}");
                    status = Math.Max(status, 1);
                    entries.RemoveAt(i--);
                    continue;
                }
                var stat = p.Result.Stat!;
                string? target = null;
                if (stat.Type == InodeType.Symlink && settings.Layout == ListingLayout.Long)
                {
                    yield return new ReadLink(path);
                    if (!p.Failed) target = p.Result.Text;
                }
                entries[i] = entries[i] with { Type = stat.Type, Stat = stat, LinkTarget = target };
            }
            var ordered = ListingFormat.Order(entries, settings);
            var header = (printed ? "\n" : "") + (headers ? ListingFormat.Quote(dir, settings.Quoting) + ":\n" : "");
            printed = true;
            yield return Io.Out(header + ListingFormat.Render(ordered, settings, total: true, now));
            if (!settings.Recursive) continue;
            foreach (var sub in ordered.Where(e => e.Name is not ("." or "..") && (e.Stat?.Type ?? e.Type) == InodeType.Directory).Reverse())
                pending.Push(PathText.Join(dir, sub.Name));
        }
        yield return new Exit(status);
    }

    /// <summary>The settings of the command line; the last of competing options wins, as in GNU ls.</summary>
    private static ListingSettings Settings(Options o, IReadOnlyDictionary<string, string> environment, bool terminal, out string? complaint)
    {
        complaint = null;
        var layout = terminal ? ListingLayout.Columns : ListingLayout.OnePerLine;
        var quoting = terminal ? ListingQuoting.HideControl : ListingQuoting.Literal;
        var sort = ListingSort.Name;
        var indicators = 'n';
        var (showOwner, showGroup) = (true, true);
        var width = environment.TryGetValue("COLUMNS", out var columns) && int.TryParse(columns, CultureInfo.InvariantCulture, out var w) && w > 0 ? w : 80;
        var tabSize = 8;
        foreach (var g in o.Given)
        {
            switch (g.Name)
            {
                case "1": layout = ListingLayout.OnePerLine; break;
                case "C": layout = ListingLayout.Columns; break;
                case "x": layout = ListingLayout.Across; break;
                case "m": layout = ListingLayout.Commas; break;
                case "l" or "n": layout = ListingLayout.Long; break;
                case "g": (layout, showOwner) = (ListingLayout.Long, false); break;
                case "o": (layout, showGroup) = (ListingLayout.Long, false); break;
                case "G": showGroup = false; break;
                case "S": sort = ListingSort.Size; break;
                case "t": sort = ListingSort.Time; break;
                case "X": sort = ListingSort.Extension; break;
                case "U": sort = ListingSort.None; break;
                case "b": quoting = ListingQuoting.Escape; break;
                case "q": quoting = ListingQuoting.HideControl; break;
                case "N" or "show-control-chars": quoting = ListingQuoting.Literal; break;
                case "Q": quoting = ListingQuoting.C; break;
                case "p": indicators = 'p'; break;
                case "F": indicators = 'F'; break;
                case "file-type": indicators = 'f'; break;
                case "w":
                    if (!int.TryParse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture, out width)) complaint = $"invalid line width: {Io.Quote(g.Value!)}";
                    break;
                case "T":
                    if (!int.TryParse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture, out tabSize)) complaint = $"invalid tab size: {Io.Quote(g.Value!)}";
                    break;
            }
        }
        return new ListingSettings
        {
            Layout = layout,
            Sort = sort,
            Quoting = quoting,
            Reverse = o.Has('r'),
            DirectoriesFirst = o.Has("group-directories-first"),
            All = o.LastOf("aA") == 'a',
            AlmostAll = o.LastOf("aA") == 'A',
            DirectoriesThemselves = o.Has('d'),
            Recursive = o.Has('R') && !o.Has('d'),
            Inode = o.Has('i'),
            Indicators = indicators,
            FollowAll = o.Has('L'),
            FollowOperands = o.Has('H'),
            ShowOwner = showOwner,
            ShowGroup = showGroup,
            HumanSizes = o.Has('h'),
            Width = width,
            TabSize = tabSize,
        };
    }

    /// <summary>ls -l of the given names and stats, as a directory listing shows them (the devices' table tests this).</summary>
    public static string Long(List<string> names, List<InodeAttributes> stats, bool total, DateTimeOffset now) =>
        ListingFormat.Render([.. names.Zip(stats, (n, s) => new ListedEntry(n, s.Type, s.Ino, s))], new ListingSettings { Layout = ListingLayout.Long }, total, now);
}
