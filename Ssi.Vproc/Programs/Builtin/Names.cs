// hostname and uname: the node's name ("node-N", its cluster role) and the system, which is the cluster.
using System.Reflection;
using System.Runtime.InteropServices;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>hostname [-s]: the name of the node the process runs on; it cannot be set (a node's name is its number).</summary>
public sealed class Hostname : Program
{
    private static readonly OptionSpec Spec = new("s", ["short=s"], """
        Usage: hostname [-s]
        Print the name of the node the process runs on (node-N).

          -s, --short    the same name (it has no domain part)
              --help     display this help and exit

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        if (o.Operands.Count > 0)
        {
            yield return Io.Complain(p, $"cannot set the host name to {Io.Quote(o.Operands[0])}: a node is named by its number");
            yield return new Exit(1);
            yield break;
        }
        yield return new GetNode();
        yield return Io.Out($"{new Ssi.Actors.Identity.NodeNumber(p.Result.Int).Role}\n");
    }
}

/// <summary>
/// uname [-asnrvmpio]: the system is the cluster: kernel "SSI", node name "node-N", release the runtime's version,
/// version the nodes that are up, machine the node's processor; -p and -i are "unknown" and -a leaves them out, as GNU.
/// </summary>
public sealed class Uname : Program
{
    private static readonly OptionSpec Spec = new("asnrvmpio",
        ["all=a", "kernel-name=s", "nodename=n", "kernel-release=r", "kernel-version=v", "machine=m", "processor=p", "hardware-platform=i", "operating-system=o"],
        """
        Usage: uname [OPTION]...
        Print certain system information.  With no OPTION, same as -s.

          -a, --all                print all information, in the following order,
                                     except omit -p and -i if unknown:
          -s, --kernel-name        print the kernel name
          -n, --nodename           print the network node hostname
          -r, --kernel-release     print the kernel release
          -v, --kernel-version     print the kernel version
          -m, --machine            print the machine hardware name
          -p, --processor          print the processor type (non-portable)
          -i, --hardware-platform  print the hardware platform (non-portable)
          -o, --operating-system   print the operating system
              --help        display this help and exit

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        if (o.Operands.Count > 0)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, $"extra operand {Io.Quote(o.Operands[0])}")) yield return call;
            yield break;
        }
        yield return new GetNode();
        var node = new Ssi.Actors.Identity.NodeNumber(p.Result.Int).Role;
        yield return new ListNodes();
        var up = p.Failed ? "" : p.Result.Text;
        var all = o.Has('a');
        var fields = new List<string>();
        if (all || o.Has('s') || o.Given.Count == 0) fields.Add("SSI");
        if (all || o.Has('n')) fields.Add(node);
        if (all || o.Has('r')) fields.Add(typeof(Uname).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown");
        if (all || o.Has('v')) fields.Add($"cluster of nodes {up.Trim().Replace(' ', ',')}");
        if (all || o.Has('m')) fields.Add(RuntimeInformation.ProcessArchitecture switch { Architecture.X64 => "x86_64", Architecture.Arm64 => "aarch64", var a => a.ToString().ToLowerInvariant() });
        if (!all && o.Has('p')) fields.Add("unknown");
        if (!all && o.Has('i')) fields.Add("unknown");
        if (all || o.Has('o')) fields.Add("SSI");
        yield return Io.Out(string.Join(' ', fields) + "\n");
    }
}
