// The lease table in the PostgreSQL database the nodes of several hosts share; its clock is the server's.
using System.Data;
using System.Data.Common;
using Npgsql;
using Ssi.Cfs.Leases;

namespace Ssi.Cfs.Storage.Postgres;

/// <summary>
/// The conditional upsert is atomic on its row, so the lease needs no advisory lock and never waits behind the inode
/// store's writers. Expiry is judged by the server's clock, so the hosts' clocks need not agree with each other.
/// </summary>
public sealed class PostgresLeaseTable : LeaseTable
{
    private readonly NpgsqlDataSource _source;

    /// <param name="operationTimeout">How long one statement may take (whole seconds, at least 1).</param>
    public PostgresLeaseTable(string connectionString, TimeSpan operationTimeout)
    {
        var seconds = (int)Math.Ceiling(Math.Max(1, operationTimeout.TotalSeconds));
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = seconds, Timeout = seconds };
        _source = NpgsqlDataSource.Create(builder.ConnectionString);
        Initialise();
    }

    protected override string NowSql => "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT";

    protected override DbConnection OpenConnection() => _source.OpenConnection();

    protected override DbTransaction BeginWrite(DbConnection connection) => connection.BeginTransaction(IsolationLevel.ReadCommitted);

    // CREATE TABLE IF NOT EXISTS from two nodes at once can fail on PostgreSQL's catalogue; the store's writer lock
    // makes them take turns (only here: the lease's own statements never wait behind the inode store's writers).
    protected override DbTransaction BeginSchema(DbConnection connection)
    {
        var tx = BeginWrite(connection);
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"SELECT pg_advisory_xact_lock({PostgresInodeStore.WriterLock})";
        command.ExecuteNonQuery();
        return tx;
    }

    public override void Dispose() => _source.Dispose();
}
