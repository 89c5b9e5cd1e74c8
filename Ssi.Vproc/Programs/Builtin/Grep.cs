// grep: lines that match POSIX basic or extended regular expressions (translated to .NET's) or fixed strings, in files and trees.
using System.Globalization;
using Ssi.Actors.Identity;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// grep [OPTION]... PATTERNS [FILE|-]...: exit 0 if a line was selected, 1 if none, 2 on an error (unless -q found
/// one). The work is split three ways: this program reads the patterns, walks the files (-r through ReadDirectory
/// and Stat, as ls would) and does the I/O; <see cref="PosixRegex"/> translates the patterns; <see cref="GrepSearch"/>
/// decides what each record prints. Only the pattern text is kept across reads, never a Regex object, so the state
/// stays plain data. Iterator bodies here loop over lists by index.
/// </summary>
public sealed class Grep : Program
{
    private static readonly OptionSpec Spec = new("EFGPacHhilLnqsvwxyUe:f:oA:B:C:bzZm:rR0123456789",
        ["extended-regexp=E", "fixed-strings=F", "basic-regexp=G", "perl-regexp=P", "text=a", "count=c", "with-filename=H", "no-filename=h",
         "ignore-case=i", "files-with-matches=l", "files-without-match=L", "line-number=n", "quiet=q", "silent=q",
         "no-messages=s", "invert-match=v", "word-regexp=w", "line-regexp=x", "regexp=e", "file=f", "only-matching=o",
         "after-context=A", "before-context=B", "context=C", "byte-offset=b", "null-data=z", "null=Z", "max-count=m",
         "recursive=r", "dereference-recursive=R", "binary=U", "include:", "exclude:", "exclude-dir:", "group-separator:",
         "no-group-separator", "label:", "line-buffered", "color::", "colour::"],
        """
        Usage: grep [OPTION]... PATTERNS [FILE]...
        Search for PATTERNS in each FILE.

        Pattern selection and interpretation:
          -E, --extended-regexp     PATTERNS are extended regular expressions
          -F, --fixed-strings       PATTERNS are strings
          -G, --basic-regexp        PATTERNS are basic regular expressions
          -P, --perl-regexp         PATTERNS are .NET (Perl-like) regular expressions
          -e, --regexp=PATTERNS     use PATTERNS for matching
          -f, --file=FILE           take PATTERNS from FILE
          -i, --ignore-case         ignore case distinctions in patterns and data
          -w, --word-regexp         match only whole words
          -x, --line-regexp         match only whole lines
          -z, --null-data           a data line ends in 0 byte, not newline

        Miscellaneous:
          -s, --no-messages         suppress error messages
          -v, --invert-match        select non-matching lines
              --help                display this help text and exit

        Output control:
          -m, --max-count=NUM       stop after NUM selected lines
          -b, --byte-offset         print the byte offset with output lines
          -n, --line-number         print line number with output lines
          -H, --with-filename       print file name with output lines
          -h, --no-filename         suppress the file name prefix on output
          -o, --only-matching       show only nonempty parts of lines that match
          -q, --quiet, --silent     suppress all normal output
          -a, --text                equivalent to --binary-files=text
              --label=LABEL         use LABEL as the standard input file name
              --line-buffered       (output is written as each read is searched)
          -r, --recursive           search directories, following only the symbolic links named on the command line
          -R, --dereference-recursive  likewise, but follow all symlinks
              --include=GLOB        search only files that match GLOB
              --exclude=GLOB        skip files that match GLOB
              --exclude-dir=GLOB    skip directories that match GLOB
          -L, --files-without-match  print only names of FILEs with no selected lines
          -l, --files-with-matches  print only names of FILEs with selected lines
          -c, --count               print only a count of selected lines per FILE
          -Z, --null                print 0 byte after FILE name

        Context control:
          -B, --before-context=NUM  print NUM lines of leading context
          -A, --after-context=NUM   print NUM lines of trailing context
          -C, --context=NUM         print NUM lines of output context
          -NUM                      same as --context=NUM
              --group-separator=SEP  print SEP on line between matches with context
              --no-group-separator  do not print separator for matches with context

        When FILE is '-', read standard input.  With no FILE, read '.' if
        recursive, '-' otherwise.  With fewer than two FILEs, assume -h.
        Exit status is 0 if any line is selected, 1 otherwise;
        if any error occurs and -q is not given, the exit status is 2.

        """, FailStatus: 2) { Synopsis = "Usage: grep [OPTION]... PATTERNS [FILE]...\n" };

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var (format, badNumber) = Format(o);
        if (badNumber is not null)
        {
            yield return Io.Complain(p, badNumber);
            yield return new Exit(2);
            yield break;
        }
        var operands = o.Operands;
        var patterns = new List<string>();
        var given = false;
        for (var i = 0; i < o.Given.Count; i++)
        {
            var option = o.Given[i];
            if (option.Name is not ("e" or "f")) continue;
            given = true;
            if (option.Name == "e")
            {
                patterns.AddRange(option.Value!.Split('\n'));
                continue;
            }
            var chunks = new List<byte[]>();
            foreach (var call in ReadPatterns(p, option.Value!, chunks)) yield return call;
            if (p.Failed)
            {
                yield return Io.Report(p, option.Value!);
                yield return new Exit(2);
                yield break;
            }
            patterns.AddRange(LineBuffers.Split(Io.Concat(chunks)).Select(line => Io.Text(line)));
        }
        if (!given && operands.Count > 0)
        {
            patterns.AddRange(operands[0].Split('\n'));
            operands = operands.Skip(1).ToList();
        }
        else if (!given)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, complaint: null)) yield return call;
            yield break;
        }
        var matchers = o.Given.Where(g => g.Name is "E" or "F" or "G" or "P").Select(g => g.Name).Distinct().ToList();
        var refusal = matchers.Count > 1 ? "conflicting matchers specified"
            : matchers is ["P"] && patterns.Count != 1 ? "the -P option only supports a single pattern" : null;
        if (refusal is not null)
        {
            yield return Io.Complain(p, refusal);
            yield return new Exit(2);
            yield break;
        }
        var mode = matchers.Count == 0 ? PosixRegex.Syntax.Basic : PosixRegex.SyntaxOf(matchers[0][0]);
        var built = PosixRegex.Build(patterns, mode, o.Has('x'), o.Has('w'), o.Has('i') || o.Has('y'));
        if (built.Error is not null)
        {
            yield return Io.Complain(p, built.Error);
            yield return new Exit(2);
            yield break;
        }
        for (var i = 0; i < built.Warnings.Count; i++) yield return Io.Complain(p, built.Warnings[i]);
        if (format.MaxCount == 0) yield return new Exit(1);

        var search = new GrepSearch(built.Patterns!, format);
        var files = new GrepFiles(o, operands);
        var quiet = o.Has('q');
        var silent = o.Has('s');
        var names = o.LastOf("Hh");
        var binaryAware = !o.Has('a') && format.Terminator == (byte)'\n';
        var selectedAny = false;
        var error = false;
        while (true)
        {
            foreach (var call in files.Next(p, silent)) yield return call;
            if (files.Done) break;
            var file = files.Path;
            var shown = file == "-" ? o.Value("label") ?? "(standard input)" : file;
            var fd = Io.Stdin;
            if (file != "-")
            {
                yield return new Open(file);
                if (p.Failed)
                {
                    if (!silent) yield return Io.Report(p, file);
                    error = true;
                    continue;
                }
                fd = p.Result.Fd;
            }
            search.Start(names == 'H' || (names is null && (operands.Count > 1 || !files.IsOperand)) ? shown : null);
            var lines = new LineSplitter(format.Terminator);
            while (!search.Done)
            {
                yield return new Read(fd, Io.Chunk);
                if (p.Failed)
                {
                    if (!silent) yield return Io.Report(p, file);
                    error = true;
                    break;
                }
                var data = p.Result.Data;
                // GNU's binary file: NULs end lines too, and a selected line is reported instead of printed.
                if (binaryAware && Array.IndexOf(data, (byte)0) >= 0 && !search.Binary) search.Binary = true;
                if (search.Binary) data = data.Select(b => b == 0 ? (byte)'\n' : b).ToArray();
                var records = data.Length == 0 ? [] : lines.Feed(data);
                if (data.Length == 0 && lines.Rest() is { } last) records.Add(last);
                var output = search.Feed(records);
                if (search.TimedOut)
                {
                    yield return Io.Complain(p, "the pattern took too long to match");
                    yield return new Exit(2);
                    yield break;
                }
                if (quiet && search.Selected > 0) yield return new Exit(0);
                if (output.Length > 0)
                {
                    yield return new Write(Io.Stdout, output);
                    if (p.Failed)
                    {
                        yield return Io.Report(p, "write error");
                        yield return new Exit(2);
                        yield break;
                    }
                }
                if (data.Length == 0) break;
            }
            if (fd != Io.Stdin) yield return new Close(fd);
            var end = search.Finish(shown);
            if (end.Length > 0) yield return new Write(Io.Stdout, end);
            if (search.BinaryMatched && !silent) yield return Io.Complain(p, $"{shown}: binary file matches");
            selectedAny |= search.Selected > 0;
        }
        error |= files.Failed;
        yield return new Exit(error && !(quiet && selectedAny) ? 2 : selectedAny ? 0 : 1);
    }

    /// <summary>The output options, or the complaint about a bad number as GNU grep words it.</summary>
    private static (GrepFormat Format, string? Error) Format(Options o)
    {
        string? bad = null;
        int? Length(string? text)
        {
            if (text is null) return null;
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return (int)Math.Min(n, int.MaxValue);
            bad ??= $"{text}: invalid context length argument";
            return null;
        }
        // -C NUM, or -NUM: the digits of one run of digit options ("-12", "-1 -2" alike here).
        int? around = null;
        var digits = "";
        for (var i = 0; i < o.Given.Count; i++)
        {
            var name = o.Given[i].Name;
            if (name is [>= '0' and <= '9'])
            {
                digits = (i > 0 && o.Given[i - 1].Name is [>= '0' and <= '9'] ? digits : "") + name;
                around = Length(digits);
            }
            else if (name == "C") around = Length(o.Given[i].Value);
        }
        var after = Length(o.Value('A')) ?? around;
        var before = Length(o.Value('B')) ?? around;
        long? max = null;
        if (o.Value('m') is { } m)
        {
            if (!long.TryParse(m, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return (new GrepFormat(), "invalid max count");
            max = n < 0 ? null : n;
        }
        var format = new GrepFormat
        {
            Invert = o.Has('v'), OnlyMatching = o.Has('o'), Numbers = o.Has('n'), ByteOffsets = o.Has('b'), Count = o.Has('c'),
            ListMatching = o.LastOf("lL") == 'l', ListOthers = o.LastOf("lL") == 'L', Quiet = o.Has('q'), NulAfterName = o.Has('Z'),
            Context = after is not null || before is not null, After = after ?? 0, Before = before ?? 0, MaxCount = max,
            Terminator = o.Has('z') ? (byte)0 : (byte)'\n',
            GroupSeparator = o.Has("no-group-separator") ? null : o.Value("group-separator") ?? "--",
        };
        return (format, bad);
    }

    /// <summary>The content of a -f FILE ("-": standard input) into <paramref name="chunks"/>; p.Failed after a failure.</summary>
    private static IEnumerable<SystemCall> ReadPatterns(ProcessContext p, string file, List<byte[]> chunks)
    {
        var fd = Io.Stdin;
        if (file != "-")
        {
            yield return new Open(file);
            if (p.Failed) yield break;
            fd = p.Result.Fd;
        }
        foreach (var call in Io.ReadAll(p, fd, chunks)) yield return call;
        if (p.Failed || fd == Io.Stdin) yield break;
        yield return new Close(fd);
    }
}
