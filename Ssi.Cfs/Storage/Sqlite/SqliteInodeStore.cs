// The inode store on an embedded SQLite file, shared by the local nodes: WAL, synchronous=FULL, BEGIN IMMEDIATE.
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Ssi.Actors.Errors;

namespace Ssi.Cfs.Storage.Sqlite;

/// <summary>SQLite's file locking serialises the writers of all node processes; WAL lets readers go on beside them.</summary>
public sealed class SqliteInodeStore : SqlInodeStore
{
    private const int SqliteFull = 13;
    private readonly string _connectionString;
    private readonly string _path;

    /// <param name="busyTimeout">How long a statement waits for another node's lock on the file (whole seconds).</param>
    public SqliteInodeStore(string path, int chunkSize, TimeSpan busyTimeout) : base(chunkSize)
    {
        _path = Path.GetFullPath(path);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var seconds = (int)Math.Ceiling(busyTimeout.TotalSeconds);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = seconds }.ToString();
        using (var connection = OpenConnection()) Execute(connection, null, "PRAGMA journal_mode=WAL;");
        Initialise(Schema);
    }

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS inodes(
            ino INTEGER PRIMARY KEY AUTOINCREMENT,
            type INTEGER NOT NULL, mode INTEGER NOT NULL, uid INTEGER NOT NULL, gid INTEGER NOT NULL,
            nlink INTEGER NOT NULL, size INTEGER NOT NULL,
            atime INTEGER NOT NULL, mtime INTEGER NOT NULL, ctime INTEGER NOT NULL,
            parent INTEGER,   -- directories only: the directory that holds it
            target TEXT,      -- symlinks only
            rdev_major INTEGER NOT NULL DEFAULT 0, rdev_minor INTEGER NOT NULL DEFAULT 0);  -- device nodes only
        CREATE TABLE IF NOT EXISTS dirents(
            dir INTEGER NOT NULL, name TEXT NOT NULL, ino INTEGER NOT NULL,
            PRIMARY KEY(dir, name)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS chunks(
            ino INTEGER NOT NULL, idx INTEGER NOT NULL, data BLOB NOT NULL,
            PRIMARY KEY(ino, idx)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS open_files(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ino INTEGER NOT NULL, flags INTEGER NOT NULL, position INTEGER NOT NULL,
            refs INTEGER NOT NULL, uid INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS open_files_by_ino ON open_files(ino);
        """;

    protected override DbConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, null, "PRAGMA busy_timeout=30000; PRAGMA synchronous=FULL;");
        return connection;
    }

    protected override DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    // A deferred transaction that only reads holds a WAL snapshot from its first read and never blocks writers.
    protected override DbTransaction BeginRead(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: true);

    protected override bool HasColumn(DbConnection connection, DbTransaction tx, string table, string column) =>
        Command(connection, tx, "SELECT 1 FROM pragma_table_info(@table) WHERE name = @column", ("@table", table), ("@column", column)).ExecuteScalar() is not null;

    protected override Errno Classify(DbException e) => e is SqliteException { SqliteErrorCode: SqliteFull } ? Errno.ENOSPC : Errno.EIO;

    // TRUNCATE copies the whole WAL into the database file, syncs it and empties the WAL (waiting for readers).
    public override Outcome<bool> Sync() => Maintain("PRAGMA wal_checkpoint(TRUNCATE);");

    protected override (long Used, long? Available) Space(DbConnection connection, DbTransaction tx)
    {
        var used = new[] { _path, _path + "-wal", _path + "-shm" }.Select(f => new FileInfo(f)).Where(f => f.Exists).Sum(f => f.Length);
        var available = new DriveInfo(Path.GetDirectoryName(_path)!).AvailableFreeSpace;
        return (used, available);
    }

    public override void Dispose() => SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
}
