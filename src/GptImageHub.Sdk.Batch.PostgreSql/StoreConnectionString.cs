using Npgsql;

namespace GptImageHub.Sdk.Batch.PostgreSql;

/// <summary>
/// The checks a connection string passes before the store uses it: what Npgsql refuses is an <see cref="ArgumentException"/>
/// (as the store's constructors document), and a string that can only ever reach a server the store cannot write to is
/// refused at once rather than waited for.
/// </summary>
internal static class StoreConnectionString
{
    /// <summary>Creates the data source for <paramref name="connectionString"/>.</summary>
    /// <exception cref="ArgumentException">The connection string is empty, invalid, or targets only read-only sessions.</exception>
    public static NpgsqlDataSource Open(string connectionString, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString, paramName);
        RequireWritable(connectionString, paramName);
        try
        {
            return NpgsqlDataSource.Create(connectionString);
        }
        catch (NotSupportedException ex)
        {
            // Npgsql's own word for a combination it does not serve (Target Session Attributes with one host): the string
            // is what is wrong, and its message names the setting, never a value.
            throw new ArgumentException(ex.Message, paramName, ex);
        }
    }

    /// <summary>
    /// Refuses Target Session Attributes that pick only a standby or a read-only session (<c>standby</c>,
    /// <c>prefer-standby</c>, <c>read-only</c>). The store writes on every call, so such a session could never serve it,
    /// and Npgsql says of a cluster without one only "No suitable host was found.", which is also what it says while a
    /// standby is promoted and so is waited out: the batch would wait without end.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string targets only read-only sessions, or is invalid.</exception>
    public static void RequireWritable(string connectionString, string paramName)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString).TargetSessionAttributes?.Trim();
        if (target is not null
            && (target.Equals("standby", StringComparison.OrdinalIgnoreCase)
                || target.Equals("prefer-standby", StringComparison.OrdinalIgnoreCase)
                || target.Equals("read-only", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException(
                $"Target Session Attributes={target} picks a session the batch store cannot write to; it writes on every call, so use primary, read-write or prefer-primary (or leave it out).",
                paramName);
        }
    }
}
