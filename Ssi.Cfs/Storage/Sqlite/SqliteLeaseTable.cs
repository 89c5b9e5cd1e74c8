// The lease table in the SQLite file the local nodes share; its clock is the host's, which every local node shares.
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Ssi.Cfs.Leases;

namespace Ssi.Cfs.Storage.Sqlite;

/// <summary>
/// A connection pool of its own, whose writers wait for the file's lock no longer than <c>busyTimeout</c> (the lease's
/// operation timeout), not the inode store's 30 s: a renewal stuck behind a long write must fail in time.
/// </summary>
public sealed class SqliteLeaseTable : LeaseTable
{
    private readonly string _connectionString;
    private readonly int _busyMillis;

    public SqliteLeaseTable(string path, TimeSpan busyTimeout)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _busyMillis = (int)Math.Max(1, busyTimeout.TotalMilliseconds);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(Math.Max(1, busyTimeout.TotalSeconds)),
        }.ToString();
        using (var connection = OpenConnection())
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            wal.ExecuteNonQuery();
        }
        Initialise();
    }

    protected override string NowSql => "@now";

    protected override DbConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout={_busyMillis}; PRAGMA synchronous=FULL;");
        pragmas.ExecuteNonQuery();
        return connection;
    }

    protected override DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    public override void Dispose() => SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
}
