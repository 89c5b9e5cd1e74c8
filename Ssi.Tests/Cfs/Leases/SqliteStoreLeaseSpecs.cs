// The store lease specs on the SQLite file the local nodes share.
using Microsoft.Data.Sqlite;
using Ssi.Cfs.Leases;
using Ssi.Cfs.Storage.Sqlite;
using Ssi.Tests.Harness;

namespace Ssi.Tests.Cfs.Leases;

public sealed class SqliteStoreLeaseSpecs : StoreLeaseSpecs
{
    private readonly TempHome _home = new();
    private string DatabaseFile => Path.Combine(_home.Home.Root, "cfs.db");

    protected override LeaseTable OpenTable(TimeSpan operationTimeout) => new SqliteLeaseTable(DatabaseFile, operationTimeout);

    protected override System.Data.Common.DbConnection Connect()
    {
        var connection = new SqliteConnection($"Data Source={DatabaseFile};Pooling=False");
        connection.Open();
        return connection;
    }

    protected override IDisposable BlockWriters()
    {
        var connection = Connect();
        Run(connection, "BEGIN IMMEDIATE");
        return connection; // closing it rolls the transaction back and frees the lock
    }

    public override void Dispose()
    {
        base.Dispose();
        _home.Dispose();
    }
}
