// Typed view of the ssi.cfs keys, and the store they choose; nothing else reads them.
using Akka.Configuration;
using Ssi.Actors.Configuration;
using Ssi.Cfs.Storage;
using Ssi.Cfs.Storage.Postgres;
using Ssi.Cfs.Storage.Sqlite;

namespace Ssi.Cfs.Service;

public sealed record CfsSettings(string Kind, string SqlitePath, string PostgresConnection, int ChunkSize, int Shards)
{
    public static CfsSettings Create(Config config, SsiHome home)
    {
        var kind = config.GetString("ssi.cfs.store.kind", "sqlite");
        if (kind is not ("sqlite" or "postgres"))
            throw new ConfigurationException($"ssi.cfs.store.kind = {kind}: choose sqlite or postgres");
        var path = config.GetString("ssi.cfs.store.sqlite.path", "");
        var postgres = config.GetString("ssi.cfs.store.postgres.connection-string", "");
        if (kind == "postgres" && string.IsNullOrEmpty(postgres))
            throw new ConfigurationException("ssi.cfs.store.postgres.connection-string is required with kind = postgres");
        var chunk = config.GetByteSize("ssi.cfs.chunk-size") ?? 64 * 1024;
        var shards = config.GetInt("ssi.cfs.shards", 100);
        if (shards < 1) throw new ConfigurationException($"ssi.cfs.shards = {shards}: at least 1");
        return new CfsSettings(kind, string.IsNullOrEmpty(path) ? Path.Combine(home.Root, "cfs.db") : path, postgres, (int)chunk, shards);
    }

    /// <summary>Opens the configured store (creating its tables and root directory if needed).</summary>
    public SqlInodeStore OpenStore() => Kind == "postgres"
        ? new PostgresInodeStore(PostgresConnection, ChunkSize)
        : new SqliteInodeStore(SqlitePath, ChunkSize);
}
