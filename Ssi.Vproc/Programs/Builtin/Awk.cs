// awk: POSIX awk (mawk is the reference for what POSIX leaves open); this file reads the command line and the program.
using Ssi.Actors.Errors;
namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// awk [-F fs] [-v var=value]... {'program' | -f progfile...} [file | var=value]...: status 0, exit's value, or 2 for a
/// bad command line, a syntax error, an input that cannot be opened and run-time errors. <see cref="AwkParser"/>
/// parses; <see cref="AwkInterpreter"/> runs, making every system call through this program.
/// </summary>
public sealed class Awk : Program
{
    private const string Usage = """
        Usage: awk [-F fs] [-v var=value]... 'program' [file | var=value]...
           or: awk [-F fs] [-v var=value]... -f progfile [-f progfile]... [file | var=value]...

          -F fs            the input field separator (FS); '\t' and other escapes are read as in strings
          -v var=value     assign before the program starts (before BEGIN)
          -f progfile      read the program from progfile ("-" for standard input); may be repeated
              --help       display this help and exit

        POSIX awk: patterns (BEGIN, END, expressions, /regex/, ranges), fields and NF, getline, printf,
        user functions, arrays, and the built-in functions of POSIX. "cmd" | getline, print | "cmd" and
        system() run /bin/sh.

        """;

    private static readonly OptionSpec Spec = new("+F:v:f:", [], Usage, FailStatus: 2);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var operands = o.Operands.ToList();
        var text = "";
        var files = o.All('f');
        if (files.Count == 0)
        {
            if (operands.Count == 0)
            {
                yield return Io.Err(Usage);
                yield return new Exit(2);
                yield break;
            }
            text = operands[0];
            operands.RemoveAt(0);
        }
        for (var i = 0; i < files.Count; i++)
        {
            var chunks = new List<byte[]>();
            var fd = Io.Stdin;
            if (files[i] != "-" && files[i] != "/dev/stdin")
            {
                yield return new Open(files[i]);
                if (p.Failed)
                {
                    yield return Io.Complain(p, $"couldn't open file {files[i]} ({p.Result.Error!.Value.Describe()})");
                    yield return new Exit(2);
                    yield break;
                }
                fd = p.Result.Fd;
            }
            foreach (var call in Io.ReadAll(p, fd, chunks)) yield return call;
            if (fd != Io.Stdin) yield return new Close(fd);
            text += Io.Text(Io.Concat(chunks)) + "\n";
        }
        AwkProgram program;
        string? error = null;
        try
        {
            program = AwkParser.Parse(text);
        }
        catch (AwkSyntaxException e)
        {
            program = null!;
            error = e.Message;
        }
        if (error is not null)
        {
            yield return Io.Complain(p, error);
            yield return new Exit(2);
            yield break;
        }
        var awk = new AwkInterpreter(program, [p.Tool, .. operands], p.Environment);
        awk.Start(p);
        try
        {
            if (o.Value('F') is { } fs) awk.Assign("FS", fs);
            foreach (var assignment in o.All('v'))
            {
                var eq = assignment.IndexOf('=');
                if (eq <= 0) throw new AwkRuntimeException($"improper assignment: -v {assignment}");
                awk.Assign(assignment[..eq], assignment[(eq + 1)..]);
            }
        }
        catch (AwkRuntimeException e)
        {
            error = e.Message;
        }
        if (error is not null)
        {
            yield return Io.Complain(p, error);
            yield return new Exit(2);
            yield break;
        }
        // Stepped by hand so that a run-time error, thrown between two calls, becomes a message and status 2.
        var run = awk.Run(p).GetEnumerator();
        while (true)
        {
            SystemCall? call = null;
            try
            {
                if (run.MoveNext()) call = run.Current;
            }
            catch (AwkRuntimeException e)
            {
                error = e.Message;
            }
            if (error is not null)
            {
                yield return Io.Complain(p, error);
                yield return new Exit(2);
                yield break;
            }
            if (call is null) break;
            yield return call;
        }
        yield return new Exit(awk.Status);
    }
}
