// sed's commands as plain data: what SedScript parses and SedEngine runs.
namespace Ssi.Vproc.Programs.Builtin;

public enum SedAddressKind
{
    Line,
    Last,
    Regex,
    /// <summary>first~step (GNU).</summary>
    Step,
    /// <summary>addr1,+N: N lines after the first.</summary>
    Plus,
    /// <summary>addr1,~N: up to the next line whose number is a multiple of N.</summary>
    Multiple,
    /// <summary>0,/re/: a range whose end may be the first line.</summary>
    Zero,
}

/// <summary>An address: <see cref="Regex"/> is translated for .NET, or null for "the last regex used" (//).</summary>
public sealed record SedAddress(SedAddressKind Kind, long Number = 0, long Step = 0, string? Regex = null, bool IgnoreCase = false);

/// <summary>A piece of an s replacement: literal text, a group (0 for &amp;), or a case change (\U \L \u \l \E).</summary>
public sealed record SedPiece(string? Text, int Group = -1, char Case = '\0');

/// <summary>s/regex/replacement/flags.</summary>
public sealed record SedSubstitution(string? Regex, bool IgnoreCase, SedPiece[] Replacement, bool Global, long Occurrence, bool Print, string? WriteTo);

/// <summary>
/// One command. <see cref="Text"/> is the text of a, i and c, the label of :, b, t and T, or the file of r and w;
/// <see cref="Jump"/> is where b, t and T go (-1: the end of the script) and, for '{', the index of its '}'.
/// </summary>
public sealed record SedCommand(char Name, SedAddress? First, SedAddress? Second, bool Negate)
{
    public string Text { get; init; } = "";
    public int Jump { get; set; } = -1;
    public SedSubstitution? Substitution { get; init; }
    public string From { get; init; } = "";
    public string To { get; init; } = "";
    public int Number { get; init; } = -1;
}

/// <summary>A piece of script and where it came from, for error messages ("-e expression #2", "file x.sed").</summary>
public sealed record SedSource(string Text, string Origin, bool IsFile);
