// The table of named leases in the shared store: one row per lease with its owner and expiry, taken atomically.
using System.Data.Common;

namespace Ssi.Cfs.Leases;

/// <summary>What the store answered to an acquire or renew: whether we hold it now, and the row as it stands.</summary>
/// <param name="Acquired">True: the row is ours until <paramref name="ExpiresAt"/>.</param>
/// <param name="Owner">The owner now (ours when acquired; another's when not).</param>
/// <param name="ExpiresAt">The expiry in the store's clock (microseconds since the Unix epoch).</param>
/// <param name="ExpiresIn">How long until that expiry, by the store's clock.</param>
public sealed record LeaseRow(bool Acquired, string Owner, long ExpiresAt, TimeSpan ExpiresIn);

/// <summary>A member recorded live: its incarnation (host:port/uid), its Akka address, and how long its row has left.</summary>
public sealed record LiveMember(string Member, string Address, TimeSpan ExpiresIn);

/// <summary>
/// Portable SQL over one <c>leases</c> table. Acquire and renew are one conditional upsert: the row becomes ours if it is
/// missing, already ours, or expired by the store's clock; otherwise it is left alone and read back. Every statement
/// runs in the store's writer transaction (SQLite: BEGIN IMMEDIATE on the shared file; PostgreSQL: one statement is
/// atomic on its row), so two owners never both see themselves as holder. A subclass supplies the connection and the
/// store's clock; it waits for another writer no longer than the lease's operation timeout.
/// </summary>
public abstract class LeaseTable : IDisposable
{
    protected const string Schema = """
        CREATE TABLE IF NOT EXISTS leases(
            name TEXT NOT NULL PRIMARY KEY,
            owner TEXT NOT NULL,
            expires BIGINT NOT NULL)   -- microseconds since the Unix epoch, by the store's clock
        """;

    /// <summary>Incarnations of nodes the cluster removed: none of them may take a lease again.</summary>
    protected const string FenceSchema = """
        CREATE TABLE IF NOT EXISTS lease_fences(
            member TEXT NOT NULL PRIMARY KEY,   -- host:port/uid of one incarnation
            fenced BIGINT NOT NULL)             -- when, in microseconds since the Unix epoch
        """;

    /// <summary>
    /// Members of a formed cluster that are alive, each renewing its row while it is Up: a node that would found a cluster
    /// (its own address first among its seeds) founds one only when no row is live, and joins the recorded members
    /// otherwise, so a first seed restarted behind a partition never founds a second cluster on the same store.
    /// </summary>
    protected const string MemberSchema = """
        CREATE TABLE IF NOT EXISTS cluster_members(
            member TEXT NOT NULL PRIMARY KEY,   -- host:port/uid of one incarnation
            address TEXT NOT NULL,              -- its Akka address, to join it by
            expires BIGINT NOT NULL)            -- microseconds since the Unix epoch, by the store's clock
        """;

    protected abstract DbConnection OpenConnection();

    /// <summary>Begins a transaction that excludes every other writer of the store.</summary>
    protected abstract DbTransaction BeginWrite(DbConnection connection);

    /// <summary>The store's clock as a SQL expression in microseconds (SQLite: the caller's @now; PostgreSQL: the server's).</summary>
    protected abstract string NowSql { get; }

    /// <summary>Begins the transaction that creates the table: one at a time across nodes (nodes may open it together).</summary>
    protected virtual DbTransaction BeginSchema(DbConnection connection) => BeginWrite(connection);

    /// <summary>Creates the table if it is missing (called once by a subclass's constructor).</summary>
    protected void Initialise()
    {
        using var connection = OpenConnection();
        using var tx = BeginSchema(connection);
        Execute(connection, tx, Schema);
        Execute(connection, tx, FenceSchema);
        Execute(connection, tx, MemberSchema);
        tx.Commit();
    }

    /// <summary>Takes or renews the lease for <paramref name="owner"/> for <paramref name="ttl"/> from now, if it is free, ours or expired.</summary>
    public LeaseRow TryAcquire(string name, string owner, TimeSpan ttl)
    {
        using var connection = OpenConnection();
        using var tx = BeginWrite(connection);
        var taken = Execute(connection, tx, $"""
            INSERT INTO leases(name, owner, expires) VALUES (@name, @owner, {NowSql} + @ttl)
            ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, expires = excluded.expires
            WHERE leases.owner = excluded.owner OR leases.expires <= {NowSql}
            """, ("@name", name), ("@owner", owner), ("@ttl", Micros(ttl)));
        var row = Read(connection, tx, name) ?? throw new InvalidOperationException($"lease {name}: no row after the upsert");
        tx.Commit();
        return row with { Acquired = taken == 1 && row.Owner == owner };
    }

    /// <summary>
    /// Moves the row from <paramref name="holder"/> to <paramref name="owner"/> for <paramref name="ttl"/> from now, only if
    /// <paramref name="holder"/> still has it (compare and swap); true if it moved.
    /// </summary>
    public bool TakeOver(string name, string holder, string owner, TimeSpan ttl)
    {
        using var connection = OpenConnection();
        using var tx = BeginWrite(connection);
        var moved = Execute(connection, tx, $"UPDATE leases SET owner = @owner, expires = {NowSql} + @ttl WHERE name = @name AND owner = @holder",
            ("@name", name), ("@holder", holder), ("@owner", owner), ("@ttl", Micros(ttl)));
        tx.Commit();
        return moved == 1;
    }

    /// <summary>
    /// How long a fence is kept: a node that wakes from a longer freeze or suspension stops without asking
    /// (<c>FreezeWatch</c>), so older fences only fill the table; each new one prunes them.
    /// </summary>
    public static readonly TimeSpan FenceRetention = TimeSpan.FromDays(30);

    /// <summary>Records that the cluster removed this incarnation of a node (idempotent), and prunes expired fences.</summary>
    public void Fence(string member)
    {
        using var connection = OpenConnection();
        using var tx = BeginWrite(connection);
        Execute(connection, tx, $"INSERT INTO lease_fences(member, fenced) VALUES (@member, {NowSql}) ON CONFLICT(member) DO NOTHING", ("@member", member));
        Execute(connection, tx, $"DELETE FROM lease_fences WHERE fenced < {NowSql} - @keep", ("@keep", Micros(FenceRetention)));
        tx.Commit();
    }

    /// <summary>Whether the cluster removed this incarnation of a node.</summary>
    public bool IsFenced(string member)
    {
        using var connection = OpenConnection();
        using var tx = BeginWrite(connection);
        using var command = Command(connection, tx, "SELECT COUNT(*) FROM lease_fences WHERE member = @member", ("@member", member));
        var fenced = Convert.ToInt64(command.ExecuteScalar()) > 0;
        tx.Commit();
        return fenced;
    }

    /// <summary>Gives the lease up if <paramref name="owner"/> holds it; true if it did.</summary>
    public bool Release(string name, string owner)
    {
        using var connection = OpenConnection();
        using var tx = BeginWrite(connection);
        var deleted = Execute(connection, tx, "DELETE FROM leases WHERE name = @name AND owner = @owner", ("@name", name), ("@owner", owner));
        tx.Commit();
        return deleted == 1;
    }

    /// <summary>Records <paramref name="member"/> (host:port/uid) as a live member at <paramref name="address"/> for <paramref name="ttl"/> from now.</summary>
    public void RecordMember(string member, string address, TimeSpan ttl)
    {
        using var connection = OpenConnection();
        using var tx = BeginWrite(connection);
        Execute(connection, tx, $"""
            INSERT INTO cluster_members(member, address, expires) VALUES (@member, @address, {NowSql} + @ttl)
            ON CONFLICT(member) DO UPDATE SET address = excluded.address, expires = excluded.expires
            """, ("@member", member), ("@address", address), ("@ttl", Micros(ttl)));
        // Rows of members that stopped renewing long ago only fill the table.
        Execute(connection, tx, $"DELETE FROM cluster_members WHERE expires < {NowSql} - @keep", ("@keep", Micros(MemberRetention)));
        tx.Commit();
    }

    /// <summary>How long a member's expired row is kept before another member's renewal deletes it.</summary>
    public static readonly TimeSpan MemberRetention = TimeSpan.FromDays(1);

    /// <summary>Deletes the row of a member that leaves (idempotent).</summary>
    public void ForgetMember(string member)
    {
        using var connection = OpenConnection();
        using var tx = BeginWrite(connection);
        Execute(connection, tx, "DELETE FROM cluster_members WHERE member = @member", ("@member", member));
        tx.Commit();
    }

    /// <summary>The members whose rows have not expired, by the store's clock, with how long each has left.</summary>
    public IReadOnlyList<LiveMember> LiveMembers()
    {
        using var connection = OpenConnection();
        using var tx = BeginWrite(connection);
        using var command = Command(connection, tx, $"SELECT member, address, expires - {NowSql} FROM cluster_members WHERE expires > {NowSql} ORDER BY member");
        var live = new List<LiveMember>();
        using (var r = command.ExecuteReader())
            while (r.Read()) live.Add(new LiveMember(r.GetString(0), r.GetString(1), TimeSpan.FromTicks(Convert.ToInt64(r.GetValue(2)) * 10)));
        tx.Commit();
        return live;
    }

    /// <summary>The row as it stands (its holder may have expired), or null if nobody has taken the lease.</summary>
    public LeaseRow? Current(string name)
    {
        using var connection = OpenConnection();
        using var tx = BeginWrite(connection);
        var row = Read(connection, tx, name);
        tx.Commit();
        return row;
    }

    private LeaseRow? Read(DbConnection connection, DbTransaction tx, string name)
    {
        using var command = Command(connection, tx, $"SELECT owner, expires, expires - {NowSql} FROM leases WHERE name = @name", ("@name", name));
        using var r = command.ExecuteReader();
        if (!r.Read()) return null;
        return new LeaseRow(false, r.GetString(0), r.GetInt64(1), TimeSpan.FromTicks(Convert.ToInt64(r.GetValue(2)) * 10));
    }

    private static long Micros(TimeSpan t) => t.Ticks / 10;

    /// <summary>The caller's clock in microseconds since the Unix epoch (the store's clock where the store has none).</summary>
    protected static long WallMicros() => (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private int Execute(DbConnection c, DbTransaction tx, string sql, params (string Name, object Value)[] args)
    {
        using var command = Command(c, tx, sql, args);
        return command.ExecuteNonQuery();
    }

    private DbCommand Command(DbConnection c, DbTransaction tx, string sql, params (string Name, object Value)[] args)
    {
        var command = c.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in args) Add(command, name, value);
        if (sql.Contains("@now", StringComparison.Ordinal)) Add(command, "@now", WallMicros());
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    public abstract void Dispose();
}
