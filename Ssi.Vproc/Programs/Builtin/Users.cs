// id and whoami: the process's user and groups, named from /etc/passwd and /etc/group when the root image has them.
using System.Globalization;
using Ssi.Cfs.Files;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>The user and group names of the root image: /etc/passwd and /etc/group, read whole (empty if missing).</summary>
public sealed class UserNames
{
    public Dictionary<int, string> Users { get; } = [];
    public Dictionary<string, (int Uid, int Gid)> ByName { get; } = [];
    public Dictionary<int, string> Groups { get; } = [];
    /// <summary>Each group's members by user name, as /etc/group lists them.</summary>
    public List<(int Gid, string[] Members)> Members { get; } = [];

    /// <summary>Reads both files; a file that cannot be read leaves its names unknown.</summary>
    public static IEnumerable<SystemCall> Read(ProcessContext p, UserNames into)
    {
        var passwd = new List<byte[]>();
        foreach (var call in ReadFile(p, "/etc/passwd", passwd)) yield return call;
        var group = new List<byte[]>();
        foreach (var call in ReadFile(p, "/etc/group", group)) yield return call;
        foreach (var fields in Lines(passwd))
        {
            if (fields.Length < 4 || !Number(fields[2], out var uid) || !Number(fields[3], out var gid)) continue;
            into.Users.TryAdd(uid, fields[0]);
            into.ByName.TryAdd(fields[0], (uid, gid));
        }
        foreach (var fields in Lines(group))
        {
            if (fields.Length < 3 || !Number(fields[2], out var gid)) continue;
            into.Groups.TryAdd(gid, fields[0]);
            into.Members.Add((gid, fields.Length > 3 ? fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries) : []));
        }
    }

    public string? User(int uid) => Users.GetValueOrDefault(uid);

    /// <summary>The groups whose member list in /etc/group names <paramref name="user"/>.</summary>
    public IEnumerable<int> GroupsListing(string user) => Members.Where(m => m.Members.Contains(user)).Select(m => m.Gid);

    public string? Group(int gid) => Groups.GetValueOrDefault(gid);

    private static IEnumerable<SystemCall> ReadFile(ProcessContext p, string path, List<byte[]> into)
    {
        yield return new Open(path);
        if (p.Failed) yield break;
        var fd = p.Result.Fd;
        foreach (var call in Io.ReadAll(p, fd, into)) yield return call;
        yield return new Close(fd);
    }

    private static IEnumerable<string[]> Lines(List<byte[]> chunks) =>
        Io.Text(Io.Concat(chunks)).Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(':'));

    private static bool Number(string text, out int value) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}

/// <summary>
/// id [-u|-g|-G] [-n] [-r] [-z] [USER]: the process's (or USER's) ids as GNU prints them,
/// <c>uid=0(root) gid=0(root) groups=0(root)</c>; a name is left out where /etc/passwd or /etc/group has none (with
/// -n that is an error, exit 1, and the number is printed). The cluster has no set-uid programs, so real and
/// effective ids are the same and -r changes nothing.
/// </summary>
public sealed class Id : Program
{
    private static readonly OptionSpec Spec = new("ugGnrz", ["user=u", "group=g", "groups=G", "name=n", "real=r", "zero=z"], """
        Usage: id [OPTION]... [USER]
        Print user and group information for the specified USER,
        or (when USER omitted) for the current process.

          -g, --group    print only the effective group ID
          -G, --groups   print all group IDs
          -n, --name     print a name instead of a number, for -u,-g,-G
          -r, --real     print the real ID instead of the effective ID, with -u,-g,-G
          -u, --user     print only the effective user ID
          -z, --zero     delimit entries with NUL characters, not whitespace;
                           not permitted in default format
              --help     display this help and exit

        Without any OPTION, print some useful set of identified information.

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var only = new[] { 'u', 'g', 'G' }.Where(o.Has).ToList();
        string? refusal = only.Count > 1 ? "cannot print \"only\" of more than one choice"
            : only.Count == 0 && (o.Has('n') || o.Has('r')) ? "cannot print only names or real IDs in default format"
            : only.Count == 0 && o.Has('z') ? "option --zero not permitted in default format"
            : o.Operands.Count > 1 ? $"extra operand {Io.Quote(o.Operands[1])}"
            : null;
        if (refusal is not null)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, refusal)) yield return call;
            yield break;
        }
        var names = new UserNames();
        foreach (var call in UserNames.Read(p, names)) yield return call;
        int uid, gid;
        var groups = new List<int>();
        if (o.Operands.Count == 1)
        {
            var user = o.Operands[0];
            if (names.ByName.TryGetValue(user, out var found)) (uid, gid) = found;
            else if (int.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out uid) && names.User(uid) is { } name) (_, gid) = names.ByName[name];
            else
            {
                yield return Io.Complain(p, $"{Io.Quote(user)}: no such user");
                yield return new Exit(1);
                yield break;
            }
            var userName = names.User(uid) ?? user;
            groups.Add(gid);
            groups.AddRange(names.GroupsListing(userName));
        }
        else
        {
            yield return new GetEuid();
            uid = p.Result.Int;
            yield return new GetEgid();
            gid = p.Result.Int;
            yield return new GetGroups();
            groups.Add(gid);
            groups.AddRange(p.Result.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(g => int.Parse(g, CultureInfo.InvariantCulture)));
        }
        groups = [.. groups.Distinct()];
        if (only.Count == 0)
        {
            string Named(int id, string? name) => name is null ? $"{id}" : $"{id}({name})";
            yield return Io.Out($"uid={Named(uid, names.User(uid))} gid={Named(gid, names.Group(gid))} groups={string.Join(',', groups.Select(g => Named(g, names.Group(g))))}\n");
            yield break;
        }
        List<int> ids = only[0] switch { 'u' => [uid], 'g' => [gid], _ => groups };
        var failed = false;
        var words = new List<string>();
        for (var i = 0; i < ids.Count; i++) // no foreach over a list around a system call (docs/programs.md)
        {
            var id = ids[i];
            var name = !o.Has('n') ? null : only[0] == 'u' ? names.User(id) : names.Group(id);
            if (o.Has('n') && name is null)
            {
                failed = true;
                yield return Io.Complain(p, $"cannot find name for {(only[0] == 'u' ? "user" : "group")} ID {id}");
            }
            words.Add(name ?? id.ToString(CultureInfo.InvariantCulture));
        }
        yield return Io.Out(o.Has('z') ? string.Concat(words.Select(w => w + "\0")) : string.Join(' ', words) + "\n");
        if (failed) yield return new Exit(1);
    }
}

/// <summary>whoami: the name of the effective user, from /etc/passwd.</summary>
public sealed class Whoami : Program
{
    private static readonly OptionSpec Spec = new("", [], """
        Usage: whoami [OPTION]...
        Print the user name associated with the current effective user ID.
        Same as id -un.

              --help     display this help and exit

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        if (o.Operands.Count > 0)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, $"extra operand {Io.Quote(o.Operands[0])}")) yield return call;
            yield break;
        }
        yield return new GetEuid();
        var uid = p.Result.Int;
        var names = new UserNames();
        foreach (var call in UserNames.Read(p, names)) yield return call;
        if (names.User(uid) is not { } name)
        {
            yield return Io.Complain(p, $"cannot find name for user ID {uid}");
            yield return new Exit(1);
            yield break;
        }
        yield return Io.Out(name + "\n");
    }
}
