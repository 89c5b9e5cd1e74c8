// Loads each module's embedded reference.conf, so every default lives beside the code that reads it.
using System.Reflection;
using Akka.Configuration;

namespace Ssi.Actors.Configuration;

public static class SsiConfig
{
    /// <summary>The embedded reference.conf of one assembly (the one resource whose name ends in "reference.conf").</summary>
    public static Config FromAssembly(Assembly assembly)
    {
        var name = assembly.GetManifestResourceNames().SingleOrDefault(n => n.EndsWith("reference.conf", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no embedded reference.conf");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }

    /// <summary>The defaults of this module: cluster plumbing, failure detection, restricted serialization.</summary>
    public static Config Reference => FromAssembly(typeof(SsiConfig).Assembly);

    /// <summary>Reads a HOCON file, with a clear error if it is missing or malformed.</summary>
    public static Config FromFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"config file {path} does not exist", path);
        return ConfigurationFactory.ParseString(File.ReadAllText(path));
    }
}
