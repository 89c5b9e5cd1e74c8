// The store lease specs against a real PostgreSQL server, in a schema of their own.
using Npgsql;
using Ssi.Cfs.Leases;
using Ssi.Cfs.Storage.Postgres;
using Ssi.Tests.Cfs.Storage;

namespace Ssi.Tests.Cfs.Leases;

/// <summary>Against the server named by SSI_TEST_POSTGRES, as the store specs are; skipped without it.</summary>
public sealed class PostgresStoreLeaseSpecs : StoreLeaseSpecs
{
    private readonly string _schema = "l_" + Guid.NewGuid().ToString("N")[..12];
    private bool _created;

    private string Server()
    {
        var server = Environment.GetEnvironmentVariable(PostgresInodeStoreSpecs.Variable);
        Skip.If(string.IsNullOrEmpty(server), $"{PostgresInodeStoreSpecs.Variable} is not set: no PostgreSQL server to test against");
        lock (this)
        {
            if (!_created) PostgresInodeStoreSpecs.Admin(server!, $"CREATE SCHEMA {_schema}");
            _created = true;
        }
        return $"{server};Search Path={_schema}";
    }

    protected override LeaseTable OpenTable(TimeSpan operationTimeout) => new PostgresLeaseTable(Server(), operationTimeout);

    protected override System.Data.Common.DbConnection Connect()
    {
        var connection = new NpgsqlConnection(Server());
        connection.Open();
        return connection;
    }

    protected override IDisposable BlockWriters()
    {
        var connection = Connect();
        Run(connection, "BEGIN; LOCK TABLE leases IN ACCESS EXCLUSIVE MODE");
        return connection;
    }

    public override void Dispose()
    {
        base.Dispose();
        if (_created) PostgresInodeStoreSpecs.Admin(Environment.GetEnvironmentVariable(PostgresInodeStoreSpecs.Variable)!, $"DROP SCHEMA {_schema} CASCADE");
    }
}
