// Node numbers on the command line: the one parser behind every --node option and node argument of ssi.
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Ssi.Actors.Identity;

namespace Ssi.Host.Cli;

/// <summary>
/// A node number is 1..<see cref="Pid.MaxNode"/> (the highest whose PIDs fit) for a cluster anywhere, and
/// 1..<see cref="NodeNumber.LocalMax"/> for the launcher's own nodes. Anything else (0, a word) is a usage error
/// (EINVAL, exit 2) reported by the parser, before anything is sent.
/// </summary>
public static class NodeNumberOption
{
    public const int Max = Pid.MaxNode;

    /// <summary><c>--node N</c> that must be given (ssi node).</summary>
    public static Option<int> RequiredOption(string description) => new("--node")
    {
        Description = $"{description}; 1..{Max}",
        Required = true,
        CustomParser = r => One(r, Max) ?? 0,
    };

    /// <summary>A node as a positional argument (onnode N, migrate PID N).</summary>
    public static Argument<int> Argument(string name, string description) => new(name)
    {
        Description = $"{description}, 1..{Max}",
        CustomParser = r => One(r, Max) ?? 0,
    };

    /// <summary>Nodes of the local cluster as positional arguments (add, rm).</summary>
    public static Argument<int[]> LocalArguments(string name, string description) => new(name)
    {
        Description = $"{description}, 1..{NodeNumber.LocalMax}",
        Arity = ArgumentArity.OneOrMore,
        CustomParser = r => [.. r.Tokens.Select(t => Check(r, t.Value, NodeNumber.LocalMax) ?? 0)],
    };

    internal static int? One(ArgumentResult result, int max) =>
        result.Tokens.Count == 1 ? Check(result, result.Tokens[0].Value, max) : null;

    /// <summary>The number, or null after adding the parse error that explains why not.</summary>
    private static int? Check(ArgumentResult result, string text, int max)
    {
        var (node, error) = Parse(text, max);
        if (error is not null) result.AddError(error);
        return node;
    }

    /// <summary>The node number <paramref name="text"/> names in 1..<paramref name="max"/>, or why it names none.</summary>
    public static (int? Node, string? Error) Parse(string text, int max)
    {
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            return (null, $"node '{text}' is not a number (1..{max})");
        return n < 1 || n > max ? (null, $"node {n} is out of range (1..{max})") : (n, null);
    }
}

/// <summary><c>--node N</c> of a cluster command (<see cref="ClientOptions"/>); null when not given.</summary>
public sealed class NodeOption : Option<int?>
{
    public NodeOption(string description) : base("--node")
    {
        Description = $"{description}; 1..{NodeNumberOption.Max}";
        CustomParser = r => NodeNumberOption.One(r, NodeNumberOption.Max);
    }
}
