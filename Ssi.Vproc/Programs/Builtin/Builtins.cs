// The programs every root image has in /bin.
using System.Collections.Immutable;

namespace Ssi.Vproc.Programs.Builtin;

public static class Builtins
{
    public static readonly ImmutableDictionary<string, Func<Program>> All = new Dictionary<string, Func<Program>>
    {
        ["true"] = () => new True(),
        ["false"] = () => new False(),
        ["echo"] = () => new Echo(),
        ["sleep"] = () => new Sleep(),
        ["cat"] = () => new Cat(),
    }.ToImmutableDictionary();

    public static ProgramCatalog Catalog() => new(All);
}
