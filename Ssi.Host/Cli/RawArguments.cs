// The CLI's arguments as the bytes they were, read back from /proc/self/cmdline, since .NET decodes argv lossily.
using System.Text;
using System.Text.Unicode;
using Ssi.Cfs.Namespace;

namespace Ssi.Host.Cli;

/// <summary>
/// The runtime turns each invalid UTF-8 byte of argv into U+FFFD before Main sees it, so <c>$'\xff\xfe'</c> and
/// <c>$'\xfe\xff'</c> would name the same file. Linux keeps the original bytes in /proc/self/cmdline; the last
/// args.Length entries there are ours (before them stand <c>dotnet</c> and the dll, or the apphost), and each is
/// decoded with <see cref="FileNameBytes"/>.
/// </summary>
public static class RawArguments
{
    public static string[] Recover(string[] args)
    {
        if (!OperatingSystem.IsLinux() || args.Length == 0) return args;
        try
        {
            return FromCmdline(File.ReadAllBytes("/proc/self/cmdline"), args);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return args; // no /proc: the lossy arguments are still the best there is
        }
    }

    /// <summary>
    /// <paramref name="args"/> decoded from <paramref name="cmdline"/> (NUL-terminated entries); <paramref name="args"/>
    /// itself when the two disagree in number, or an entry that is valid UTF-8 differs, so a mismatch never loses
    /// an argument.
    /// </summary>
    public static string[] FromCmdline(ReadOnlySpan<byte> cmdline, string[] args)
    {
        var entries = new List<byte[]>();
        while (!cmdline.IsEmpty)
        {
            var end = cmdline.IndexOf((byte)0);
            if (end < 0) end = cmdline.Length; // a last entry without its NUL
            entries.Add(cmdline[..end].ToArray());
            cmdline = cmdline[Math.Min(end + 1, cmdline.Length)..];
        }
        if (entries.Count < args.Length) return args;
        var ours = entries[^args.Length..];
        var recovered = new string[args.Length];
        for (var i = 0; i < args.Length; i++)
        {
            recovered[i] = FileNameBytes.Decode(ours[i]);
            if (Utf8.IsValid(ours[i]) && Encoding.UTF8.GetString(ours[i]) != args[i]) return args;
        }
        return recovered;
    }

    /// <summary>
    /// A recovered argument that names a host file, as .NET's file APIs want it: they encode paths as UTF-8, so a
    /// name with U+EF80..U+EFFF in it must go back to those characters (invalid bytes stay U+FFFD, as before).
    /// </summary>
    public static string HostPath(string argument) => Encoding.UTF8.GetString(FileNameBytes.Encode(argument));
}
