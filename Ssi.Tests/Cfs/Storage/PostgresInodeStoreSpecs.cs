// The store specs against a real PostgreSQL server, each test in a schema of its own.
using Ssi.Cfs.Storage;
using Ssi.Cfs.Storage.Postgres;

namespace Ssi.Tests.Cfs.Storage;

/// <summary>
/// Against a real PostgreSQL server named by SSI_TEST_POSTGRES (a connection string; .ci/run installs and starts one).
/// Each test gets a schema of its own, dropped afterwards. Without the variable these specs are skipped.
/// </summary>
public sealed class PostgresInodeStoreSpecs : InodeStoreSpecs
{
    public const string Variable = "SSI_TEST_POSTGRES";
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N")[..12];
    private bool _created;

    protected override SqlInodeStore OpenStore()
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        Skip.If(string.IsNullOrEmpty(server), $"{Variable} is not set: no PostgreSQL server to test against");
        if (!_created)
        {
            Admin(server!, $"CREATE SCHEMA {_schema}");
            _created = true;
        }
        return new PostgresInodeStore($"{server};Search Path={_schema}", chunkSize: 512);
    }

    public static void Admin(string server, string sql)
    {
        using var connection = new Npgsql.NpgsqlConnection(server);
        connection.Open();
        using var command = new Npgsql.NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public override void Dispose()
    {
        base.Dispose();
        if (_created) Admin(Environment.GetEnvironmentVariable(Variable)!, $"DROP SCHEMA {_schema} CASCADE");
    }
}
