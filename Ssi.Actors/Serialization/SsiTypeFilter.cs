// Allow-list of the type names that may be read from the wire.
using System.Collections.Immutable;
using Akka.Actor;
using Hyperion;

namespace Ssi.Actors.Serialization;

/// <summary>
/// Allow-list for the type names Hyperion resolves from the wire (and for the top-level type it writes).
/// Hyperion hands over either its short form, e.g.
/// <c>System.Collections.Generic.List`1[[System.String, System.Private.CoreLib,%core%]], System.Private.CoreLib,%core%</c>,
/// or a full assembly-qualified name. The name is parsed and every generic argument and array element type is
/// checked on its own, each together with the assembly it names: Type.GetType loads whatever assembly a name gives,
/// so a namespace or a type name is trusted only from the assembly it really lives in. Anything the parser does not
/// understand is refused, so Type.GetType never sees a name that was read differently here.
/// </summary>
public sealed class SsiTypeFilter : ITypeFilter
{
    private const int MaxNameLength = 4096;
    private const int MaxGenericDepth = 16;

    /// <summary>The simple names of the product's assemblies (Ssi.Host builds as "ssi"); only these may bring "Ssi." types.</summary>
    public static readonly ImmutableArray<string> OurAssemblies = ["Ssi.Actors", "Ssi.Cfs", "Ssi.Vproc", "ssi"];

    /// <summary>Where a name without an assembly part resolves: Type.GetType looks in the caller (Hyperion) and then here.</summary>
    private static readonly string CoreAssembly = AssemblyOf(typeof(object));

    /// <summary>Plain-data BCL types: values with no behaviour beyond their data.</summary>
    public static readonly ImmutableArray<Type> PlainDataTypes =
    [
        typeof(string), typeof(bool), typeof(char), typeof(byte), typeof(sbyte),
        typeof(short), typeof(ushort), typeof(int), typeof(uint), typeof(long), typeof(ulong),
        typeof(float), typeof(double), typeof(decimal),
        typeof(Guid), typeof(DateTime), typeof(DateTimeOffset), typeof(TimeSpan),
        // Hyperion writes Dictionary<K,V> entries as DictionaryEntry; its object Key/Value are checked in turn.
        typeof(System.Collections.DictionaryEntry),
    ];

    /// <summary>Generic collections and tuples, allowed when each of their arguments is.</summary>
    public static readonly ImmutableArray<Type> PlainDataGenerics =
    [
        // Hyperion writes immutable dictionaries as KeyValuePair<K,V> items.
        typeof(KeyValuePair<,>),
        typeof(Nullable<>), typeof(List<>), typeof(Dictionary<,>), typeof(HashSet<>),
        typeof(ImmutableArray<>), typeof(ImmutableList<>), typeof(ImmutableDictionary<,>),
        typeof(ImmutableHashSet<>), typeof(ImmutableSortedDictionary<,>),
        typeof(ValueTuple<>), typeof(ValueTuple<,>), typeof(ValueTuple<,,>), typeof(ValueTuple<,,,>),
        typeof(ValueTuple<,,,,>), typeof(ValueTuple<,,,,,>), typeof(ValueTuple<,,,,,,>), typeof(ValueTuple<,,,,,,,>),
    ];

    /// <summary>The "Ssi." namespaces, each from one of <see cref="OurAssemblies"/>.</summary>
    public static IEnumerable<(string Prefix, string Assembly)> OurNamespaces => OurAssemblies.Select(a => ("Ssi.", a));

    /// <summary>Our own namespaces, plus plain-data BCL types and the surrogates Akka uses for refs, paths and addresses.</summary>
    public static readonly SsiTypeFilter Default = new(
        namespaces: OurNamespaces,
        exactTypes:
        [
            .. PlainDataTypes,
            // IActorRef, ActorPath and Address travel as these surrogates (see SsiWireSerializer).
            typeof(ActorRefBase.Surrogate), typeof(Nobody.NobodySurrogate),
            typeof(ActorPath.Surrogate), typeof(Address.AddressSurrogate),
        ],
        genericDefinitions: PlainDataGenerics);

    private readonly ImmutableArray<(string Prefix, string Assembly)> _namespaces;
    private readonly ImmutableHashSet<(string Name, string Assembly)> _exactNames;
    private readonly ImmutableHashSet<(string Name, string Assembly)> _genericNames;

    /// <param name="namespaces">Type names starting with a prefix (e.g. "Ssi.") are allowed, generic or not, from that assembly only.</param>
    /// <param name="exactTypes">Non-generic types allowed by exact full name, from the assembly they are defined in.</param>
    /// <param name="genericDefinitions">Open generic types allowed when each of their arguments is allowed, from their own assembly.</param>
    public SsiTypeFilter(IEnumerable<(string Prefix, string Assembly)> namespaces, IEnumerable<Type> exactTypes, IEnumerable<Type> genericDefinitions)
    {
        _namespaces = [.. namespaces];
        _exactNames = exactTypes.Select(t => (t.FullName!, AssemblyOf(t))).ToImmutableHashSet();
        _genericNames = genericDefinitions.Select(t => t.GetGenericTypeDefinition())
            .Select(t => (t.FullName!, AssemblyOf(t))).ToImmutableHashSet();
    }

    /// <summary>The simple name Hyperion writes for the assembly a type is defined in.</summary>
    public static string AssemblyOf(Type type) => type.Assembly.GetName().Name!;

    // Not cached: Hyperion caches accepted names per serializer instance, and caching refusals would let a peer grow memory.
    public bool IsAllowed(string typeName)
    {
        if (typeName.Length > MaxNameLength)
            return false;
        var pos = 0;
        return IsAllowedType(typeName, ref pos, depth: 0, insideBrackets: false) && pos == typeName.Length;
    }

    // Type := Name GenericArgs? "[]"* Assembly   where GenericArgs := "[" "[" Type "]" ("," "[" Type "]")* "]"
    private bool IsAllowedType(string s, ref int pos, int depth, bool insideBrackets)
    {
        if (depth > MaxGenericDepth)
            return false;

        var start = pos;
        while (pos < s.Length && IsNameChar(s[pos]))
            pos++;
        var name = s[start..pos];
        var arity = GenericArity(name);
        if (name.Length == 0 || arity < 0)
            return false;

        if (arity > 0)
        {
            if (!Expect(s, ref pos, '['))
                return false;
            for (var i = 0; i < arity; i++)
            {
                if (i > 0 && !Expect(s, ref pos, ','))
                    return false;
                if (!Expect(s, ref pos, '[')
                    || !IsAllowedType(s, ref pos, depth + 1, insideBrackets: true)
                    || !Expect(s, ref pos, ']'))
                    return false;
            }
            if (!Expect(s, ref pos, ']'))
                return false;
        }

        // Single-dimension arrays of an allowed element type; "[,]", "[*]", "*" and "&" are left unparsed and so refused.
        while (pos + 1 < s.Length && s[pos] == '[' && s[pos + 1] == ']')
            pos += 2;

        // The assembly comes last, after the arguments and the array marks, and decides where the name is looked up.
        if (!ReadAssembly(s, ref pos, insideBrackets, out var assembly))
            return false;
        assembly ??= CoreAssembly;
        if (_namespaces.Any(n => n.Assembly == assembly && name.StartsWith(n.Prefix, StringComparison.Ordinal)))
            return true;
        return (arity == 0 ? _exactNames : _genericNames).Contains((name, assembly));
    }

    // Assembly := ("," SimpleName ("," ("%core%" | Version=.. | Culture=.. | PublicKeyToken=..))*)?
    // %core% stands for the core library's version and key, not for its name: the simple name before it still counts.
    private static bool ReadAssembly(string s, ref int pos, bool insideBrackets, out string? assembly)
    {
        assembly = null;
        if (pos == s.Length || (insideBrackets && s[pos] == ']'))
            return true;
        if (s[pos] != ',')
            return false;

        var end = insideBrackets ? s.IndexOf(']', pos) : s.Length;
        if (end < 0)
            return false;
        var parts = s[(pos + 1)..end].Split(',');
        assembly = parts[0].Trim();
        if (!IsSimpleAssemblyName(assembly))
            return false;
        foreach (var part in parts.Skip(1).Select(p => p.Trim()))
        {
            if (part == "%core%")
                continue;
            var eq = part.IndexOf('=');
            if (eq < 0 || part[..eq] is not ("Version" or "Culture" or "PublicKeyToken") || !IsAttributeValue(part[(eq + 1)..]))
                return false;
        }
        pos = end;
        return true;
    }

    private static bool IsSimpleAssemblyName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static bool IsAttributeValue(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-');

    // '<', '>' and '|' appear in compiler-generated names (iterator state machines, closures, local functions).
    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '+' or '`' or '<' or '>' or '|';

    // Sum of the `N markers (nested types add their own); -1 when a marker has no number.
    private static int GenericArity(string name)
    {
        var arity = 0;
        for (var i = name.IndexOf('`'); i >= 0; i = name.IndexOf('`', i + 1))
        {
            var j = i + 1;
            while (j < name.Length && char.IsAsciiDigit(name[j]))
                j++;
            if (j == i + 1 || j - i > 3)
                return -1;
            arity += int.Parse(name.AsSpan(i + 1, j - i - 1));
        }
        return arity;
    }

    private static bool Expect(string s, ref int pos, char c)
    {
        if (pos >= s.Length || s[pos] != c)
            return false;
        pos++;
        return true;
    }
}
