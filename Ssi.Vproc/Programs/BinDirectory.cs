// Puts the built-in programs into the root image's /bin, next to whatever the image already has there.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Storage;

namespace Ssi.Vproc.Programs;

public static class BinDirectory
{
    private const int Dir755 = 0x1ED, Exec755 = 0x1ED;

    /// <summary>The data files of the demo programs (dbdemo's records), created where missing.</summary>
    public static Outcome<int> InstallData(IInodeStore store)
    {
        var dir = InodeNumber.Root;
        foreach (var name in Builtin.Dbdemo.DataDirectory.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = store.Lookup(dir, name);
            if (!next.IsOk)
            {
                var made = store.Create(dir, name, new NewInode(InodeType.Directory, Dir755, 0, 0));
                if (made.Error == Errno.EEXIST) next = store.Lookup(dir, name);
                else if (!made.IsOk) return made.Propagate<int>();
                else next = made.Value.Ino;
            }
            dir = next.Value;
        }
        if (store.Lookup(dir, "alphabet").IsOk) return 0;
        var file = store.Create(dir, "alphabet", new NewInode(InodeType.Regular, 0x1A4, 0, 0));
        if (file.Error == Errno.EEXIST) return 0;
        if (!file.IsOk) return file.Propagate<int>();
        var written = store.Write(file.Value.Ino, 0, System.Text.Encoding.UTF8.GetBytes(Builtin.Dbdemo.Alphabet));
        return written.IsOk ? 1 : written.Propagate<int>();
    }

    /// <summary>
    /// Creates /bin (if missing) and an executable <c>/bin/NAME</c> for every built-in program that has no file there
    /// yet; files already there are left alone, so an image can replace a built-in. The count of files made is returned.
    /// </summary>
    public static Outcome<int> Install(IInodeStore store, IEnumerable<string> builtins)
    {
        var bin = store.Lookup(InodeNumber.Root, "bin");
        if (!bin.IsOk)
        {
            var made = store.Create(InodeNumber.Root, "bin", new NewInode(InodeType.Directory, Dir755, 0, 0));
            if (!made.IsOk) return made.Propagate<int>();
            bin = made.Value.Ino;
        }
        var count = 0;
        foreach (var name in builtins.Order(StringComparer.Ordinal))
        {
            if (store.Lookup(bin.Value, name).IsOk) continue;
            var file = store.Create(bin.Value, name, new NewInode(InodeType.Regular, Exec755, 0, 0));
            if (file.Error == Errno.EEXIST) continue; // another node made it meanwhile
            if (!file.IsOk) return file.Propagate<int>();
            var written = store.Write(file.Value.Ino, 0, ProgramCatalog.BuiltinFile(name));
            if (!written.IsOk) return written.Propagate<int>();
            count++;
        }
        return count;
    }
}
