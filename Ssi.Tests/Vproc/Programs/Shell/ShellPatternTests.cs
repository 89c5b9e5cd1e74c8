// Shell patterns for case, ${x%...} and globbing: wildcards, brackets, classes, and escaped (quoted) characters.
using Ssi.Vproc.Programs.Shell;

namespace Ssi.Tests.Vproc.Programs.Shell;

public class ShellPatternTests
{
    [Theory]
    [InlineData("*.txt", "a.txt", true)]
    [InlineData("*.txt", "a.txt.gz", false)]
    [InlineData("?", "ab", false)]
    [InlineData("[abc]x", "bx", true)]
    [InlineData("[!abc]x", "bx", false)]
    [InlineData("[^a-c]x", "dx", true)]
    [InlineData("[[:digit:]][[:alpha:]]", "7q", true)]
    [InlineData("[]]", "]", true)]
    [InlineData("\\*", "*", true)]
    [InlineData("\\*", "a", false)]
    [InlineData("a\\[b", "a[b", true)]
    [InlineData("[", "[", true)]
    [InlineData("*", "", true)]
    public void Patterns_match_whole_strings(string pattern, string text, bool matches) =>
        Assert.Equal(matches, ShellPattern.Matches(pattern, text));

    [Theory]
    [InlineData("/usr/lib/a.tar.gz", "*.", false, false, "tar.gz")]
    [InlineData("/usr/lib/a.tar.gz", "*/", false, false, "usr/lib/a.tar.gz")]
    [InlineData("/usr/lib/a.tar.gz", "*/", false, true, "a.tar.gz")]
    [InlineData("/usr/lib/a.tar.gz", ".*", true, false, "/usr/lib/a.tar")]
    [InlineData("/usr/lib/a.tar.gz", ".*", true, true, "/usr/lib/a")]
    [InlineData("aaa", "a", false, false, "aa")]
    public void Strip_takes_the_shortest_or_longest_prefix_or_suffix(string value, string pattern, bool suffix, bool longest, string expected) =>
        Assert.Equal(expected, ShellPattern.Strip(value, pattern, suffix, longest));

    [Theory]
    [InlineData("a*b", true)]
    [InlineData("a\\*b", false)]
    [InlineData("[x]", true)]
    [InlineData("plain", false)]
    public void Only_unescaped_wildcards_make_a_word_a_pattern(string pattern, bool wild) =>
        Assert.Equal(wild, ShellPattern.HasWildcards(pattern));
}
