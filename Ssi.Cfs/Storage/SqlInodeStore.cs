// The inode store on a SQL database: portable SQL shared by SQLite and PostgreSQL, one transaction per call.
using System.Data.Common;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;

namespace Ssi.Cfs.Storage;

/// <summary>
/// Each call opens a pooled connection and runs in one transaction. Changes serialise against every other writer
/// (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock); reads see one consistent snapshot and
/// do not wait (SQLite WAL: BEGIN DEFERRED; PostgreSQL: REPEATABLE READ). The store is safe to use from many actors and
/// many node processes at once. A subclass supplies the connection, the schema and its error codes.
/// </summary>
public abstract partial class SqlInodeStore : IInodeStore
{
    protected SqlInodeStore(int chunkSize)
    {
        if (chunkSize < 512) throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "chunks of at least 512 bytes");
        ChunkSize = chunkSize;
    }

    public int ChunkSize { get; }

    protected abstract DbConnection OpenConnection();

    /// <summary>Begins a transaction that excludes every other writer until it ends.</summary>
    protected abstract DbTransaction BeginWrite(DbConnection connection);

    /// <summary>Begins a read-only transaction on one consistent snapshot; it runs beside writers.</summary>
    protected abstract DbTransaction BeginRead(DbConnection connection);

    /// <summary>The errno for a database failure: ENOSPC when the store is full, else EIO.</summary>
    protected abstract Errno Classify(DbException e);

    /// <summary>
    /// Columns added after the first schema, which stores made before them lack: (table, column, definition). The
    /// schemas create them too; a store that has them already is left alone.
    /// </summary>
    private static readonly (string Table, string Column, string Definition)[] AddedColumns =
    [
        ("inodes", "rdev_major", "INTEGER NOT NULL DEFAULT 0"),
        ("inodes", "rdev_minor", "INTEGER NOT NULL DEFAULT 0"),
    ];

    /// <summary>Whether <paramref name="table"/> has <paramref name="column"/> (each database keeps its catalogue its own way).</summary>
    protected abstract bool HasColumn(DbConnection connection, DbTransaction tx, string table, string column);

    /// <summary>
    /// Creates the tables if they are missing, adds the columns an older store lacks, and creates the root directory
    /// (inode 1) if it is missing; all in one writer transaction, so nodes starting together do it once.
    /// </summary>
    protected void Initialise(string schema)
    {
        using var connection = OpenConnection();
        using var tx = BeginWrite(connection);
        Execute(connection, tx, schema);
        foreach (var (table, column, definition) in AddedColumns)
            if (!HasColumn(connection, tx, table, column)) Execute(connection, tx, $"ALTER TABLE {table} ADD COLUMN {column} {definition}");
        var now = Now();
        Execute(connection, tx, """
            INSERT INTO inodes(ino, type, mode, uid, gid, nlink, size, atime, mtime, ctime, parent)
            VALUES (1, @type, 493, 0, 0, 2, 0, @now, @now, @now, 1) ON CONFLICT DO NOTHING
            """, ("@type", (int)InodeType.Directory), ("@now", now));
        tx.Commit();
    }

    /// <summary>Runs one change in one writer transaction: committed if it succeeded, rolled back if it returned an errno.</summary>
    private Outcome<T> Transact<T>(Func<DbConnection, DbTransaction, Outcome<T>> body) => Run(body, write: true);

    /// <summary>Runs one read on a snapshot, without waiting for writers.</summary>
    private Outcome<T> Query<T>(Func<DbConnection, DbTransaction, Outcome<T>> body) => Run(body, write: false);

    private Outcome<T> Run<T>(Func<DbConnection, DbTransaction, Outcome<T>> body, bool write)
    {
        try
        {
            using var connection = OpenConnection();
            using var tx = write ? BeginWrite(connection) : BeginRead(connection);
            var outcome = body(connection, tx);
            if (outcome.IsOk) tx.Commit();
            else tx.Rollback();
            return outcome;
        }
        catch (DbException e)
        {
            var errno = Classify(e);
            return Outcome<T>.Fail(errno, errno == Errno.ENOSPC ? "the store is full" : "store: " + e.Message);
        }
    }

    protected static int Execute(DbConnection c, DbTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using var command = Command(c, tx, sql, args);
        return command.ExecuteNonQuery();
    }

    protected static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        var command = c.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in args)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>Times are stored as microseconds since the Unix epoch.</summary>
    private static long Now() => ToMicros(DateTimeOffset.UtcNow);
    private static long ToMicros(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
    private static DateTimeOffset FromMicros(long us) => DateTimeOffset.UnixEpoch.AddTicks(us * 10);

    private static InodeAttributes? Attributes(DbConnection c, DbTransaction tx, InodeNumber ino)
    {
        using var command = Command(c, tx, """
            SELECT type, mode, uid, gid, nlink, size, atime, mtime, ctime, rdev_major, rdev_minor FROM inodes WHERE ino = @ino
            """, ("@ino", ino.Value));
        using var r = command.ExecuteReader();
        if (!r.Read()) return null;
        return new InodeAttributes(ino, (InodeType)r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4),
            r.GetInt64(5), FromMicros(r.GetInt64(6)), FromMicros(r.GetInt64(7)), FromMicros(r.GetInt64(8)),
            new DeviceNumber(r.GetInt32(9), r.GetInt32(10)));
    }

    private static InodeNumber? Entry(DbConnection c, DbTransaction tx, InodeNumber dir, string name)
    {
        var value = Command(c, tx, "SELECT ino FROM dirents WHERE dir = @dir AND name = @name", ("@dir", dir.Value), ("@name", name)).ExecuteScalar();
        return value is long ino ? new InodeNumber(ino) : null;
    }

    /// <summary>The directory's attributes, or ENOENT/ENOTDIR.</summary>
    private static Outcome<InodeAttributes> Directory(DbConnection c, DbTransaction tx, InodeNumber dir)
    {
        var attrs = Attributes(c, tx, dir);
        if (attrs is null) return Outcome<InodeAttributes>.Fail(Errno.ENOENT, $"inode {dir}");
        return attrs.IsDirectory ? attrs : Outcome<InodeAttributes>.Fail(Errno.ENOTDIR, $"inode {dir}");
    }

    private static void Touch(DbConnection c, DbTransaction tx, InodeNumber ino, long now, bool mtime = true) =>
        Execute(c, tx, mtime ? "UPDATE inodes SET mtime = @now, ctime = @now WHERE ino = @ino" : "UPDATE inodes SET ctime = @now WHERE ino = @ino",
            ("@now", now), ("@ino", ino.Value));

    private static void AddLinks(DbConnection c, DbTransaction tx, InodeNumber ino, int delta) =>
        Execute(c, tx, "UPDATE inodes SET nlink = nlink + @d WHERE ino = @ino", ("@d", delta), ("@ino", ino.Value));

    /// <summary>
    /// Drops one link. The inode and its data go with the last one, unless a description still holds it open: then it
    /// stays as an orphan with no links until its last close (<see cref="ReleaseOpen"/>).
    /// </summary>
    private static void DropLink(DbConnection c, DbTransaction tx, InodeAttributes victim, long now)
    {
        var remaining = victim.IsDirectory ? 0 : victim.Nlink - 1;
        if (remaining > 0 || IsOpen(c, tx, victim.Ino))
        {
            Execute(c, tx, "UPDATE inodes SET nlink = @n, ctime = @now WHERE ino = @ino", ("@n", remaining), ("@now", now), ("@ino", victim.Ino.Value));
            return;
        }
        Free(c, tx, victim.Ino);
    }

    private static bool IsOpen(DbConnection c, DbTransaction tx, InodeNumber ino) =>
        Command(c, tx, "SELECT 1 FROM open_files WHERE ino = @ino LIMIT 1", ("@ino", ino.Value)).ExecuteScalar() is not null;

    private static void Free(DbConnection c, DbTransaction tx, InodeNumber ino)
    {
        Execute(c, tx, "DELETE FROM chunks WHERE ino = @ino", ("@ino", ino.Value));
        Execute(c, tx, "DELETE FROM inodes WHERE ino = @ino", ("@ino", ino.Value));
    }

    public abstract Outcome<bool> Sync();

    /// <summary>The bytes the database takes and the bytes free beside it, for <see cref="Usage"/>.</summary>
    protected abstract (long Used, long? Available) Space(DbConnection connection, DbTransaction tx);

    public Outcome<StoreUsage> Usage() => Query((c, tx) =>
    {
        var (used, available) = Space(c, tx);
        var inodes = Convert.ToInt64(Command(c, tx, "SELECT COUNT(*) FROM inodes").ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        return Outcome<StoreUsage>.Ok(new StoreUsage(used, available, inodes));
    });

    /// <summary>Runs <paramref name="sql"/> outside any transaction (checkpoints may not run inside one).</summary>
    protected Outcome<bool> Maintain(string sql)
    {
        try
        {
            using var connection = OpenConnection();
            Execute(connection, null, sql);
            return true;
        }
        catch (DbException e)
        {
            return Outcome<bool>.Fail(Classify(e), "store: " + e.Message);
        }
    }

    public abstract void Dispose();
}
