// `ssi fs put LOCAL PATH`: an atomic replace; the data goes to a temporary name beside PATH, then is renamed over it.
using System.Security.Cryptography;
using Ssi.Actors.Errors;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Namespace;
using Ssi.Cfs.Service;

namespace Ssi.Host.Cli.Commands.Fs;

/// <summary>
/// A reader of PATH sees the old file or the new one, never a part: the data is written to <c>.NAME.ssi-put-RANDOM</c>
/// in PATH's directory (mode 0600 meanwhile), given its final mode, then renamed over PATH. A failure or an interrupt
/// removes the temporary name and leaves PATH as it was. The new file keeps the permission bits (rwx) of the file it
/// replaces (0644 if there was none) but belongs to the caller, as after any rename; set-uid and set-gid are not
/// kept (a write would clear them too), and a symlink at PATH is replaced, not written through.
/// </summary>
public static class FsPut
{
    private const int NewFileMode = 0x1A4;  // 0644
    private const int PrivateMode = 0x180;  // 0600 while the data is written
    private const string Marker = ".ssi-put-";

    public static async Task<long> RunAsync(FsVerbs.Context ctx, string local, string target)
    {
        var host = RawArguments.HostPath(local);
        if (!File.Exists(host)) throw new CliException(Errno.ENOENT, $"{local}: {Errno.ENOENT.Describe()}");
        var mode = await TargetModeAsync(ctx, target);
        var temporary = TemporaryName(target, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        await ctx.Call<FsAttributes>(new FsCreate(ctx.Caller, temporary, PrivateMode), target);
        var replaced = false;
        try
        {
            await using var input = File.OpenRead(host);
            var buffer = new byte[FsVerbs.Block];
            long offset = 0;
            for (int n; (n = await input.ReadAsync(buffer, ctx.Ct)) > 0; offset += n)
                await ctx.Call<FsAttributes>(new FsWrite(ctx.Caller, temporary, offset, buffer[..n]), target); // at an offset: safe to retry
            await ctx.Call<FsAttributes>(new FsChmod(ctx.Caller, temporary, mode), target);
            await ctx.Call<FsDone>(new FsRename(ctx.Caller, temporary, target), target);
            replaced = true;
            return offset;
        }
        finally
        {
            if (!replaced) await RemoveAsync(ctx with { Ct = CancellationToken.None }, temporary);
        }
    }

    /// <summary>
    /// <c>DIR/.NAME.ssi-put-RANDOM</c>: in PATH's own directory, so the rename stays in one directory tree and one
    /// store; hidden; NAME shortened if need be so the whole name fits in <see cref="PathName.NameMax"/> bytes.
    /// </summary>
    public static string TemporaryName(string target, string random)
    {
        var slash = target.LastIndexOf('/');
        var (dir, name) = (target[..(slash + 1)], target[(slash + 1)..]);
        var room = PathName.NameMax - FileNameBytes.ByteCount("." + Marker + random);
        while (FileNameBytes.ByteCount(name) > room) name = name[..^1];
        if (name.Length > 0 && char.IsHighSurrogate(name[^1])) name = name[..^1];
        return $"{dir}.{name}{Marker}{random}";
    }

    /// <summary>The mode the new file gets: the replaced file's rwx bits, or 0644. A directory is EISDIR, as cp says.</summary>
    private static async Task<int> TargetModeAsync(FsVerbs.Context ctx, string target)
    {
        if (target.EndsWith('/')) throw new CliException(Errno.EISDIR, $"{target}: {Errno.EISDIR.Describe()}");
        var existing = await ctx.TryCall<FsAttributes>(new FsStat(ctx.Caller, target, FollowLast: true), target);
        if (existing.Error == Errno.ENOENT) return NewFileMode;
        if (!existing.IsOk) throw new CliException(existing.Error!.Value, $"{target}: {existing.Error!.Value.Describe()}");
        var a = existing.Value.Attributes;
        if (a.IsDirectory) throw new CliException(Errno.EISDIR, $"{target}: {Errno.EISDIR.Describe()}");
        return a.Type == InodeType.Regular ? a.Mode & 0x1FF : NewFileMode;
    }

    /// <summary>Best effort: the temporary name may already be gone (a rename that was made but not acknowledged).</summary>
    private static async Task RemoveAsync(FsVerbs.Context ctx, string temporary)
    {
        var removed = await ctx.TryCall<FsDone>(new FsUnlink(ctx.Caller, temporary), temporary);
        if (!removed.IsOk && removed.Error != Errno.ENOENT)
            Console.Error.WriteLine($"ssi: fs put: could not remove {temporary}: {removed.Error!.Value.Describe()} ({removed.Error})");
    }
}
