// touch: sets the access and modification times of files (utimensat), creating the ones that are missing.
using System.Globalization;
using Ssi.Actors.Errors;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// touch [-acfhm] [-d DATE|-r FILE|-t STAMP] [--time=WORD] FILE... as GNU touch: each FILE gets both times set to now
/// (or to -d's, -t's or -r's time; -a or -m for one of them), and a missing FILE is created empty unless -c or -h (-h without -c reports it missing).
/// Times are in UTC: the cluster has no time zones. An operand "-" names a file called "-", not standard output.
/// </summary>
public sealed class Touch : Program
{
    private static readonly OptionSpec Spec = new("acd:fmr:t:h", ["no-create=c", "date=d", "reference=r", "no-dereference=h", "time:"], """
        Usage: touch [OPTION]... FILE...
        Update the access and modification times of each FILE to the current time.

        A FILE argument that does not exist is created empty, unless -c or -h
        is supplied.

          -a                     change only the access time
          -c, --no-create        do not create any files
          -d, --date=STRING      parse STRING and use it instead of current time
          -f                     (ignored)
          -h, --no-dereference   affect each symbolic link instead of any referenced
                                 file
          -m                     change only the modification time
          -r, --reference=FILE   use this file's times instead of current time
          -t STAMP               use [[CC]YY]MMDDhhmm[.ss] instead of current time
              --time=WORD        change the specified time:
                                   WORD is access, atime, or use: equivalent to -a
                                   WORD is modify or mtime: equivalent to -m
              --help     display this help and exit

        Times are read and set in UTC. STRING is what date -d reads: @SECONDS,
        now, yesterday, tomorrow, or an ISO 8601 date and time.

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        string? complaint = o.Operands.Count == 0 ? "missing file operand" : null;
        var word = o.Value("time");
        if (word is not null && word is not ("access" or "atime" or "use" or "modify" or "mtime"))
            complaint = $"invalid argument {Io.Quote(word)} for '--time'";
        if (complaint is null && o.Has('d') && o.Has('t')) complaint = "cannot specify times from more than one source";
        if (complaint is not null)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, complaint)) yield return call;
            yield break;
        }
        var access = o.Has('a') || word is "access" or "atime" or "use";
        var modify = o.Has('m') || word is "modify" or "mtime";
        if (!access && !modify) access = modify = true;
        var noFollow = o.Has('h');
        var noCreate = o.Has('c');

        // The times to set: now, unless -r, -d or -t gives them.
        DateTimeOffset? atime = null, mtime = null;
        if (o.Value('r') is { } reference)
        {
            yield return new Stat(reference, FollowLast: !noFollow);
            if (p.Failed)
            {
                yield return Io.Report(p, $"failed to get attributes of {Io.Quote(reference)}");
                yield return new Exit(1);
                yield break;
            }
            (atime, mtime) = (p.Result.Stat!.Atime, p.Result.Stat!.Mtime);
        }
        if (o.Value('d') is { } text)
        {
            yield return new GetTime();
            var now = mtime ?? DateTimeOffset.UnixEpoch.AddTicks(p.Result.Value * 10);
            if (DateText.Parse(text, now) is not { } given)
            {
                yield return Io.Complain(p, $"invalid date format {Io.Quote(text)}");
                yield return new Exit(1);
                yield break;
            }
            atime = mtime = given;
        }
        if (o.Value('t') is { } stamp)
        {
            yield return new GetTime();
            if (ParseStamp(stamp, DateTimeOffset.UnixEpoch.AddTicks(p.Result.Value * 10).Year) is not { } given)
            {
                yield return Io.Complain(p, $"invalid date format {Io.Quote(stamp)}");
                yield return new Exit(1);
                yield break;
            }
            atime = mtime = given;
        }
        var setAtime = !access ? TimeChange.Keep : atime is { } a ? TimeChange.To(a) : TimeChange.Now;
        var setMtime = !modify ? TimeChange.Keep : mtime is { } m ? TimeChange.To(m) : TimeChange.Now;

        var status = 0;
        for (var i = 0; i < o.Operands.Count; i++)
        {
            var name = o.Operands[i];
            // As GNU: open (creating) first unless -c or -h; if setting the times fails, open's own error is the one told.
            Errno? openError = null;
            if (!noCreate && !noFollow)
            {
                yield return new Stat(name);
                var type = p.Failed ? (InodeType?)null : p.Result.Stat!.Type;
                if (p.Failed && p.Result.Error != Errno.ENOENT) openError = p.Result.Error;
                else if (type is null or InodeType.Regular)
                {
                    yield return new Open(name, OpenFlags.WriteOnly | (type is null ? OpenFlags.Create : 0));
                    if (p.Failed) openError = p.Result.Error;
                    else yield return new Close(p.Result.Fd);
                }
            }
            yield return new SetTimes(name, setAtime, setMtime, FollowLast: !noFollow);
            if (!p.Failed || (noCreate && p.Result.Error == Errno.ENOENT)) continue;
            yield return openError is { } cannot
                ? Io.Complain(p, $"cannot touch {Io.Quote(name)}", cannot)
                : Io.Report(p, $"setting times of {Io.Quote(name)}");
            status = 1;
        }
        yield return new Exit(status);
    }

    /// <summary>
    /// -t's [[CC]YY]MMDDhhmm[.ss], in UTC; a two-digit year is 1969-2068 as POSIX says, no year is this year. Null if
    /// it is not one.
    /// </summary>
    public static DateTimeOffset? ParseStamp(string stamp, int thisYear)
    {
        var dot = stamp.IndexOf('.');
        var main = dot < 0 ? stamp : stamp[..dot];
        var seconds = dot < 0 ? "00" : stamp[(dot + 1)..];
        if (seconds.Length != 2 || !seconds.All(char.IsAsciiDigit) || !main.All(char.IsAsciiDigit) || main.Length is not (8 or 10 or 12)) return null;
        int Field(int at) => int.Parse(main.AsSpan(at, 2), CultureInfo.InvariantCulture);
        var year = main.Length switch
        {
            12 => Field(0) * 100 + Field(2),
            10 => Field(0) < 69 ? 2000 + Field(0) : 1900 + Field(0),
            _ => thisYear,
        };
        var at = main.Length - 8;
        var (month, day, hour, minute, second) = (Field(at), Field(at + 2), Field(at + 4), Field(at + 6), int.Parse(seconds, CultureInfo.InvariantCulture));
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month) || hour > 23 || minute > 59 || second > 60) return null;
        // A leap second (":60") is the first second of the next minute, as mktime normalises it.
        return new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.Zero).AddSeconds(second);
    }
}
