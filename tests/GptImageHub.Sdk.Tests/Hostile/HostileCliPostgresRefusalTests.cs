using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Cli;
using GptImageHub.Sdk.Tests.Infrastructure;
using Npgsql;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// <c>gih batch</c> and <c>gih batch status</c> against a PostgreSQL server that answers but refuses the request (a
/// database that does not exist, a role refused): gih said "A file could not be written: ...", the wording of a full
/// disk, for a connection string to fix. The database's refusal is now said as what it is, with where to look.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostileCliPostgresRefusalTests(PostgreSqlServer server) : CliTestBase
{
    [Theory]
    [InlineData("status", false)]
    [InlineData("run", false)]
    [InlineData("status", true)]
    [InlineData("run", true)]
    public async Task A_database_that_refuses_is_named_as_the_database_not_a_file(string command, bool failover)
    {
        server.Require();
        var missing = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "no_such_batch_database" };
        if (failover)
        {
            // A failover connection string whose first host is down: Npgsql's own message then only says to read the
            // inner exceptions, which gih's one line does not show; and a refusal must not be waited out as an outage.
            missing.Host = $"127.0.0.2:{LoopbackPort.Unused()},{missing.Host}:{missing.Port}";
        }

        string[] args = command == "status"
            ? ["batch", "status", "--postgres", missing.ConnectionString, "--batch-name", "b"]
            : ["batch", await WritePromptsAsync(), "--postgres", missing.ConnectionString, "--batch-name", "b", "--api-key", Key, "--base-url", Hub.BaseAddress.ToString()];

        // Far below the 30 s gih gives a database that does not answer: a refusal is not waited out.
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        patience.CancelAfter(TimeSpan.FromSeconds(15));
        var result = await RunAsync(args, terminal: false, patience.Token);

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = result.ErrorLine();
        Assert.DoesNotContain("file could not be written", line, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("no_such_batch_database", line, StringComparison.Ordinal);
        Assert.Contains("--postgres", line, StringComparison.Ordinal);
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }


    private async Task<string> WritePromptsAsync()
    {
        var path = Path.Combine(WorkingDirectory, "prompts.txt");
        await File.WriteAllTextAsync(path, "a red fox\n", Ct);
        return path;
    }
}
