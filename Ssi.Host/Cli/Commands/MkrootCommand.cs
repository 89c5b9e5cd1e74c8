// `ssi mkroot --from DIR`: build the cluster's root file system from a host directory tree.
using System.CommandLine;
using Ssi.Actors.Errors;
using Ssi.Cfs.RootImage;
using Ssi.Host.Client;
using Ssi.Vproc.Programs;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Host.Cli.Commands;

public static class MkrootCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "host directory to import", Required = true };
        var force = new Option<bool>("--force") { Description = "import into a root that already has files (same-named files are replaced)" };
        var command = new Command("mkroot", """
            Import a host directory tree into the cluster's root file system ($SSI_HOME/cfs.db), keeping modes,
            numeric owners, symlinks, FIFOs and device nodes (with their numbers). Run it before the first 'ssi start'
            to replace the default image; the cluster may be running or not. Host sockets are skipped and listed.
            /dev gets the memory devices (null, zero, full, random, urandom) the tree lacks.

            Examples:
              ssi mkroot --from ./rootfs
              ssi mkroot --from ./more-files --force
            """);
        command.Options.Add(from);
        command.Options.Add(force);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("mkroot", _ =>
        {
            var source = parse.GetValue(from)!;
            if (!Directory.Exists(source)) throw new CliException(Errno.ENOENT, $"{source}: {Errno.ENOENT.Describe()}", FailureKind.Usage);
            var launcher = SsiCommandLine.LauncherForRunningCluster();
            launcher.Home.EnsureCreated();
            using var store = launcher.OpenStore();
            if (!DefaultRoot.IsEmpty(store) && !parse.GetValue(force))
                throw new CliException(Errno.EEXIST, "the root already has files; use --force to import into it");
            var report = HostImport.Import(store, source, line => Console.Error.WriteLine("mkroot: " + line));
            if (!report.IsOk) throw new CliException(report.Error!.Value, $"{report.Detail}: {report.Error.Value.Describe()}");
            var r = report.Value;
            Console.WriteLine($"imported {r.Directories} directories, {r.Files} files ({r.Bytes} bytes), {r.Symlinks} symlinks from {Path.GetFullPath(source)}");
            foreach (var skipped in r.Skipped) Console.WriteLine($"skipped (a socket): {skipped}");
            var programs = BinDirectory.Install(store, Builtins.All.Keys);
            if (!programs.IsOk) throw new CliException(programs.Error!.Value, "cannot install the programs of /bin: " + programs.Detail);
            var data = BinDirectory.InstallData(store);
            if (!data.IsOk) throw new CliException(data.Error!.Value, "cannot install the demo data: " + data.Detail);
            var devices = DefaultRoot.InstallDevices(store);
            if (!devices.IsOk) throw new CliException(devices.Error!.Value, "cannot make the devices of /dev: " + devices.Detail);
            if (programs.Value > 0) Console.WriteLine($"added {programs.Value} built-in programs to /bin");
            return Task.FromResult(ExitCodes.Ok);
        }, ct));
        return command;
    }
}
