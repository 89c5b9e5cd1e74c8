// `ssi fs put LOCAL PATH`: an atomic replace; the data goes to a temporary name beside PATH, then is renamed over it.
using System.Security.Cryptography;
using Ssi.Actors.Errors;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Namespace;
using Ssi.Host.Client;

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
        await ctx.Files.CreateAsync(temporary, PrivateMode, about: target, ct: ctx.Ct);
        var replaced = false;
        try
        {
            await using var input = File.OpenRead(host);
            var buffer = new byte[FsVerbs.Block];
            long offset = 0;
            for (int n; (n = await input.ReadAsync(buffer, ctx.Ct)) > 0; offset += n)
                await ctx.Files.WriteAsync(temporary, offset, buffer[..n], about: target, ct: ctx.Ct); // at an offset: safe to retry
            await ctx.Files.ChmodAsync(temporary, mode, about: target, ct: ctx.Ct);
            await ctx.Files.RenameAsync(temporary, target, about: target, ct: ctx.Ct);
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
        var existing = await ctx.Files.TryStatAsync(target, followLast: true, ct: ctx.Ct);
        if (existing.Error == Errno.ENOENT) return NewFileMode;
        var a = existing.OrThrow();
        if (a.IsDirectory) throw new CliException(Errno.EISDIR, $"{target}: {Errno.EISDIR.Describe()}");
        return a.Type == InodeType.Regular ? a.Mode & 0x1FF : NewFileMode;
    }

    /// <summary>Best effort: the temporary name may already be gone (a rename that was made but not acknowledged).</summary>
    private static async Task RemoveAsync(FsVerbs.Context ctx, string temporary)
    {
        Errno? error;
        try
        {
            error = (await ctx.Files.TryUnlinkAsync(temporary, ctx.Ct)).Error;
        }
        catch (ClientException e) when (e.Kind == FailureKind.Failed)
        {
            error = e.Errno; // no answer: the original failure is the one to report, this one only warns
        }
        if (error is { } failed && failed != Errno.ENOENT)
            Console.Error.WriteLine(CliErrors.Line("fs put", failed, $"could not remove {temporary}: {failed.Describe()}"));
    }
}
