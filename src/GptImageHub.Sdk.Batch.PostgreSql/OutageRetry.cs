using System.Collections.ObjectModel;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace GptImageHub.Sdk.Batch.PostgreSql;

/// <summary>
/// Runs one store call again and again while the database cannot be reached (refused connections, a
/// server shutting down or starting up, a connection cut mid-statement), with a growing, jittered wait,
/// until it succeeds or the caller's token is cancelled. A batch pauses through an outage instead of
/// failing. Every statement the store runs is idempotent for its worker, so running one again after a
/// cut that hid its commit (an ambiguous commit) changes nothing the first run did.
/// </summary>
/// <remarks>
/// With <paramref name="unreachableIsFinal"/>, a database that cannot be reached at all (a refused port, an unknown
/// host) ends the call at once with <see cref="DatabaseUnreachableException"/>: a one-off question (a status read)
/// waits only for what may pass by itself (a timeout, a server starting up), not for a wrong host or port.
/// <para>With <paramref name="readOnlyIsOutage"/>, a database that only reads (25006: a primary demoted to a standby
/// in a switchover while the address still leads to it, or writes frozen for maintenance) is waited out too. A worker
/// that joined the batch meets it only mid-run, in a switchover; joining is refused at once instead, since a database
/// that only reads from the start is a wrong target (a replica's address), which waiting would never mend.</para>
/// </remarks>
internal sealed class OutageRetry(
    NpgsqlDataSource dataSource, TimeProvider time, TimeSpan maxDelay, string batchName, bool unreachableIsFinal = false, bool readOnlyIsOutage = false)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(50);

    // What Npgsql's failover data source says, with no code and no inner exception, when it skipped every host: each was
    // marked offline by an earlier failure (for Host Recheck Seconds), or none has the target session attributes yet (a
    // standby being promoted). Both pass by themselves. Npgsql's messages are not localized.
    private const string NoSuitableHost = "No suitable host was found.";

    private long _retries;

    /// <summary>How many times a call was tried again (for tests).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    public async Task<T> RunAsync<T>(string doing, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, Action? onRetry = null)
    {
        var delay = FirstDelay;
        while (true)
        {
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (unreachableIsFinal && IsUnreachable(ex))
                {
                    throw new DatabaseUnreachableException($"The PostgreSQL database of batch '{batchName}' cannot be reached: {UnreachableReasons(ex)}", ex);
                }

                if (!IsTransient(ex) && !(readOnlyIsOutage && ex is PostgresException { SqlState: "25006" }))
                {
                    if (ex is NpgsqlException)
                    {
                        throw new DatabaseRefusedException($"The PostgreSQL batch store could not {doing} for batch '{batchName}': {Reasons(ex)}", ex);
                    }

                    throw;
                }

                Interlocked.Increment(ref _retries);
                onRetry?.Invoke();

                // A restarted server leaves every pooled connection broken, and a demoted one keeps its sessions
                // read-only: drop the idle ones now rather than failing once on each of them. (A failover data source
                // keeps skipping the hosts it saw fail for the connection string's Host Recheck Seconds: that setting
                // is the user's.)
                dataSource.Clear();
            }

            // Jitter spreads a fleet's retries so a database coming back is not hit by every worker at once.
            var jittered = TimeSpan.FromTicks(delay.Ticks / 2 + RandomNumberGenerator.GetInt32((int)Math.Min(int.MaxValue, delay.Ticks / 2 + 1)));
            await Task.Delay(jittered, time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, maxDelay.Ticks));
        }
    }

    /// <summary>
    /// Whether a failure means "the database is not reachable right now" rather than "this call is wrong".
    /// Npgsql's own <see cref="NpgsqlException.IsTransient"/> covers network failures, timeouts and some
    /// server states; it leaves out an administrator's or a crash shutdown (57P01, 57P02), which is exactly
    /// what a restart sends to open connections, and a deadlock (40P01), so those are added here. It leaves out a
    /// statement the server cancelled (57014): a <c>statement_timeout</c> an administrator set on the role or database
    /// (a wait on a row lock, a slow server) is the server's own form of the Command Timeout that Npgsql does call
    /// transient, and an administrator's <c>pg_cancel_backend</c> asks for no less; the caller's own cancellation
    /// arrives as an <see cref="OperationCanceledException"/> and never reaches here. It also says
    /// "not transient" for a failover connection string (<c>Host=a,b</c>) whose hosts all failed, since it wraps
    /// their failures in an <see cref="AggregateException"/>. That is transient when each host's failure is: a host
    /// that refused (a database or role it does not have) would refuse again when the others are back, as the hosts
    /// of one cluster share their databases and roles. And when it skipped every host (<see cref="NoSuitableHost"/>).
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient
            || postgres.SqlState is "57P01" or "57P02" or "57P03" or "57014" or "40001" or "40P01" or "53300"
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException when FailoverHosts(exception) is { } hosts => hosts.All(IsTransient),
        NpgsqlException { InnerException: null, Message: NoSuitableHost } => true,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or SocketException or TimeoutException,
        IOException or SocketException or TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// Whether the database's machine said no to the connection itself, or its name does not resolve: nothing that
    /// passes by waiting, unlike a timeout or a server that is starting up. Npgsql wraps the socket's error. With a
    /// failover connection string, every host must be unreachable: one that timed out may still answer.
    /// </summary>
    public static bool IsUnreachable(Exception exception) => HostFailures(exception).All(failure => SocketErrorOf(failure) is
        SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.NoData
        or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.AddressNotAvailable);

    /// <summary>Each host's failure and why, as <c>Failed to connect to 127.0.0.1:5432 (nothing listens at that host and port)</c>.</summary>
    private static string UnreachableReasons(Exception exception) =>
        Reasons(exception, failure => $"{failure.Message} ({UnreachableReason(failure)})");

    /// <summary>
    /// What each host said: a failover connection string's own message only says to read its inner exceptions, and a
    /// one-line report (gih's) shows no inner exception. Each once: Npgsql tries a host again in its second pass (any
    /// session after the preferred one), and a host that refused says the same again.
    /// </summary>
    private static string Reasons(Exception exception, Func<Exception, string>? say = null) =>
        string.Join("; ", HostFailures(exception).Select(say ?? (failure => failure.Message)).Distinct(StringComparer.Ordinal));

    /// <summary>The failure of each host tried: one for a plain connection string, one per host for a failover one.</summary>
    private static ReadOnlyCollection<Exception> HostFailures(Exception exception) => FailoverHosts(exception) ?? Array.AsReadOnly([exception]);

    /// <summary>A failover connection string's failure of every host, one inner exception per host tried; null for any other failure.</summary>
    private static ReadOnlyCollection<Exception>? FailoverHosts(Exception exception) =>
        exception is NpgsqlException { InnerException: AggregateException { InnerExceptions.Count: > 0 } hosts } ? hosts.InnerExceptions : null;

    private static string UnreachableReason(Exception exception) => SocketErrorOf(exception) switch
    {
        SocketError.ConnectionRefused => "nothing listens at that host and port",
        SocketError.HostNotFound or SocketError.NoData => "no such host",
        _ => "no route to that host",
    };

    private static SocketError? SocketErrorOf(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }

        return null;
    }
}
