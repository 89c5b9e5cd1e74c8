// Programs the multi-node specs run, installed into the cluster the way users add programs: an assembly in the root image.
using System.Text;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.RootImage;
using Ssi.Cfs.Storage;
using Ssi.Vproc.Programs;
using SpecPrograms;

namespace Ssi.Tests.Vproc.ProcessTable;

public static class SpecPrograms
{
    public const string AssemblyPath = "/usr/lib/ssi-tests.dll";

    /// <summary>The default image, the built-ins, the spec-programs assembly as a program assembly, and /bin/t-* for its programs.</summary>
    public static void Install(IInodeStore store)
    {
        Ok(DefaultRoot.CreateIfEmpty(store));
        Ok(BinDirectory.Install(store, Ssi.Vproc.Programs.Builtin.Builtins.All.Keys));
        Ok(BinDirectory.InstallData(store));
        var usr = Ok(store.Lookup(InodeNumber.Root, "usr"));
        var lib = Ok(store.Create(usr, "lib", new NewInode(InodeType.Directory, 0x1ED, 0, 0))).Ino;
        var dll = Ok(store.Create(lib, "ssi-tests.dll", new NewInode(InodeType.Regular, 0x1A4, 0, 0))).Ino;
        Ok(store.Write(dll, 0, File.ReadAllBytes(typeof(ForkAndWait).Assembly.Location)));
        var bin = Ok(store.Lookup(InodeNumber.Root, "bin"));
        foreach (var type in new[] { typeof(ForkAndWait), typeof(Orphan), typeof(InterruptedRead), typeof(Crash), typeof(ForkBomb), typeof(QuickChildren), typeof(SlowCat), typeof(CountSignals), typeof(Hop), typeof(GotoSelf), typeof(IsATty), typeof(PipeFlow), typeof(PipeBroken), typeof(PipeAtomic), typeof(PipeInterrupt), typeof(FifoOpen), typeof(PipeLoss), typeof(PipeNonBlock), typeof(Devices), typeof(DevTty), typeof(JobWait), typeof(OrphanJob) })
        {
            var name = "t-" + type.Name.ToLowerInvariant();
            var file = Ok(store.Create(bin, name, new NewInode(InodeType.Regular, 0x1ED, 0, 0))).Ino;
            Ok(store.Write(file, 0, Encoding.UTF8.GetBytes($"{ProgramCatalog.Magic}{type.FullName} @{AssemblyPath}\n")));
        }
        var secret = Ok(store.Create(bin, "t-not-executable", new NewInode(InodeType.Regular, 0x1A4, 0, 0))).Ino;
        Ok(store.Write(secret, 0, ProgramCatalog.BuiltinFile("true")));
    }

    private static T Ok<T>(Ssi.Actors.Errors.Outcome<T> outcome) =>
        outcome.IsOk ? outcome.Value : throw new InvalidOperationException($"preparing the root image: {outcome}");
}
