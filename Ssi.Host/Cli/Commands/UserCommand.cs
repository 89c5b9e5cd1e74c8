// `ssi user add NAME`: issue a user of the cluster a credential of their own (root only, where the secret is).
using System.CommandLine;
using Ssi.Actors.Configuration;
using Ssi.Actors.Errors;
using Ssi.Actors.Security;
using Ssi.Cfs.Permissions;
using Ssi.Host.Client;
using Ssi.Host.Launcher;
using Ssi.Host.Node;

namespace Ssi.Host.Cli.Commands;

public static class UserCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "a user of the cluster's /etc/passwd" };
        var output = new Option<string?>("--out", "-o") { Description = "where to write the credential (default: $SSI_HOME/credentials/NAME.cred)" };
        var force = new Option<bool>("--force") { Description = "replace an existing credential file" };
        var contact = new Option<string[]>("--contact")
        {
            Description = "HOST:PORT of a node's client gateway to write into the credential (repeatable; default: the live nodes of this $SSI_HOME)",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var add = new Command("add", """
            Issue a credential for a user of the cluster's /etc/passwd: a client certificate from the cluster's CA and
            the user's uid, gid and groups, signed with the cluster secret. Whoever holds the file is that user: the
            gateways take the identity from it, never from a request, and only root's credential may act as another
            user (--user). The file also names the nodes to contact, so it works from any machine that can reach them.
            Needs the cluster secret and CA (run it where 'ssi start' ran, or on a node's host) and, except for root,
            root's credential to look the user up. root's own credential needs only the secret: that is how an operator
            of nodes started by hand ('ssi node') gets one.

            Examples:
              ssi user add ann
              ssi user add bob --out /tmp/bob.cred
              ssi user add root --contact 10.0.0.1:7201 --contact 10.0.0.2:7202
              SSI_CREDENTIAL=~/.ssi/credentials/ann.cred ssi fs ls /home/ann
            """);
        add.Arguments.Add(name);
        add.Options.Add(output);
        add.Options.Add(force);
        add.Options.Add(contact);
        add.SetAction((parse, ct) => SsiCommandLine.RunAsync("user add", async token =>
        {
            var user = parse.GetValue(name) ?? "";
            if (user.Length == 0 || user.Contains('/') || user.Contains(':') || user.Any(char.IsWhiteSpace))
                throw CliException.Usage($"'{user}' is not a user name");
            var launcher = SsiCommandLine.LauncherForRunningCluster();
            var home = launcher.Home;
            var path = parse.GetValue(output) is { Length: > 0 } o ? Path.GetFullPath(o) : CredentialFile.UserFile(home, user);
            if (File.Exists(path) && !parse.GetValue(force))
                throw new CliException(Errno.EEXIST, $"{path} exists; use --force to replace it");
            var tls = TlsSettings.Create(launcher.Config, home);
            var contacts = Contacts(launcher, parse.GetValue(contact) ?? [], tls);
            Credentials who;
            if (user == "root")
            {
                who = Credentials.Root; // uid 0 needs no look-up, so root's credential needs no connection
            }
            else
            {
                await using var cluster = await new ClientOptions().ConnectAsync(parse, token);
                if (!cluster.Caller.IsRoot)
                    throw new CliException(Errno.EPERM, $"only root may issue credentials; this credential is {cluster.UserName}'s");
                who = await Callers.LookUpAsync(cluster.Files(), user, token)
                    ?? throw new CliException(Errno.ENOENT, $"no user '{user}' in the cluster's /etc/passwd");
                if (contacts.Count == 0) contacts = CredentialFile.Load(CredentialFile.PathFor(home)).Contacts;
            }
            var secret = launcher.LoadSecret();
            CredentialFile credential;
            try
            {
                credential = CredentialFile.Issue(secret, tls, user, who.Uid, who.Gid, who.Groups, contacts);
            }
            catch (SecretUnavailableException e)
            {
                throw new CliException(Errno.EACCES, e.Message, FailureKind.Denied);
            }
            credential.Save(path);
            Console.WriteLine($"issued a credential for {user} (uid {who.Uid}, gid {who.Gid}) in {path}");
            Console.WriteLine($"use it with: SSI_CREDENTIAL={path} ssi ...");
            return ExitCodes.Ok;
        }, ct));

        var command = new Command("user", "Credentials of the cluster's users (see 'ssi user add --help').");
        command.Subcommands.Add(add);
        return command;
    }

    /// <summary>Gateway addresses for the credential: the ones given, else the live nodes of this $SSI_HOME.</summary>
    private static List<string> Contacts(LocalCluster launcher, string[] given, TlsSettings tls)
    {
        var system = launcher.SystemName;
        if (given.Length > 0)
            return given.Select(c =>
            {
                var colon = c.LastIndexOf(':');
                if (colon <= 0 || !int.TryParse(c[(colon + 1)..], out var port) || port is < 1 or > 65535)
                    throw CliException.Usage($"--contact {c}: HOST:PORT expected");
                return ClientFront.Address(tls.Protocol, system, c[..colon], port);
            }).ToList();
        return ClusterRunFile.Read(launcher.Home) is { } run
            ? launcher.LiveNodes().Where(run.ClientPorts.ContainsKey).Select(run.GatewayAddress).ToList()
            : [];
    }
}
