// The inode store on an embedded SQLite file: WAL, synchronous=FULL, one IMMEDIATE transaction per call.
using Microsoft.Data.Sqlite;
using Ssi.Actors.Errors;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Namespace;

namespace Ssi.Cfs.Storage.Sqlite;

/// <summary>
/// Several node processes of one host share the file; SQLite's locking serialises their writers and WAL lets readers
/// go on. Each call opens a pooled connection, so the store is safe to use from many actors at once.
/// </summary>
public sealed partial class SqliteInodeStore : IInodeStore
{
    private const int SqliteFull = 13;
    private readonly string _connectionString;

    public SqliteInodeStore(string path, int chunkSize = 64 * 1024)
    {
        if (chunkSize < 512) throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "chunks of at least 512 bytes");
        ChunkSize = chunkSize;
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        Execute(connection, null, "PRAGMA journal_mode=WAL;");
        using var tx = connection.BeginTransaction();
        Execute(connection, tx, Schema);
        var now = Now();
        Execute(connection, tx, """
            INSERT OR IGNORE INTO inodes(ino, type, mode, uid, gid, nlink, size, atime, mtime, ctime, parent)
            VALUES (1, $type, 493, 0, 0, 2, 0, $now, $now, $now, 1);
            """, ("$type", (long)InodeType.Directory), ("$now", now));
        tx.Commit();
    }

    public int ChunkSize { get; }

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS inodes(
            ino INTEGER PRIMARY KEY AUTOINCREMENT,
            type INTEGER NOT NULL, mode INTEGER NOT NULL, uid INTEGER NOT NULL, gid INTEGER NOT NULL,
            nlink INTEGER NOT NULL, size INTEGER NOT NULL,
            atime INTEGER NOT NULL, mtime INTEGER NOT NULL, ctime INTEGER NOT NULL,
            parent INTEGER,   -- directories only: the directory that holds it
            target TEXT);     -- symlinks only
        CREATE TABLE IF NOT EXISTS dirents(
            dir INTEGER NOT NULL, name TEXT NOT NULL, ino INTEGER NOT NULL,
            PRIMARY KEY(dir, name)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS chunks(
            ino INTEGER NOT NULL, idx INTEGER NOT NULL, data BLOB NOT NULL,
            PRIMARY KEY(ino, idx)) WITHOUT ROWID;
        """;

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, null, "PRAGMA busy_timeout=30000; PRAGMA synchronous=FULL;");
        return connection;
    }

    /// <summary>Runs one call in one transaction: committed if it succeeded, rolled back if it returned an errno.</summary>
    private Outcome<T> Transact<T>(Func<SqliteConnection, SqliteTransaction, Outcome<T>> body)
    {
        try
        {
            using var connection = Open();
            using var tx = connection.BeginTransaction(deferred: false);
            var outcome = body(connection, tx);
            if (outcome.IsOk) tx.Commit();
            else tx.Rollback();
            return outcome;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteFull)
        {
            return Outcome<T>.Fail(Errno.ENOSPC, "the store is full");
        }
        catch (SqliteException e)
        {
            return Outcome<T>.Fail(Errno.EIO, "store: " + e.Message);
        }
    }

    private static int Execute(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using var command = Command(c, tx, sql, args);
        return command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        var command = c.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in args) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>Times are stored as microseconds since the Unix epoch.</summary>
    private static long Now() => ToMicros(DateTimeOffset.UtcNow);
    private static long ToMicros(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
    private static DateTimeOffset FromMicros(long us) => DateTimeOffset.UnixEpoch.AddTicks(us * 10);

    private static InodeAttributes? Attributes(SqliteConnection c, SqliteTransaction tx, InodeNumber ino)
    {
        using var command = Command(c, tx, "SELECT type, mode, uid, gid, nlink, size, atime, mtime, ctime FROM inodes WHERE ino = $ino", ("$ino", ino.Value));
        using var r = command.ExecuteReader();
        if (!r.Read()) return null;
        return new InodeAttributes(ino, (InodeType)r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4),
            r.GetInt64(5), FromMicros(r.GetInt64(6)), FromMicros(r.GetInt64(7)), FromMicros(r.GetInt64(8)));
    }

    private static InodeNumber? Entry(SqliteConnection c, SqliteTransaction tx, InodeNumber dir, string name)
    {
        var value = Command(c, tx, "SELECT ino FROM dirents WHERE dir = $dir AND name = $name", ("$dir", dir.Value), ("$name", name)).ExecuteScalar();
        return value is long ino ? new InodeNumber(ino) : null;
    }

    /// <summary>The directory's attributes, or ENOENT/ENOTDIR.</summary>
    private static Outcome<InodeAttributes> Directory(SqliteConnection c, SqliteTransaction tx, InodeNumber dir)
    {
        var attrs = Attributes(c, tx, dir);
        if (attrs is null) return Outcome<InodeAttributes>.Fail(Errno.ENOENT, $"inode {dir}");
        return attrs.IsDirectory ? attrs : Outcome<InodeAttributes>.Fail(Errno.ENOTDIR, $"inode {dir}");
    }

    private static void Touch(SqliteConnection c, SqliteTransaction tx, InodeNumber ino, long now, bool mtime = true) =>
        Execute(c, tx, mtime ? "UPDATE inodes SET mtime = $now, ctime = $now WHERE ino = $ino" : "UPDATE inodes SET ctime = $now WHERE ino = $ino",
            ("$now", now), ("$ino", ino.Value));

    private static void AddLinks(SqliteConnection c, SqliteTransaction tx, InodeNumber ino, int delta) =>
        Execute(c, tx, "UPDATE inodes SET nlink = nlink + $d WHERE ino = $ino", ("$d", delta), ("$ino", ino.Value));

    /// <summary>Drops one link; the inode and its data go with the last one.</summary>
    private static void DropLink(SqliteConnection c, SqliteTransaction tx, InodeAttributes victim, long now)
    {
        var remaining = victim.IsDirectory ? 0 : victim.Nlink - 1;
        if (remaining > 0)
        {
            Execute(c, tx, "UPDATE inodes SET nlink = $n, ctime = $now WHERE ino = $ino", ("$n", remaining), ("$now", now), ("$ino", victim.Ino.Value));
            return;
        }
        Execute(c, tx, "DELETE FROM chunks WHERE ino = $ino; DELETE FROM inodes WHERE ino = $ino;", ("$ino", victim.Ino.Value));
    }

    public void Dispose() => SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
}
