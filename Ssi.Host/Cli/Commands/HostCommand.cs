// `ssi host add NAME --out DIR`: the $SSI_HOME of another host: the cluster secret and a member certificate of its own.
using System.CommandLine;
using Ssi.Actors.Configuration;
using Ssi.Actors.Errors;
using Ssi.Actors.Security;
using Ssi.Host.Client;
using Ssi.Host.Node;

namespace Ssi.Host.Cli.Commands;

public static class HostCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "the host's name, written into its certificate (CN=ssi node NAME)" };
        var output = new Option<string>("--out", "-o") { Description = "the directory to create: that host's $SSI_HOME", Required = true };
        var add = new Command("add", """
            Make the $SSI_HOME of another host of this cluster: a copy of the cluster secret, the CA certificate, and a
            member certificate of the host's own, issued by the cluster's CA. The CA's key stays here, so that host can
            join but cannot issue certificates or credentials. Copy the directory to the host (keep it owner-only) and
            run 'ssi node' there with SSI_HOME pointing at it; see docs/operations.md. Needs the secret and the CA key:
            run it where 'ssi start' ran.

            Example:
              ssi host add db2 --out /tmp/db2-home
            """);
        add.Arguments.Add(name);
        add.Options.Add(output);
        add.SetAction((parse, ct) => SsiCommandLine.RunAsync("host add", _ =>
        {
            var host = parse.GetValue(name) ?? "";
            if (host.Length is 0 or > 64 || !host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
                throw CliException.Usage($"'{host}' is not a host name (letters, digits, '.', '-' and '_', at most 64)");
            var launcher = SsiCommandLine.LauncherForRunningCluster();
            var home = launcher.Home;
            var target = new SsiHome(Path.GetFullPath(parse.GetValue(output)!));
            if (File.Exists(target.Root) || (Directory.Exists(target.Root) && Directory.EnumerateFileSystemEntries(target.Root).Any()))
                throw new CliException(Errno.EEXIST, $"{target.Root} exists and is not empty; a host's home must start empty");
            var tls = TlsSettings.Create(launcher.Config, home);
            var secret = launcher.LoadSecret();
            try
            {
                Directory.CreateDirectory(target.Root);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target.Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                File.Copy(home.SecretFile, target.SecretFile);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target.SecretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                if (tls.Enabled)
                {
                    using var member = ClusterTls.IssueMember(tls.Dir, secret, host, target.TlsDir);
                    Console.WriteLine($"issued {member.Subject} (serial {member.SerialNumber}) for host {host} in {target.Root}");
                }
                else
                {
                    Console.WriteLine($"TLS is off (ssi.security.tls.enabled): {target.Root} holds the secret only");
                }
            }
            catch (Exception e) when (e is SecretUnavailableException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                Directory.Delete(target.Root, recursive: true); // never leave a copy of the secret behind a failure
                throw e is SecretUnavailableException
                    ? new CliException(Errno.EACCES, e.Message, FailureKind.Denied)
                    : new CliException(Errno.EIO, $"cannot make {target.Root}: {e.Message}");
            }
            Console.WriteLine($"copy it to {host} (owner-only) and run there: SSI_HOME=DIR ssi node --node N --config ...");
            return Task.FromResult(ExitCodes.Ok);
        }, ct));

        var command = new Command("host", "Homes for the other hosts of a cluster spread over several (see 'ssi host add --help').");
        command.Subcommands.Add(add);
        return command;
    }
}
