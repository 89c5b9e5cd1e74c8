// The verbs of `ssi fs`: ls, stat, where, cat, put, get, mkdir, mknod, mkfifo, rm, mv, ln, chmod, chown, truncate.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;
using Ssi.Host.Client;

namespace Ssi.Host.Cli.Commands.Fs;

public static class FsVerbs
{
    /// <summary>Bytes per read or write message: well under the transport's frame size.</summary>
    internal const int Block = 256 * 1024;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static IEnumerable<Command> All(ClientOptions common)
    {
        var path = () => new Argument<string>("path") { Description = "absolute path in the cluster" };

        yield return Verb(common, "ls", "List a directory (names; -l for details).", [path()], [Flag("-l", "long listing")], async (ctx, args) =>
        {
            var dir = args.Text(0);
            var entries = await ctx.Files.ListAsync(dir, ctx.Ct);
            if (!args.Flag("-l") && !ctx.Json)
            {
                foreach (var e in entries) Console.WriteLine(e.Name);
                return;
            }
            var rows = new List<InodeAttributes>();
            foreach (var e in entries) rows.Add(await ctx.Files.StatAsync(Join(dir, e.Name), followLast: false, about: e.Name, ct: ctx.Ct));
            if (ctx.Json)
            {
                Console.WriteLine(JsonSerializer.Serialize(entries.Zip(rows, (e, a) => Describe(e.Name, a)), Indented));
                return;
            }
            foreach (var (e, a) in entries.Zip(rows))
                Console.WriteLine($"{ModeBits.Describe(a.Type, a.Mode)} {a.Nlink,3} {a.Uid,5} {a.Gid,5} {SizeColumn(a),10} {a.Mtime.UtcDateTime:yyyy-MM-dd HH:mm} {e.Name}");
        });

        yield return Verb(common, "stat", "Show a file's attributes (of a symlink itself with -h).", [path()], [Flag("-h", "do not follow a final symlink")], async (ctx, args) =>
        {
            var a = await ctx.Files.StatAsync(args.Text(0), !args.Flag("-h"), ct: ctx.Ct);
            if (ctx.Json)
            {
                Console.WriteLine(JsonSerializer.Serialize(Describe(args.Text(0), a), Indented));
                return;
            }
            Console.WriteLine($"  File: {args.Text(0)}");
            Console.WriteLine($"  Size: {a.Size}  Type: {a.Type}  Inode: {a.Ino}  Links: {a.Nlink}" + (a.IsDevice ? $"  Device type: {a.Device}" : ""));
            Console.WriteLine($"Access: ({Convert.ToString(a.Mode, 8).PadLeft(4, '0')}/{ModeBits.Describe(a.Type, a.Mode)})  Uid: {a.Uid}  Gid: {a.Gid}");
            Console.WriteLine($"Access: {a.Atime:O}\nModify: {a.Mtime:O}\nChange: {a.Ctime:O}");
        });

        yield return Verb(common, "where", "Show the node that owns a file's inode now (its reads and writes run there).", [path()], [], async (ctx, args) =>
        {
            var owner = await ctx.Files.WhereAsync(args.Text(0), ctx.Ct);
            Console.WriteLine(ctx.Json
                ? JsonSerializer.Serialize(new { path = args.Text(0), ino = owner.Ino, node = owner.Node }, Indented)
                : owner.Node.ToString());
        });

        yield return Verb(common, "cat", "Print a file's contents.", [path()], [], async (ctx, args) =>
        {
            await using var stdout = StandardOutput.Open();
            await ReadAllAsync(ctx, args.Text(0), stdout);
        });

        yield return Verb(common, "get", "Copy a cluster file to a local file.", [path(), new Argument<string>("local") { Description = "local file to write" }], [], async (ctx, args) =>
        {
            await using var local = File.Create(RawArguments.HostPath(args.Text(1)));
            var bytes = await ReadAllAsync(ctx, args.Text(0), local);
            if (!ctx.Json) Console.Error.WriteLine($"{args.Text(0)} -> {args.Text(1)}: {bytes} bytes");
        });

        yield return Verb(common, "put",
            "Copy a local file into the cluster, atomically: readers see the old file or the new one. The data goes to a temporary " +
            "name beside PATH (.NAME.ssi-put-RANDOM, removed on failure or Ctrl-C), then replaces PATH by a rename, so it needs " +
            "write permission on PATH's directory. The new file keeps the replaced file's rwx bits (0644 if new; not set-uid/set-gid) " +
            "and belongs to the caller; a symlink at PATH is replaced, not written through.",
            [new Argument<string>("local") { Description = "local file to read" }, path()], [], async (ctx, args) =>
        {
            var (local, target) = (args.Text(0), args.Text(1));
            var bytes = await FsPut.RunAsync(ctx, local, target);
            if (!ctx.Json) Console.Error.WriteLine($"{local} -> {target}: {bytes} bytes");
        });

        yield return Verb(common, "mkdir", "Make a directory.", [path()], [Valued("-m", "mode in octal (default 755)")], async (ctx, args) =>
            await ctx.Files.MkdirAsync(args.Text(0), args.Mode("-m", 0x1ED), ctx.Ct));

        yield return Verb(common, "mknod",
            "Make a character (c) or block (b) device node with its MAJOR and MINOR numbers (root only), or a FIFO (p). " +
            "The cluster serves the character devices 1,3 null, 1,5 zero, 1,7 full, 1,8 random and 1,9 urandom; others open with ENXIO.",
            [path(), new Argument<string>("type") { Description = "c, b or p" }, Optional("major", "major device number (c and b)"), Optional("minor", "minor device number (c and b)")],
            [Valued("-m", "mode in octal (default 644)")], async (ctx, args) =>
        {
            var (type, device) = FsMknod.Parse(args.Text(1), args.Optional(2), args.Optional(3));
            await ctx.Files.MknodAsync(args.Text(0), type, args.Mode("-m", 0x1A4), device, ctx.Ct);
        });

        yield return Verb(common, "mkfifo", "Make a FIFO (named pipe).", [path()], [Valued("-m", "mode in octal (default 644)")], async (ctx, args) =>
            await ctx.Files.MknodAsync(args.Text(0), InodeType.Fifo, args.Mode("-m", 0x1A4), DeviceNumber.None, ctx.Ct));

        yield return Verb(common, "rm", "Remove a file (a directory with -d, which must be empty).", [path()], [Flag("-d", "remove an empty directory")], async (ctx, args) =>
        {
            if (args.Flag("-d")) await ctx.Files.RmdirAsync(args.Text(0), ctx.Ct);
            else await ctx.Files.UnlinkAsync(args.Text(0), ctx.Ct);
        });

        yield return Verb(common, "mv", "Rename a file or directory, atomically, also across directories.",
            [new Argument<string>("from"), new Argument<string>("to")], [], async (ctx, args) =>
            await ctx.Files.RenameAsync(args.Text(0), args.Text(1), ct: ctx.Ct));

        yield return Verb(common, "ln", "Make a hard link (a symbolic link with -s).",
            [new Argument<string>("target"), new Argument<string>("link")], [Flag("-s", "symbolic link")], async (ctx, args) =>
        {
            if (args.Flag("-s")) await ctx.Files.SymlinkAsync(args.Text(0), args.Text(1), ctx.Ct);
            else await ctx.Files.LinkAsync(args.Text(0), args.Text(1), ctx.Ct);
        });

        yield return Verb(common, "chmod", "Change the mode bits (octal, e.g. 640 or 1777).",
            [new Argument<string>("mode"), path()], [], async (ctx, args) =>
            await ctx.Files.ChmodAsync(args.Text(1), ParseMode(args.Text(0)), ct: ctx.Ct));

        yield return Verb(common, "chown", "Change the owner and/or group (UID, UID:GID or :GID).",
            [new Argument<string>("owner"), path()], [], async (ctx, args) =>
        {
            var (uid, gid) = ParseOwner(args.Text(0));
            await ctx.Files.ChownAsync(args.Text(1), uid, gid, ctx.Ct);
        });

        yield return Verb(common, "truncate", "Set a file's size, cutting or extending it with zeros.",
            [new Argument<long>("size"), path()], [], async (ctx, args) =>
        {
            var size = args.Long(0);
            if (size < 0) throw CliException.Usage("size must not be negative");
            await ctx.Files.TruncateAsync(args.Text(1), size, ctx.Ct);
        });
    }

    private static async Task<long> ReadAllAsync(Context ctx, string path, Stream output)
    {
        long offset = 0;
        while (true)
        {
            var data = await ctx.Files.ReadAsync(path, offset, Block, ctx.Ct);
            if (data.Length == 0) return offset;
            await output.WriteAsync(data);
            offset += data.Length;
        }
    }

    /// <summary>The size, or for a device its numbers ("1, 3"), as ls -l shows them.</summary>
    private static string SizeColumn(InodeAttributes a) =>
        a.IsDevice ? $"{a.Device.Major}, {a.Device.Minor}" : a.Size.ToString(CultureInfo.InvariantCulture);

    private static string Join(string dir, string name) => dir.EndsWith('/') ? dir + name : dir + "/" + name;

    private static object Describe(string name, InodeAttributes a) => new
    {
        name, ino = a.Ino.Value, type = a.Type.ToString(), mode = Convert.ToString(a.Mode, 8).PadLeft(4, '0'),
        uid = a.Uid, gid = a.Gid, nlink = a.Nlink, size = a.Size, atime = a.Atime, mtime = a.Mtime, ctime = a.Ctime,
        major = a.IsDevice ? a.Device.Major : (int?)null, minor = a.IsDevice ? a.Device.Minor : (int?)null,
    };

    public static int ParseMode(string text)
    {
        try
        {
            var mode = Convert.ToInt32(text, 8);
            if (mode is >= 0 and <= 0xFFF) return mode;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            // fall through to the usage error
        }
        throw CliException.Usage($"invalid mode '{text}': give octal digits, e.g. 644");
    }

    public static (int Uid, int Gid) ParseOwner(string text)
    {
        var parts = text.Split(':');
        static int Id(string s) => s.Length == 0 ? -1 : int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
            : throw CliException.Usage($"invalid owner '{s}': give numeric ids");
        return parts.Length switch
        {
            1 => (Id(parts[0]), -1),
            2 => (Id(parts[0]), Id(parts[1])),
            _ => throw CliException.Usage($"invalid owner '{text}'"),
        };
    }

    private static Option<bool> Flag(string name, string description) => new(name) { Description = description };
    private static Option<string> Valued(string name, string description) => new(name) { Description = description };
    private static Argument<string?> Optional(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.ZeroOrOne };

    /// <summary>What a verb's body gets: the file client (through --node, as --user), the output mode and the token.</summary>
    public sealed record Context(FileClient Files, bool Json, CancellationToken Ct);

    /// <summary>The parsed arguments and options of one verb.</summary>
    public sealed record Arguments(ParseResult Parse, IReadOnlyList<Argument> Positional, IReadOnlyList<Option> Options)
    {
        public string Text(int i) => Parse.GetValue((Argument<string>)Positional[i])!;
        public string? Optional(int i) => Parse.GetValue((Argument<string?>)Positional[i]);
        public long Long(int i) => Parse.GetValue((Argument<long>)Positional[i]);
        public bool Flag(string name) => Parse.GetValue((Option<bool>)Options.Single(o => o.Name == name));
        public int Mode(string name, int fallback) =>
            Parse.GetValue((Option<string>)Options.Single(o => o.Name == name)) is { } text ? ParseMode(text) : fallback;
    }

    private static Command Verb(ClientOptions common, string name, string description, Argument[] positional, Option[] options,
        Func<Context, Arguments, Task> body)
    {
        var command = new Command(name, description);
        foreach (var a in positional) command.Arguments.Add(a);
        foreach (var o in options) command.Options.Add(o);
        common.AddTo(command);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("fs " + name, async token =>
        {
            await using var cluster = await common.ConnectAsync(parse, token, lookUpThroughNode: true);
            await body(new Context(cluster.Files(common.NodeIn(parse)), common.JsonIn(parse), token), new Arguments(parse, positional, options));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
