using System.Net;
using System.Net.Sockets;
using GptImageHub.Sdk.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using Npgsql;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A failover connection string (<c>Host=a,b</c>) one of whose hosts is down while the other refuses (a database it does
/// not have) is refused at once, not waited for, and the refusal names what the hosts said once each: Npgsql tries a host
/// that refused again in its second pass (any session after the preferred one), so "database ... does not exist" came twice.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostileFailoverRefusalTests(PostgreSqlServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_failover_string_with_a_host_down_and_a_host_refusing_fails_at_once_naming_each_failure_once()
    {
        server.Require();
        var failover = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "gih_no_such_database", Password = "pw-never-shown" };
        failover.Host = $"127.0.0.2:{ClosedPort()},{failover.Host}:{failover.Port}";
        await using var store = new PostgreSqlBatchStore(failover.ConnectionString, $"test-{Guid.NewGuid():N}", PostgreSqlTests.Steady);

        var refused = await Assert.ThrowsAsync<DatabaseRefusedException>(async () => await store.GetStatusAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct));

        Assert.Contains("Failed to connect to 127.0.0.2", refused.Message, StringComparison.Ordinal);
        var said = "database \"gih_no_such_database\" does not exist";
        Assert.Equal(1, refused.Message.Split(said).Length - 1);
        Assert.DoesNotContain("pw-never-shown", refused.ToString(), StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
