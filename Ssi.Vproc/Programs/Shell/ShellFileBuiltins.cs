// Builtins of the working directory and input: cd, pwd, read and umask.
using System.Text;
using Ssi.Actors.Errors;
using Ssi.Actors.Signals;
using Ssi.Cfs.Inodes;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Vproc.Programs.Shell;

public sealed partial class ShellInterpreter
{
    private IEnumerable<SystemCall> Cd(List<string> args)
    {
        var operands = args.Skip(1).Where(a => a is not ("-L" or "-P")).ToList();
        if (operands.Count > 0 && operands[0] == "--") operands.RemoveAt(0);
        var print = false;
        string target;
        if (operands.Count == 0)
        {
            target = State.Get("HOME") ?? "";
            if (target.Length == 0)
            {
                foreach (var call in Fail("cd", "HOME not set")) yield return call;
                yield break;
            }
        }
        else if (operands[0] == "-")
        {
            target = State.Get("OLDPWD") ?? "";
            if (target.Length == 0)
            {
                foreach (var call in Fail("cd", "OLDPWD not set")) yield return call;
                yield break;
            }
            print = true;
        }
        else target = operands[0];
        var old = State.Get("PWD");
        if (old is null)
        {
            yield return new GetCwd();
            old = Failed ? "" : P.Result.Text;
        }
        if (!target.StartsWith('/') && !target.StartsWith("./") && !target.StartsWith("../") && target is not ("." or "..") && State.Get("CDPATH") is { Length: > 0 } cdpath)
        {
            foreach (var entry in cdpath.Split(':'))
            {
                var candidate = (entry.Length == 0 ? "." : entry.TrimEnd('/')) + "/" + target;
                yield return new Stat(candidate);
                if (Failed || P.Result.Stat?.Type != InodeType.Directory) continue;
                if (entry.Length > 0)
                {
                    target = candidate.StartsWith('/') ? candidate : old.TrimEnd('/') + "/" + candidate;
                    print = true;
                }
                break;
            }
        }
        var logical = target.StartsWith('/') ? target : (old.TrimEnd('/') + "/" + target);
        yield return new Chdir(target);
        if (Failed)
        {
            foreach (var call in Fail("cd", $"can't cd to {target}", 2)) yield return call;
            yield break;
        }
        var cleaned = CleanPath(logical);
        State.Set("OLDPWD", old, export: true);
        State.Set("PWD", cleaned, export: true);
        if (print) yield return Io.Out(cleaned + "\n");
        State.LastStatus = 0;
    }

    /// <summary>A path with . and .. resolved by text, as cd -L keeps $PWD.</summary>
    private static string CleanPath(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }

    private IEnumerable<SystemCall> Pwd(List<string> args)
    {
        var physical = args.Contains("-P");
        var pwd = State.Get("PWD");
        if (physical || pwd is null || !pwd.StartsWith('/'))
        {
            yield return new GetCwd();
            if (Failed)
            {
                foreach (var call in Fail("pwd", P.Result.Error!.Value.Describe())) yield return call;
                yield break;
            }
            pwd = P.Result.Text;
        }
        foreach (var call in Output(pwd + "\n", 0)) yield return call;
    }

    private IEnumerable<SystemCall> ReadBuiltin(List<string> args)
    {
        var raw = false;
        string? prompt = null;
        var i = 1;
        for (; i < args.Count && args[i].StartsWith('-') && args[i].Length > 1; i++)
        {
            if (args[i] == "--")
            {
                i++;
                break;
            }
            if (args[i] == "-r") raw = true;
            else if (args[i] == "-p" && i + 1 < args.Count) prompt = args[++i];
            else
            {
                foreach (var call in Fail("read", $"Illegal option {args[i]}", 2)) yield return call;
                yield break;
            }
        }
        var names = args.Skip(i).ToList();
        var reply = names.Count == 0;
        if (prompt is not null) yield return Io.Err(prompt);
        var line = new StringBuilder();
        var escaped = new List<bool>();
        var eof = false;
        var bytes = new List<byte>();
        while (true)
        {
            yield return new Read(Io.Stdin, 1);
            if (Failed)
            {
                if (P.Result.Error == Errno.EINTR && State.PendingSignals.Count > 0)
                {
                    State.LastStatus = 128 + State.PendingSignals[0];
                    yield break;
                }
                if (P.Result.Error == Errno.EINTR) continue;
                eof = true;
                break;
            }
            if (P.Result.Data.Length == 0)
            {
                eof = true;
                break;
            }
            bytes.Add(P.Result.Data[0]);
            var c = (char)P.Result.Data[0];
            if (c == '\n' && !(bytes.Count >= 2 && !raw && PendingBackslash(bytes))) break;
        }
        // Decode the line and apply backslash rules.
        var text = Io.Text(bytes.ToArray());
        if (text.EndsWith('\n')) text = text[..^1];
        for (var k = 0; k < text.Length; k++)
        {
            if (!raw && text[k] == '\\')
            {
                if (k + 1 < text.Length)
                {
                    if (text[k + 1] == '\n')
                    {
                        k++;
                        continue;
                    }
                    line.Append(text[++k]);
                    escaped.Add(true);
                }
                continue;
            }
            line.Append(text[k]);
            escaped.Add(false);
        }
        if (reply) State.Set("REPLY", line.ToString());
        else AssignRead(line.ToString(), escaped, names);
        State.LastStatus = eof ? 1 : 0;
    }

    /// <summary>Whether the bytes so far end in an unescaped backslash before the newline just read (a continuation).</summary>
    private static bool PendingBackslash(List<byte> bytes)
    {
        var count = 0;
        for (var k = bytes.Count - 2; k >= 0 && bytes[k] == '\\'; k--) count++;
        return count % 2 == 1;
    }

    /// <summary>read's field splitting: each name takes a field, the last one the rest of the line.</summary>
    private void AssignRead(string line, List<bool> escaped, List<string> names)
    {
        var ifs = State.Ifs;
        bool IsIfs(int k) => !escaped[k] && ifs.Contains(line[k]);
        bool IsWhite(int k) => IsIfs(k) && line[k] is ' ' or '\t' or '\n';
        var at = 0;
        while (at < line.Length && IsWhite(at)) at++;
        for (var n = 0; n < names.Count; n++)
        {
            if (n == names.Count - 1)
            {
                var end = line.Length;
                while (end > at && IsWhite(end - 1)) end--;
                // A trailing single non-whitespace delimiter is dropped, as dash does.
                if (end > at && IsIfs(end - 1) && !IsWhite(end - 1))
                {
                    var rest = line[at..(end - 1)];
                    var hasOther = false;
                    for (var k = at; k < end - 1; k++) if (IsIfs(k) && !IsWhite(k)) hasOther = true;
                    if (!hasOther) end--;
                    _ = rest;
                }
                State.Set(names[n], line[at..end]);
                break;
            }
            var start = at;
            while (at < line.Length && !IsIfs(at)) at++;
            State.Set(names[n], line[start..at]);
            while (at < line.Length && IsWhite(at)) at++;
            if (at < line.Length && IsIfs(at))
            {
                at++;
                while (at < line.Length && IsWhite(at)) at++;
            }
        }
    }

    private IEnumerable<SystemCall> UmaskBuiltin(List<string> args)
    {
        var symbolic = args.Count > 1 && args[1] == "-S";
        var operand = args.Skip(1).FirstOrDefault(a => a != "-S");
        if (operand is null)
        {
            yield return new Umask(0);
            var old = P.Result.Int;
            yield return new Umask(old);
            if (symbolic)
            {
                string Bits(int m) => ((m & 4) == 0 ? "r" : "") + ((m & 2) == 0 ? "w" : "") + ((m & 1) == 0 ? "x" : "");
                foreach (var call in Output($"u={Bits(old >> 6)},g={Bits(old >> 3)},o={Bits(old)}\n", 0)) yield return call;
            }
            else foreach (var call in Output(Convert.ToString(old, 8).PadLeft(4, '0') + "\n", 0)) yield return call;
            yield break;
        }
        int mask;
        try
        {
            mask = Convert.ToInt32(operand, 8);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            mask = -1;
        }
        if (mask is < 0 or > 0x1FF)
        {
            foreach (var call in Fail("umask", $"Illegal number: {operand}", 2)) yield return call;
            yield break;
        }
        yield return new Umask(mask);
        State.LastStatus = 0;
    }
}
