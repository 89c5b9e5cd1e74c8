// dbdemo, the HOWTO's migration demo: prints records while computing, and moves to the node whose number is typed.
using System.Globalization;
using System.Text;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// <c>dbdemo FILE [SECONDS]</c>: prints each record (line) of FILE (looked up in /usr/share/dbdemo if not found) with
/// the node it is on, then computes for SECONDS (default 1; real CPU work, not a sleep). Between records it reads
/// keys without waiting: 1..9 moves it to that node, Enter makes it move to a random node every other record until
/// another key, q quits. Keys are read in non-canonical mode, so they need no Enter.
/// </summary>
public sealed class Dbdemo : Program
{
    public const string DataDirectory = "/usr/share/dbdemo";

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        if (p.Args.Length < 2)
        {
            yield return Io.Err("usage: dbdemo FILE [SECONDS]\n");
            yield return new Exit(2);
        }
        var seconds = 1.0;
        if (p.Args.Length > 2 && (!double.TryParse(p.Args[2], NumberStyles.Float, CultureInfo.InvariantCulture, out seconds) || seconds < 0))
        {
            yield return Io.Complain(p, $"invalid number of seconds '{p.Args[2]}'");
            yield return new Exit(2);
        }
        var name = p.Args[1];
        yield return new Open(name);
        if (p.Failed && !name.Contains('/')) yield return new Open($"{DataDirectory}/{name}");
        if (p.Failed)
        {
            yield return Io.Report(p, name);
            yield return new Exit(1);
        }
        var fd = p.Result.Fd;
        var text = new StringBuilder();
        while (true)
        {
            yield return new Read(fd, Io.Chunk);
            if (p.Failed || p.Result.Data.Length == 0) break;
            text.Append(Encoding.UTF8.GetString(p.Result.Data));
        }
        yield return new Close(fd);
        var records = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        yield return new SetTerminalMode(Io.Stdin, Canonical: false);
        yield return new GetTime();
        var random = (ulong)p.Result.Value | 1;
        var wandering = false;
        for (var i = 0; i < records.Length; i++)
        {
            yield return new GetNode();
            yield return Io.Out($"{records[i]}  (node {p.Result.Int})\n");

            // About SECONDS of real computation, in slices, so that keys, signals and moves get in between.
            yield return new GetTime();
            var start = p.Result.Value;
            var work = random;
            while (true)
            {
                for (var k = 0; k < 2_000_000; k++) work = work * 6364136223846793005UL + 1442695040888963407UL;
                yield return new GetTime();
                if (p.Result.Value - start >= seconds * 1e6) break;
            }
            random ^= work;

            yield return new Read(Io.Stdin, 64, TimeSpan.Zero);
            var keys = p.Failed ? [] : p.Result.Data;
            for (var k = 0; k < keys.Length; k++)
            {
                var key = (char)keys[k];
                if (key == 'q')
                {
                    yield return new SetTerminalMode(Io.Stdin, Canonical: true);
                    yield return Io.Out("dbdemo: quit\n");
                    yield return new Exit(0);
                }
                if (key is >= '1' and <= '9')
                {
                    wandering = false;
                    yield return new Migrate(new NodeNumber(key - '0'));
                    if (p.Failed) yield return Io.Out($"dbdemo: cannot move to node {key}: {p.Result.Error!.Value.Describe()}\n");
                }
                else if (key is '\n' or '\r') wandering = true;
                else wandering = false;
            }
            if (wandering && i % 2 == 1)
            {
                yield return new ListNodes();
                var nodes = p.Result.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                random = random * 6364136223846793005UL + 1442695040888963407UL;
                var target = new NodeNumber(int.Parse(nodes[(int)(random >> 33) % nodes.Length], CultureInfo.InvariantCulture));
                yield return new Migrate(target);
            }
        }
        yield return new SetTerminalMode(Io.Stdin, Canonical: true);
    }

    /// <summary>The ICAO spelling alphabet, the records of /usr/share/dbdemo/alphabet.</summary>
    public static readonly string Alphabet = string.Join('\n',
        "Alfa", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett", "Kilo", "Lima", "Mike",
        "November", "Oscar", "Papa", "Quebec", "Romeo", "Sierra", "Tango", "Uniform", "Victor", "Whiskey", "X-ray",
        "Yankee", "Zulu") + "\n";
}
