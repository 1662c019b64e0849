using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Cli;

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
    [InlineData("status")]
    [InlineData("run")]
    public async Task A_database_that_refuses_is_named_as_the_database_not_a_file(string command)
    {
        server.Require();
        var missing = server.ConnectionString!.Replace("Database=postgres", "Database=no_such_batch_database", StringComparison.Ordinal);
        Assert.NotEqual(server.ConnectionString, missing);
        string[] args = command == "status"
            ? ["batch", "status", "--postgres", missing, "--batch-name", "b"]
            : ["batch", await WritePromptsAsync(), "--postgres", missing, "--batch-name", "b", "--api-key", Key, "--base-url", Hub.BaseAddress.ToString()];

        var result = await RunAsync(args, terminal: false, Ct);

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
