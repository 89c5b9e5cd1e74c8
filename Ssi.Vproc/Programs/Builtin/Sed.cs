// sed: the stream editor, with GNU sed's commands, addresses, options and messages for what it supports.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// sed [OPTION]... {script} [FILE]...: exit 0; 1 for a bad command line or script; 2 if an input could not be read;
/// 4 for an I/O error; q and Q give their own. The work is split three ways: this program reads the script, the
/// inputs and writes the outputs (stdout, w files, the temporary file of -i); <see cref="SedScript"/> parses;
/// <see cref="SedEngine"/> runs the commands over lines and hands back output chunks.
/// </summary>
public sealed class Sed : Program
{
    private const string Usage = """
        Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

          -n, --quiet, --silent
                         suppress automatic printing of pattern space
          -e script, --expression=script
                         add the script to the commands to be executed
          -f script-file, --file=script-file
                         add the contents of script-file to the commands to be executed
          -i[SUFFIX], --in-place[=SUFFIX]
                         edit files in place (makes backup if SUFFIX supplied)
          -l N, --line-length=N
                         specify the desired line-wrap length for the `l' command
          -E, -r, --regexp-extended
                         use extended regular expressions in the script
                         (for portability use POSIX -E).
          -s, --separate
                         consider files as separate rather than as a single,
                         continuous long stream.
          -u, --unbuffered
                         (accepted; output is written after each read)
          -z, --null-data
                         separate lines by NUL characters
              --help     display this help and exit

        Commands: {} ! : = a b c d D g G h H i l n N p P q Q r s t T w x y z #
        Addresses: NUMBER, FIRST~STEP, $, /REGEX/[I], \cREGEXc[I], ADDR1,ADDR2, ADDR1,+N, ADDR1,~N, 0,/REGEX/
        s flags: g, p, NUMBER, i/I, w FILE; the replacement knows &, \1-\9, \n, \t, \U, \L, \u, \l, \E.

        If no -e, --expression, -f, or --file option is given, then the first
        non-option argument is taken as the sed script to interpret.  All
        remaining arguments are names of input files; if no input files are
        specified, then the standard input is read.

        """;

    private static readonly OptionSpec Spec = new("nrEsuze:f:l:i::",
        ["quiet=n", "silent=n", "regexp-extended=E", "separate=s", "unbuffered=u", "null-data=z", "expression=e", "file=f",
         "line-length=l", "in-place::"], Usage);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (o.WantsHelp && o.Error is null)
        {
            yield return Io.Out(Usage);
            yield break;
        }
        if (o.Error is not null)
        {
            yield return Io.Err(Io.Text(p.ErrorLine(o.Error)) + Usage);
            yield return new Exit(1);
            yield break;
        }
        var lineLength = 70;
        if (o.Value('l') is { } width && !int.TryParse(width, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out lineLength))
        {
            yield return Io.Complain(p, $"invalid line length: {width}");
            yield return new Exit(1);
            yield break;
        }
        var sources = new List<SedSource>();
        var expressions = 0;
        for (var i = 0; i < o.Given.Count; i++)
        {
            var option = o.Given[i];
            if (option.Name == "e") sources.Add(new SedSource(option.Value!, $"-e expression #{++expressions}", false));
            if (option.Name != "f") continue;
            var chunks = new List<byte[]>();
            foreach (var call in ReadFile(p, option.Value!, chunks)) yield return call;
            if (p.Failed)
            {
                yield return Io.Report(p, $"couldn't open file {option.Value}");
                yield return new Exit(1);
                yield break;
            }
            var text = Io.Text(Io.Concat(chunks));
            sources.Add(new SedSource(text.EndsWith('\n') ? text[..^1] : text, $"file {option.Value}", true));
        }
        var operands = o.Operands.ToList();
        if (sources.Count == 0)
        {
            if (operands.Count == 0)
            {
                yield return Io.Err(Usage);
                yield return new Exit(1);
                yield break;
            }
            sources.Add(new SedSource(operands[0], "-e expression #1", false));
            operands.RemoveAt(0);
        }
        var (script, error, failure) = SedScript.Parse(sources, o.Has('E') || o.Has('r'));
        if (script is null)
        {
            yield return Io.Complain(p, error!);
            yield return new Exit(failure);
            yield break;
        }
        var inPlace = o.Has('i') || o.Has("in-place");
        var suffix = o.Given.FindLast(g => g.Name is "i" or "in-place")?.Value ?? "";
        if (inPlace && operands.Count == 0)
        {
            yield return Io.Complain(p, "no input files");
            yield return new Exit(1);
            yield break;
        }
        var delimiter = o.Has('z') ? (byte)0 : (byte)'\n';
        var engine = new SedEngine(script.Commands, o.Has('n') || script.Quiet, delimiter, lineLength);
        var files = new Dictionary<string, Fd>();
        foreach (var call in OpenWriteFiles(p, script.Commands, files)) yield return call;
        if (p.Failed) yield break;
        var inputs = operands.Count > 0 ? operands : ["-"];
        var separate = o.Has('s') || inPlace;
        var status = 0;
        for (var i = 0; i < inputs.Count && !engine.Quit; i++)
        {
            var name = inputs[i];
            var output = Io.Stdout;
            var temporary = "";
            if (inPlace)
            {
                yield return new Stat(name);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"can't read {name}");
                    status = 2;
                    continue;
                }
                if (p.Result.Stat!.Type != InodeType.Regular)
                {
                    yield return Io.Complain(p, $"couldn't edit {name}: not a regular file");
                    status = 4;
                    continue;
                }
                var mode = p.Result.Stat.Mode & 0xFFF;
                yield return new GetPid();
                var slash = name.LastIndexOf('/');
                temporary = (slash >= 0 ? name[..(slash + 1)] : "") + $"sed{p.Result.Value}.{i}";
                yield return new Open(temporary, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive, mode);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"couldn't open temporary file {temporary}");
                    yield return new Exit(4);
                    yield break;
                }
                output = p.Result.Fd;
            }
            var input = Io.Stdin;
            if (name != "-" || inPlace)
            {
                yield return new Open(name);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"can't read {name}");
                    status = 2;
                    continue;
                }
                input = p.Result.Fd;
            }
            var lines = new LineSplitter(delimiter);
            while (!engine.Quit)
            {
                yield return new Read(input, Io.Chunk);
                if (p.Failed)
                {
                    var readError = p.Result.Error!.Value;
                    foreach (var call in Flush(p, engine, output, files)) yield return call;
                    yield return Io.Complain(p, $"read error on {(name == "-" ? "stdin" : name)}: {readError.Describe()}");
                    yield return new Exit(4);
                    yield break;
                }
                var data = p.Result.Data;
                var fed = data.Length == 0 ? [] : lines.Feed(data);
                var records = fed.Select(line => (Io.Text(line), true)).ToList();
                if (data.Length == 0 && lines.Rest() is { } last) records.Add((Io.Text(last), false));
                engine.Feed(records);
                if (data.Length == 0 && (separate || i == inputs.Count - 1)) engine.EndInput();
                engine.Run();
                foreach (var call in Flush(p, engine, output, files)) yield return call;
                if (p.Failed) yield break;
                if (data.Length == 0) break;
            }
            if (input != Io.Stdin) yield return new Close(input);
            if (separate) engine.StartFile();
            if (!inPlace) continue;
            yield return new Close(output);
            if (suffix.Length > 0)
            {
                var backup = suffix.Contains('*') ? suffix.Replace("*", PathText.BaseName(name)) : name + suffix;
                if (!backup.Contains('/') && name.Contains('/')) backup = name[..(name.LastIndexOf('/') + 1)] + backup;
                yield return new Rename(name, backup);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"cannot rename {name}");
                    yield return new Exit(4);
                    yield break;
                }
            }
            yield return new Rename(temporary, name);
            if (p.Failed)
            {
                yield return Io.Report(p, $"cannot rename {temporary}");
                yield return new Exit(4);
                yield break;
            }
        }
        if (!engine.Quit && !separate)
        {
            // The last input could not be opened: the lines before it are still waiting for '$' to be known.
            engine.EndInput();
            engine.Run();
            foreach (var call in Flush(p, engine, Io.Stdout, files)) yield return call;
            if (p.Failed) yield break;
        }
        if (engine.Error is not null)
        {
            yield return Io.Complain(p, engine.Error);
            yield return new Exit(1);
            yield break;
        }
        yield return new Exit(engine.Quit ? engine.ExitCode : status);
    }

    /// <summary>The w files of the script, each created (truncated) once before any input is read, as GNU does.</summary>
    private static IEnumerable<SystemCall> OpenWriteFiles(ProcessContext p, List<SedCommand> commands, Dictionary<string, Fd> files)
    {
        for (var i = 0; i < commands.Count; i++)
        {
            var name = commands[i].Name == 'w' ? commands[i].Text : commands[i].Substitution?.WriteTo;
            if (name is null || name is "/dev/stdout" or "/dev/stderr" || files.ContainsKey(name)) continue;
            yield return new Open(name, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Truncate);
            if (p.Failed)
            {
                yield return Io.Report(p, $"couldn't open file {name}");
                yield return new Exit(4);
                yield break;
            }
            files[name] = p.Result.Fd;
        }
        p.Result = SysResult.Ok(0);
    }

    /// <summary>Writes what the engine produced: runs of standard output together, w files, and r files copied.</summary>
    private static IEnumerable<SystemCall> Flush(ProcessContext p, SedEngine engine, Fd output, Dictionary<string, Fd> files)
    {
        var chunks = engine.Output.ToList();
        engine.Output.Clear();
        var pending = new List<byte>();
        for (var i = 0; i <= chunks.Count; i++)
        {
            var chunk = i < chunks.Count ? chunks[i] : null;
            var target = chunk?.Target switch
            {
                null => output,
                "/dev/stdout" => Io.Stdout,
                "/dev/stderr" => Io.Stderr,
                { } name => files[name],
            };
            if (chunk is not null && target == output && chunk.CopyFile is null)
            {
                pending.AddRange(chunk.Bytes);
                continue;
            }
            if (pending.Count > 0)
            {
                yield return new Write(output, [.. pending]);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"couldn't write {pending.Count} items to {(output == Io.Stdout ? "stdout" : "output file")}");
                    yield return new Exit(4);
                    yield break;
                }
                pending.Clear();
            }
            if (chunk is null) break;
            if (chunk.CopyFile is null)
            {
                yield return new Write(target, chunk.Bytes);
                continue;
            }
            // r: a file that cannot be read is silently skipped, as POSIX asks.
            var copied = new List<byte[]>();
            foreach (var call in ReadFile(p, chunk.CopyFile, copied)) yield return call;
            if (copied.Count > 0) yield return new Write(output, Io.Concat(copied));
        }
        p.Result = SysResult.Ok(0);
    }

    private static IEnumerable<SystemCall> ReadFile(ProcessContext p, string file, List<byte[]> chunks)
    {
        var fd = Io.Stdin;
        if (file is not ("-" or "/dev/stdin"))
        {
            yield return new Open(file);
            if (p.Failed) yield break;
            fd = p.Result.Fd;
        }
        foreach (var call in Io.ReadAll(p, fd, chunks)) yield return call;
        if (fd == Io.Stdin) yield break;
        var failure = p.Result;
        yield return new Close(fd);
        p.Result = failure;
    }
}
