// Pathname expansion: the names in the cluster's file system that a word's pattern matches.
using System.Text;

namespace Ssi.Vproc.Programs.Shell;

public sealed partial class ShellInterpreter
{
    /// <summary>Pathname expansion: the names matching the pattern, sorted; empty when none do.</summary>
    private IEnumerable<SystemCall> GlobExpand(string pattern, List<string> matches)
    {
        var absolute = pattern.StartsWith('/');
        var directoriesOnly = pattern.EndsWith('/');
        var components = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var candidates = new List<string> { absolute ? "/" : "" };
        for (var k = 0; k < components.Length; k++)
        {
            var component = components[k];
            var last = k == components.Length - 1 && !directoriesOnly;
            var next = new List<string>();
            if (!ShellPattern.HasWildcards(component))
            {
                var literal = ShellPattern.Unescape(component);
                for (var c = 0; c < candidates.Count; c++)
                {
                    var path = candidates[c] + literal;
                    yield return new Stat(path, FollowLast: false);
                    if (!Failed) next.Add(last ? path : path + "/");
                }
            }
            else
            {
                for (var c = 0; c < candidates.Count; c++)
                {
                    var dir = candidates[c];
                    yield return new ReadDirectory(dir.Length == 0 ? "." : dir);
                    if (Failed) continue;
                    var names = new List<string>();
                    foreach (var entry in P.Result.Entries)
                    {
                        if (entry.Name is "." or "..") continue;
                        if (entry.Name.StartsWith('.') && !component.StartsWith('.') && !component.StartsWith("\\.")) continue;
                        if (ShellPattern.Matches(component, entry.Name)) names.Add(entry.Name);
                    }
                    names.Sort(string.CompareOrdinal);
                    for (var n = 0; n < names.Count; n++)
                    {
                        var path = dir + names[n];
                        if (last) next.Add(path);
                        else
                        {
                            yield return new Stat(path);
                            if (!Failed && P.Result.Stat?.Type == Ssi.Cfs.Inodes.InodeType.Directory) next.Add(path + "/");
                        }
                    }
                }
            }
            candidates = next;
            if (candidates.Count == 0) yield break;
        }
        matches.AddRange(candidates);
    }
}
