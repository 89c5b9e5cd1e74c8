// Typed view of the ssi.cfs keys, and the store they choose; nothing else reads them.
using Akka.Configuration;
using Ssi.Actors.Configuration;
using Ssi.Cfs.Leases;
using Ssi.Cfs.Storage;
using Ssi.Cfs.Storage.Postgres;
using Ssi.Cfs.Storage.Sqlite;

namespace Ssi.Cfs.Service;

public sealed record CfsSettings(string Kind, string SqlitePath, TimeSpan SqliteBusyTimeout, string PostgresConnection, int ChunkSize, int Shards)
{
    public static CfsSettings Create(Config config, SsiHome home)
    {
        var c = config.GetConfig("ssi.cfs") ?? throw new ConfigurationException("ssi.cfs is missing (reference.conf not loaded?)");
        var kind = c.GetString("store.kind");
        if (kind is not ("sqlite" or "postgres"))
            throw new ConfigurationException($"ssi.cfs.store.kind = {kind}: choose sqlite or postgres");
        var path = c.GetString("store.sqlite.path");
        var busy = c.GetTimeSpan("store.sqlite.busy-timeout");
        var postgres = c.GetString("store.postgres.connection-string");
        if (kind == "postgres" && string.IsNullOrEmpty(postgres))
            throw new ConfigurationException("ssi.cfs.store.postgres.connection-string is required with kind = postgres");
        var chunk = c.GetByteSize("chunk-size") ?? throw new ConfigurationException("ssi.cfs.chunk-size must be a size, e.g. 64 KiB");
        if (chunk is < 1 or > int.MaxValue) throw new ConfigurationException($"ssi.cfs.chunk-size = {chunk}: out of range");
        var shards = c.GetInt("shards");
        if (shards < 1) throw new ConfigurationException($"ssi.cfs.shards = {shards}: at least 1");
        return new CfsSettings(kind, string.IsNullOrEmpty(path) ? Path.Combine(home.Root, "cfs.db") : path, busy, postgres, (int)chunk, shards);
    }

    /// <summary>Opens the configured store (creating its tables and root directory if needed).</summary>
    public SqlInodeStore OpenStore() => Kind == "postgres"
        ? new PostgresInodeStore(PostgresConnection, ChunkSize)
        : new SqliteInodeStore(SqlitePath, ChunkSize, SqliteBusyTimeout);

    /// <summary>Opens the lease table of the configured store; no statement waits for another writer longer than <paramref name="operationTimeout"/>.</summary>
    public LeaseTable OpenLeaseTable(TimeSpan operationTimeout) => Kind == "postgres"
        ? new PostgresLeaseTable(PostgresConnection, operationTimeout)
        : new SqliteLeaseTable(SqlitePath, operationTimeout);
}
