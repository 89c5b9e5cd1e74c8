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
/// checked on its own; anything the parser does not understand is refused, so Type.GetType never sees a name
/// that was read differently here.
/// </summary>
public sealed class SsiTypeFilter : ITypeFilter
{
    private const int MaxNameLength = 4096;
    private const int MaxGenericDepth = 16;

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

    /// <summary>Our own namespaces, plus plain-data BCL types and the surrogates Akka uses for refs, paths and addresses.</summary>
    public static readonly SsiTypeFilter Default = new(
        namespacePrefixes: ["Ssi."],
        exactTypes:
        [
            .. PlainDataTypes,
            // IActorRef, ActorPath and Address travel as these surrogates (see SsiWireSerializer).
            typeof(ActorRefBase.Surrogate), typeof(Nobody.NobodySurrogate),
            typeof(ActorPath.Surrogate), typeof(Address.AddressSurrogate),
        ],
        genericDefinitions: PlainDataGenerics);

    private readonly ImmutableArray<string> _namespacePrefixes;
    private readonly ImmutableHashSet<string> _exactNames;
    private readonly ImmutableHashSet<string> _genericNames;

    /// <param name="namespacePrefixes">Type names starting with one of these (e.g. "Ssi.") are allowed, generic or not.</param>
    /// <param name="exactTypes">Non-generic types allowed by exact full name.</param>
    /// <param name="genericDefinitions">Open generic types allowed when each of their arguments is allowed.</param>
    public SsiTypeFilter(IEnumerable<string> namespacePrefixes, IEnumerable<Type> exactTypes, IEnumerable<Type> genericDefinitions)
    {
        _namespacePrefixes = [.. namespacePrefixes];
        _exactNames = exactTypes.Select(t => t.FullName!).ToImmutableHashSet(StringComparer.Ordinal);
        _genericNames = genericDefinitions.Select(t => t.GetGenericTypeDefinition().FullName!).ToImmutableHashSet(StringComparer.Ordinal);
    }

    // Not cached: Hyperion caches accepted names per serializer instance, and caching refusals would let a peer grow memory.
    public bool IsAllowed(string typeName)
    {
        if (typeName.Length > MaxNameLength)
            return false;
        var pos = 0;
        return IsAllowedType(typeName, ref pos, depth: 0)
               && SkipAssembly(typeName, ref pos, insideBrackets: false)
               && pos == typeName.Length;
    }

    // Type := Name GenericArgs? "[]"*   where GenericArgs := "[" "[" Type Assembly "]" ("," "[" Type Assembly "]")* "]"
    private bool IsAllowedType(string s, ref int pos, int depth)
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

        var ours = _namespacePrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
        if (arity == 0)
        {
            if (!ours && !_exactNames.Contains(name))
                return false;
        }
        else
        {
            if (!ours && !_genericNames.Contains(name))
                return false;
            if (!Expect(s, ref pos, '['))
                return false;
            for (var i = 0; i < arity; i++)
            {
                if (i > 0 && !Expect(s, ref pos, ','))
                    return false;
                if (!Expect(s, ref pos, '[')
                    || !IsAllowedType(s, ref pos, depth + 1)
                    || !SkipAssembly(s, ref pos, insideBrackets: true)
                    || !Expect(s, ref pos, ']'))
                    return false;
            }
            if (!Expect(s, ref pos, ']'))
                return false;
        }

        // Single-dimension arrays of an allowed element type; "[,]", "[*]", "*" and "&" are left unparsed and so refused.
        while (pos + 1 < s.Length && s[pos] == '[' && s[pos + 1] == ']')
            pos += 2;
        return true;
    }

    // Assembly := ("," SimpleName ("," ("%core%" | Version=.. | Culture=.. | PublicKeyToken=..))*)?
    private static bool SkipAssembly(string s, ref int pos, bool insideBrackets)
    {
        if (pos == s.Length || (insideBrackets && s[pos] == ']'))
            return true;
        if (s[pos] != ',')
            return false;

        var end = insideBrackets ? s.IndexOf(']', pos) : s.Length;
        if (end < 0)
            return false;
        var parts = s[(pos + 1)..end].Split(',');
        if (!IsSimpleAssemblyName(parts[0].Trim()))
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
