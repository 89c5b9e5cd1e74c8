// md5sum and sha256sum: digests of files, and -c checking lists of them, with coreutils' output and warnings.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

public sealed class Md5sum() : Checksum("md5sum", "MD5", 32);

public sealed class Sha256sum() : Checksum("sha256sum", "SHA256", 64);

/// <summary>
/// TOOL [-bctwz] [--tag] [--quiet] [--status] [--strict] [--ignore-missing] [FILE]...: "DIGEST  NAME" per input.
/// A digest is computed over the whole input once it is read: a hash object's state is not plain data, so it cannot
/// be kept across the reads of a program that may be moved between them.
/// </summary>
public abstract class Checksum(string tool, string algorithm, int hexLength) : Program
{
    private OptionSpec Spec => new("bctwz", ["binary=b", "check=c", "tag", "text=t", "warn=w", "zero=z", "quiet", "status", "strict", "ignore-missing"], $"""
        Usage: {tool} [OPTION]... [FILE]...
        Print or check {algorithm} ({hexLength * 4}-bit) checksums.

        With no FILE, or when FILE is -, read standard input.

          -b, --binary          read in binary mode
          -c, --check           read checksums from the FILEs and check them
              --tag             create a BSD-style checksum
          -t, --text            read in text mode (default)
          -z, --zero            end each output line with NUL, not newline,
                                  and disable file name escaping

        The following five options are useful only when verifying checksums:
              --ignore-missing  don't fail or report status for missing files
              --quiet           don't print OK for each successfully verified file
              --status          don't output anything, status code shows success
              --strict          exit non-zero for improperly formatted checksum lines
          -w, --warn            warn about improperly formatted checksum lines

              --help        display this help and exit

        """);

    private string Digest(byte[] data) => Convert.ToHexStringLower(algorithm == "MD5" ? MD5.HashData(data) : SHA256.HashData(data));

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var spec = Spec;
        var o = spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, spec, o)) yield return call;
            yield break;
        }
        var check = o.Has('c');
        string? complaint = null;
        if (check && o.Has("tag")) complaint = "the --tag option is meaningless when verifying checksums";
        else if (!check && (o.Has("quiet") || o.Has("status") || o.Has("strict") || o.Has('w') || o.Has("ignore-missing")))
        {
            var only = o.Has("ignore-missing") ? "--ignore-missing" : o.Has("quiet") ? "--quiet" : o.Has("status") ? "--status" : o.Has("strict") ? "--strict" : "--warn";
            complaint = $"the {only} option is meaningful only when verifying checksums";
        }
        if (complaint is not null)
        {
            foreach (var call in CommandLine.Refuse(p, spec, complaint)) yield return call;
            yield break;
        }
        // Of --quiet, --status and -w the last given wins, as each undoes the others in coreutils.
        var reporting = o.Given.LastOrDefault(g => g.Name is "quiet" or "status" or "w")?.Name;
        var inputs = new Inputs(o.Operands);
        var status = 0;
        while (true)
        {
            foreach (var call in inputs.Next(p)) yield return call;
            if (inputs.Done) break;
            var chunks = new List<byte[]>();
            foreach (var call in Io.ReadAll(p, inputs.Fd, chunks)) yield return call;
            if (p.Failed)
            {
                yield return Io.Report(p, inputs.Name);
                inputs.Fail();
                continue;
            }
            var data = Io.Concat(chunks);
            if (!check)
            {
                yield return Io.Out(Line(Digest(data), inputs.Name, o.Has('b'), o.Has("tag"), o.Has('z')));
                continue;
            }
            var verdict = new ListVerdict();
            foreach (var call in Check(p, o, reporting, data, inputs.Shown, verdict)) yield return call;
            if (verdict.Failed) status = 1;
        }
        yield return new Exit(inputs.Status | status);
    }

    private string Line(string digest, string name, bool binary, bool tag, bool zero)
    {
        // A name with a backslash or newline is escaped, and the line marked with a leading backslash.
        var escape = !zero && (name.Contains('\\') || name.Contains('\n') || name.Contains('\r'));
        var shown = escape ? name.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r") : name;
        var end = zero ? "\0" : "\n";
        return (escape ? "\\" : "") + (tag ? $"{algorithm} ({shown}) = {digest}" : $"{digest} {(binary ? '*' : ' ')}{shown}") + end;
    }

    /// <summary>Whether a checked list failed (plain data, so the program may keep it across calls).</summary>
    private sealed class ListVerdict
    {
        public bool Failed { get; set; }
    }

    // Checks one list of "DIGEST  NAME" lines, printing OK or FAILED for each and coreutils' warnings after.
    private IEnumerable<SystemCall> Check(ProcessContext p, Options o, string? reporting, byte[] list, string listName, ListVerdict verdict)
    {
        var (quiet, silent, warn) = (reporting == "quiet", reporting == "status", reporting == "w");
        var lines = LineBuffers.Split(list, o.Has('z') ? (byte)0 : (byte)'\n');
        int bad = 0, failed = 0, unreadable = 0, good = 0, matched = 0;
        for (var n = 0; n < lines.Count; n++)
        {
            var parsed = ParseLine(Io.Text(lines[n]));
            if (parsed is not { } entry)
            {
                bad++;
                if (warn) yield return Io.Complain(p, $"{listName}: {n + 1}: improperly formatted {algorithm} checksum line");
                continue;
            }
            good++;
            var fd = Io.Stdin;
            if (entry.Name != "-")
            {
                yield return new Open(entry.Name);
                if (p.Failed)
                {
                    if (o.Has("ignore-missing") && p.Result.Error == Ssi.Actors.Errors.Errno.ENOENT) continue;
                    if (!silent)
                    {
                        yield return Io.Report(p, entry.Name);
                        yield return Io.Out($"{entry.Name}: FAILED open or read\n");
                    }
                    unreadable++;
                    continue;
                }
                fd = p.Result.Fd;
            }
            var chunks = new List<byte[]>();
            foreach (var call in Io.ReadAll(p, fd, chunks)) yield return call;
            var readFailed = p.Failed;
            if (entry.Name != "-") yield return new Close(fd);
            if (readFailed)
            {
                unreadable++;
                if (!silent) yield return Io.Out($"{entry.Name}: FAILED open or read\n");
                continue;
            }
            var ok = string.Equals(Digest(Io.Concat(chunks)), entry.Digest, StringComparison.OrdinalIgnoreCase);
            if (ok) matched++;
            else failed++;
            if (!silent && !(ok && quiet)) yield return Io.Out($"{entry.Name}: {(ok ? "OK" : "FAILED")}\n");
        }
        var warnings = new StringBuilder();
        if (good == 0) warnings.Append(Io.Text(p.ErrorLine($"{Io.Quote(listName)}: no properly formatted checksum lines found")));
        else if (!silent)
        {
            if (bad > 0) warnings.Append(Io.Text(p.ErrorLine($"WARNING: {bad} {(bad == 1 ? "line is" : "lines are")} improperly formatted")));
            if (unreadable > 0) warnings.Append(Io.Text(p.ErrorLine($"WARNING: {unreadable} listed {(unreadable == 1 ? "file" : "files")} could not be read")));
            if (failed > 0) warnings.Append(Io.Text(p.ErrorLine($"WARNING: {failed} computed {(failed == 1 ? "checksum" : "checksums")} did NOT match")));
        }
        if (o.Has("ignore-missing") && good > 0 && matched == 0 && failed == 0 && unreadable == 0)
            warnings.Append(Io.Text(p.ErrorLine($"{listName}: no file was verified")));
        if (warnings.Length > 0) yield return Io.Err(warnings.ToString());
        verdict.Failed = good == 0 || failed > 0 || unreadable > 0 || (o.Has("strict") && bad > 0) || (o.Has("ignore-missing") && matched == 0 && failed == 0);
    }

    // "DIGEST  NAME", "DIGEST *NAME" or "ALGO (NAME) = DIGEST", each possibly escaped with a leading backslash.
    private (string Digest, string Name)? ParseLine(string line)
    {
        var escaped = line.StartsWith('\\');
        if (escaped) line = line[1..];
        string digest, name;
        var tag = algorithm + " (";
        if (line.StartsWith(tag, StringComparison.Ordinal) && line.LastIndexOf(") = ", StringComparison.Ordinal) is var close and > 0)
        {
            name = line[tag.Length..close];
            digest = line[(close + 4)..];
        }
        else
        {
            if (line.Length < hexLength + 2 || line[hexLength] != ' ' || line[hexLength + 1] is not (' ' or '*')) return null;
            digest = line[..hexLength];
            name = line[(hexLength + 2)..];
        }
        if (digest.Length != hexLength || !digest.All(char.IsAsciiHexDigit) || name.Length == 0) return null;
        if (escaped) name = name.Replace("\\\\", "\0").Replace("\\n", "\n").Replace("\\r", "\r").Replace("\0", "\\");
        return (digest, name);
    }
}
