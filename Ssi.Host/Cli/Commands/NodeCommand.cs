// `ssi node --node N`: run one node in this process until it is told to stop (SIGTERM/SIGINT) or is downed.
using System.CommandLine;
using System.Runtime.InteropServices;
using Akka.Cluster;
using Akka.Configuration;
using Ssi.Actors.Configuration;
using Ssi.Actors.Errors;
using Ssi.Actors.Security;
using Ssi.Host.Client;
using Ssi.Host.Node;

namespace Ssi.Host.Cli.Commands;

public static class NodeCommand
{
    public static Command Create()
    {
        var number = NodeNumberOption.RequiredOption("this node's number (1..15 in a local cluster)");
        var config = SsiCommandLine.ConfigOption("HOCON file with seeds, ports and overrides (later files override less)");
        var command = new Command("node", """
            Run one cluster node in the foreground: it joins the cluster through the configured seeds and serves
            until SIGTERM or SIGINT (then it leaves in order) or until the cluster downs it (then it exits with
            status 75, a temporary failure, so a supervisor can start it again). `ssi start` runs this for you; run
            it by hand to put nodes on other hosts (see HOCON/multi-host.conf).

            Example:
              ssi node --node 4 --config HOCON/member.conf
            """);
        command.Options.Add(number);
        command.Options.Add(config);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("node", async _ =>
        {
            var n = parse.GetValue(number);
            var files = parse.GetValue(config) ?? [];
            var overrides = ConfigurationFactory.ParseString($"ssi.node.number = {n}");
            var home = SsiHome.FromEnvironment();
            home.EnsureCreated();
            NodeHost? current = null;
            var leaving = false;
            // SIGTERM and SIGINT make the node leave in order instead of vanishing.
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Leave);
            using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, Leave);
            const int maxRestarts = 5;
            for (var restarts = 0; ; restarts++)
            {
                NodeHost host;
                try
                {
                    host = NodeHost.Start(overrides.WithFallback(SsiCommandLine.LoadConfig(files)), home);
                }
                catch (SecretUnavailableException e)
                {
                    throw new CliException(Errno.EACCES, e.Message + " (copy it from the first node, or run 'ssi start')");
                }
                current = host;
                await host.System.WhenTerminated;
                var handshake = await host.HandshakeStopAsync();
                if (handshake is { Transient: true } && !leaving && restarts < maxRestarts)
                {
                    Console.Error.WriteLine($"ssi: node {n}: a peer failed mid-handshake and the transport stopped the node; restarting it");
                    // Rejoin through the members it knew, never through itself alone: that would found a second cluster.
                    var peers = host.Cluster.State.Members
                        .Where(m => !m.Address.Equals(host.Cluster.SelfAddress) && m.Status == MemberStatus.Up)
                        .Select(m => $"\"{m.Address.Host}:{m.Address.Port}\"").ToList();
                    if (peers.Count > 0)
                        overrides = ConfigurationFactory.ParseString($"ssi.cluster.seed-nodes = [{string.Join(", ", peers)}]").WithFallback(overrides);
                    continue;
                }
                RemoveOwnPidFile(home, n);
                if (host.Refusal is not null) throw new CliException(Errno.EEXIST, host.Refusal);
                if (!leaving && handshake is { Transient: false })
                    throw new CliException(Errno.EACCES, "the TLS handshake with the cluster was refused, so this node cannot join: " + handshake.Reason, FailureKind.Denied);
                if (!leaving && DownedBecause(Akka.Actor.CoordinatedShutdown.Get(host.System).ShutdownReason) is { } why)
                {
                    // Not a clean stop: a supervisor (systemd, a script) should see it and may start the node again.
                    Console.Error.WriteLine($"ssi: node {n}: stopped because {why}; its processes ended with it. Start it again to rejoin as a new incarnation.");
                    return ExitCodes.Downed;
                }
                return ExitCodes.Ok;
            }

            static string? DownedBecause(Akka.Actor.CoordinatedShutdown.Reason? reason) => reason switch
            {
                Akka.Actor.CoordinatedShutdown.ClusterDowningReason => "the cluster downed it (it lost a partition, or the others took it for dead)",
                Ssi.Cfs.Leases.LeaseLostReason or RemovedWhileFrozenReason => reason.ToString(),
                _ => null,
            };

            void Leave(PosixSignalContext context)
            {
                context.Cancel = true;
                leaving = true;
                current?.LeaveAsync().ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }, ct));
        return command;
    }

    private static void RemoveOwnPidFile(SsiHome home, int node)
    {
        var file = home.NodePidFile(node);
        if (File.Exists(file) && File.ReadAllText(file).Trim() == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            File.Delete(file);
    }
}
