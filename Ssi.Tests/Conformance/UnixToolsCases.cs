// The unix-tools corpus vendored in unix-tools-cases.json: its cases, and their expectations judged as run.py judges them.
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ssi.Tests.Conformance;

/// <summary>One case of the corpus, read from its JSON as run.py reads it.</summary>
public sealed class UnixToolsCase(JsonElement json)
{
    public JsonElement Json { get; } = json;

    public string Id => Json.GetProperty("id").GetString()!;

    public string Tool => Json.GetProperty("tool").GetString()!;

    public string[] Argv(string cwd) => [.. Json.GetProperty("argv").EnumerateArray().Select(a => a.GetString()!.Replace("{CWD}", cwd, StringComparison.Ordinal))];

    public byte[] Stdin => Bytes(Json.GetProperty("stdin")) ?? [];

    public bool MergesStderr => Flag("merge_stderr");

    public IEnumerable<JsonElement> Files => Json.GetProperty("files").EnumerateArray();

    public IEnumerable<JsonElement> Post => Json.TryGetProperty("post", out var post) ? post.EnumerateArray() : [];

    private bool Flag(string name) => Json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private string? Text(string name) => Json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Bytes from the JSON form: text (UTF-8), {"b64"}, {"gz"} (gzip, base64) or {"zeros": n}; null for null.</summary>
    public static byte[]? Bytes(JsonElement v)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined: return null;
            case JsonValueKind.String: return Encoding.UTF8.GetBytes(v.GetString()!);
        }
        if (v.TryGetProperty("b64", out var b64)) return Convert.FromBase64String(b64.GetString()!);
        if (v.TryGetProperty("zeros", out var zeros)) return new byte[zeros.GetInt32()];
        if (v.TryGetProperty("gz", out var gz))
        {
            using var input = new GZipStream(new MemoryStream(Convert.FromBase64String(gz.GetString()!)), CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            return output.ToArray();
        }
        throw new InvalidDataException($"bad byte string {v}");
    }

    /// <summary>Why the program's output and status fail the case (empty if they pass), as run.py's judge_output.</summary>
    public List<string> JudgeOutput(byte[] stdout, byte[] stderr, int status)
    {
        var problems = new List<string>();
        var actual = Filter(Text("stream") == "stderr" ? stderr : stdout);
        if (Text("stdout_md5") is { } md5 && Convert.ToHexStringLower(MD5.HashData(actual)) != md5)
            problems.Add($"stdout md5 differs from {md5}: {Show(actual)}");
        if (Text("stdout_regex") is { } regex && !Regex.IsMatch(Latin1(actual), $"^(?:{regex})$", RegexOptions.Singleline))
            problems.Add($"stdout {Show(actual)} does not match /{regex}/");
        if (Text("stdout_contains") is { } part && !Latin1(actual).Contains(Latin1(Encoding.UTF8.GetBytes(part)), StringComparison.Ordinal))
            problems.Add($"stdout {Show(actual)} lacks {part}");
        if (Bytes(Json.GetProperty("stdout")) is { } expected)
        {
            var same = Flag("nospace") ? Squeeze(actual) == Squeeze(expected) : actual.AsSpan().SequenceEqual(expected);
            if (!same) problems.Add($"stdout {Show(actual)}, expected {Show(expected)}");
        }
        var want = Json.GetProperty("status");
        if (want.ValueKind == JsonValueKind.String && want.GetString() == "nonzero" && status == 0) problems.Add("status 0, expected nonzero");
        if (want.ValueKind == JsonValueKind.Number && status != want.GetInt32()) problems.Add($"status {status}, expected {want.GetInt32()}");
        return problems;
    }

    /// <summary>The case's output filters (sed, sort, head, grep -o), applied in order as run.py's apply_filters.</summary>
    private byte[] Filter(byte[] output)
    {
        if (!Json.TryGetProperty("filters", out var filters) || filters.ValueKind != JsonValueKind.Array) return output;
        // Latin-1 keeps every byte as one char, so byte-wise filters stay byte-wise.
        var text = Latin1(output);
        foreach (var f in filters.EnumerateArray())
        {
            if (f.TryGetProperty("sed", out var sed))
            {
                var lines = text.Split('\n');
                foreach (var sub in sed.EnumerateArray())
                {
                    var parts = sub.EnumerateArray().Select(x => x.GetString()!).ToArray();
                    var (pattern, replacement, flags) = (parts[0], parts[1], parts.Length > 2 ? parts[2] : "");
                    var rx = new Regex(flags.Contains('r') ? pattern : Regex.Escape(pattern));
                    lines = [.. lines.Select(l => rx.Replace(l, replacement.Replace("$", "$$", StringComparison.Ordinal), flags.Contains('g') ? -1 : 1))];
                }
                text = string.Join('\n', lines);
            }
            else if (f.TryGetProperty("sort", out _))
            {
                var lines = text.Split('\n').ToList();
                var endsWithNewline = lines.Count > 0 && lines[^1] == "";
                if (endsWithNewline) lines.RemoveAt(lines.Count - 1);
                lines.Sort(StringComparer.Ordinal);
                text = string.Join('\n', lines) + (endsWithNewline ? "\n" : "");
            }
            else if (f.TryGetProperty("head", out var head))
            {
                var end = -1;
                for (var i = 0; i < head.GetInt32() && (end = text.IndexOf('\n', end + 1)) >= 0; i++)
                {
                }
                text = end < 0 ? text : text[..(end + 1)];
            }
            else if (f.TryGetProperty("grep_o", out var grepO))
            {
                var rx = new Regex(grepO.GetString()!);
                text = string.Concat(text.Split('\n').SelectMany(l => rx.Matches(l).Where(m => m.Length > 0).Select(m => m.Value + "\n")));
            }
            else throw new InvalidDataException($"unknown filter {f}");
        }
        return Encoding.Latin1.GetBytes(text);
    }

    private static string Latin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    private static string Squeeze(byte[] bytes) => Regex.Replace(Latin1(bytes), "[ \t\r\f\v]+", "");

    public static string Show(byte[]? bytes, int limit = 160)
    {
        if (bytes is null) return "(none)";
        var text = JsonSerializer.Serialize(Encoding.UTF8.GetString(bytes));
        return text.Length <= limit ? text : text[..limit] + $"...({bytes.Length} bytes)";
    }
}

/// <summary>The vendored corpus, read once.</summary>
public static class UnixToolsCorpus
{
    private static readonly Lazy<IReadOnlyDictionary<string, UnixToolsCase>> Loaded = new(Load);

    public static IReadOnlyDictionary<string, UnixToolsCase> Cases => Loaded.Value;

    private static IReadOnlyDictionary<string, UnixToolsCase> Load()
    {
        using var stream = typeof(UnixToolsCorpus).Assembly.GetManifestResourceStream("unix-tools-cases.json")
            ?? throw new InvalidOperationException("unix-tools-cases.json is not embedded in the test assembly");
        var doc = JsonDocument.Parse(stream);
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new UnixToolsCase(c)).ToDictionary(c => c.Id);
    }
}
