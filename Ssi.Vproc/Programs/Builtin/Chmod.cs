// chmod: a file's permission bits, from an octal number or GNU's symbolic modes.
using System.Globalization;
using Ssi.Actors.Errors;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// chmod [-R] [-v|-c] MODE FILE...: MODE is octal (755) or symbolic clauses ([ugoa]*[-+=][rwxXst]*|[ugo], comma
/// separated), applied to each file's current mode as GNU chmod applies them (no umask is kept here: a clause with no
/// who is for all). -R goes down directories; symbolic links met there are left alone, as GNU does.
/// </summary>
public sealed class ChangeMode : Program
{
    private static readonly OptionSpec Spec = new("RvcfrwxXst", ["recursive=R", "verbose=v", "changes=c", "silent=f", "quiet=f"], """
        Usage: chmod [OPTION]... MODE[,MODE]... FILE...
          or:  chmod [OPTION]... OCTAL-MODE FILE...
        Change the mode of each FILE to MODE.

          -c, --changes          like verbose but report only when a change is made
          -f, --silent, --quiet  suppress most error messages
          -v, --verbose          output a diagnostic for every file processed
          -R, --recursive        change files and directories recursively
              --help     display this help and exit

        Each MODE is of the form '[ugoa]*([-+=]([rwxXst]*|[ugo]))+|[-+=][0-7]+'.

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        // "-w" or "-x" is a mode, not an option, as GNU chmod reads "chmod -w file".
        var args = p.Args.ToList();
        var modeAt = args.FindIndex(1, a => a.Length > 1 && a[0] == '-' && a.Skip(1).All(c => "rwxXst".Contains(c)));
        string? dashMode = null;
        if (modeAt > 0)
        {
            dashMode = args[modeAt];
            args.RemoveAt(modeAt);
        }
        var o = Spec.Parse([.. args]);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var operands = o.Operands.ToList();
        if (dashMode is not null) operands.Insert(0, dashMode);
        if (operands.Count < 2)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, operands.Count == 0 ? "missing operand" : $"missing operand after {Io.Quote(operands[0])}")) yield return call;
            yield break;
        }
        var mode = operands[0];
        if (!ModeClauses.IsValid(mode))
        {
            yield return Io.Complain(p, $"invalid mode: {Io.Quote(mode)}");
            yield return new Exit(1);
        }
        var status = 0;
        var pending = new List<(string Path, bool Top)>();
        for (var i = operands.Count - 1; i >= 1; i--) pending.Add((operands[i], true));
        while (pending.Count > 0)
        {
            var (path, top) = pending[^1];
            pending.RemoveAt(pending.Count - 1);
            yield return new Stat(path, FollowLast: top);
            if (p.Failed)
            {
                if (!o.Has('f')) yield return Io.Report(p, $"cannot access {Io.Quote(path)}");
                status = 1;
                continue;
            }
            var attributes = p.Result.Stat!;
            if (attributes.Type == InodeType.Symlink) continue; // met while recursing: left alone
            var before = attributes.Mode & 0xFFF;
            var after = ModeClauses.Apply(mode, before, attributes.Type == InodeType.Directory);
            yield return new Ssi.Vproc.Programs.Chmod(path, after);
            if (p.Failed)
            {
                if (!o.Has('f')) yield return Io.Report(p, $"changing permissions of {Io.Quote(path)}");
                status = 1;
                continue;
            }
            if (o.Has('v') || (o.Has('c') && after != before))
                yield return Io.Out(after == before
                    ? $"mode of {Io.Quote(path)} retained as {Octal(before)} ({ModeBits.Describe(attributes.Type, before)[1..]})\n"
                    : $"mode of {Io.Quote(path)} changed from {Octal(before)} ({ModeBits.Describe(attributes.Type, before)[1..]}) to {Octal(after)} ({ModeBits.Describe(attributes.Type, after)[1..]})\n");
            if (o.Has('R') && attributes.Type == InodeType.Directory)
            {
                yield return new ReadDirectory(path);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"cannot read directory {Io.Quote(path)}");
                    status = 1;
                    continue;
                }
                var entries = p.Result.Entries;
                for (var e = entries.Length - 1; e >= 0; e--)
                    if (entries[e].Name is not ("." or "..")) pending.Add((path.TrimEnd('/') + "/" + entries[e].Name, false));
            }
        }
        yield return new Exit(status);
    }

    private static string Octal(int mode) => Convert.ToString(mode, 8).PadLeft(4, '0');
}

/// <summary>GNU chmod's mode language: an octal number, or symbolic clauses applied in turn.</summary>
public static class ModeClauses
{
    public static bool IsValid(string mode) => TryApply(mode, 0, false, out _);

    public static int Apply(string mode, int current, bool isDirectory) => TryApply(mode, current, isDirectory, out var result) ? result : current;

    private static bool TryApply(string mode, int current, bool isDirectory, out int result)
    {
        result = current;
        if (mode.Length > 0 && mode.All(c => c is >= '0' and <= '7'))
        {
            if (mode.Length > 4) return false;
            var value = int.Parse(mode, NumberStyles.None, CultureInfo.InvariantCulture);
            result = Convert.ToInt32(mode, 8);
            // GNU keeps a directory's set-id bits unless the number names them (5 digits would).
            if (isDirectory && mode.Length < 4) result |= current & 0xC00;
            return value >= 0;
        }
        foreach (var clause in mode.Split(','))
        {
            var i = 0;
            var who = 0;
            for (; i < clause.Length && "ugoa".Contains(clause[i]); i++)
                who |= clause[i] switch { 'u' => 0x9C0, 'g' => 0x438, 'o' => 0x207, _ => 0xFFF };
            if (i == clause.Length) return false;
            var all = who == 0;
            if (all) who = 0xFFF;
            while (i < clause.Length)
            {
                var op = clause[i++];
                if (op is not ('+' or '-' or '=')) return false;
                var bits = 0;
                if (i < clause.Length && "ugo".Contains(clause[i]))
                {
                    var shift = clause[i++] switch { 'u' => 6, 'g' => 3, _ => 0 };
                    var perms = (result >> shift) & 7;
                    bits = perms << 6 | perms << 3 | perms;
                }
                else
                {
                    for (; i < clause.Length && "rwxXst".Contains(clause[i]); i++)
                        bits |= clause[i] switch
                        {
                            'r' => 0x124,
                            'w' => 0x92,
                            'x' => 0x49,
                            'X' => isDirectory || (result & 0x49) != 0 ? 0x49 : 0,
                            's' => 0xC00,
                            _ => 0x200, // t
                        };
                }
                bits &= who;
                result = op switch
                {
                    '+' => result | bits,
                    '-' => result & ~bits,
                    _ => (result & ~(who & 0xFFF & ~(isDirectory && all ? 0xC00 : 0))) | bits,
                };
            }
        }
        return true;
    }
}
