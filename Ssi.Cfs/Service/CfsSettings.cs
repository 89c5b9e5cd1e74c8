// Typed view of the ssi.cfs keys; nothing else reads them.
using Akka.Configuration;
using Ssi.Actors.Configuration;

namespace Ssi.Cfs.Service;

public sealed record CfsSettings(string SqlitePath, int ChunkSize)
{
    public static CfsSettings Create(Config config, SsiHome home)
    {
        var kind = config.GetString("ssi.cfs.store.kind", "sqlite");
        if (kind != "sqlite") throw new ConfigurationException($"ssi.cfs.store.kind = {kind} is not supported yet (only sqlite)");
        var path = config.GetString("ssi.cfs.store.sqlite.path", "");
        var chunk = config.GetByteSize("ssi.cfs.chunk-size") ?? 64 * 1024;
        return new CfsSettings(string.IsNullOrEmpty(path) ? Path.Combine(home.Root, "cfs.db") : path, (int)chunk);
    }
}
