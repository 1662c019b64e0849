using GptImageHub.Sdk.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A connection string Npgsql refuses with a <see cref="NotSupportedException"/> rather than an <see cref="ArgumentException"/>:
/// <c>Target Session Attributes</c> (primary, standby, ...) with a single host. The store's constructor documents an
/// <see cref="ArgumentException"/> for an invalid connection string, and gih reports that as the usage error it is (exit 2);
/// this one escaped both, so gih said "Unexpected error" and exited 1. Now it is an <see cref="ArgumentException"/> naming
/// the setting, and gih's usage error, before a batch's standard input is read.
/// </summary>
public sealed class HostileCliPostgresSessionAttributesTests : CliTestBase
{
    private const string SingleHostPrimary = "Host=127.0.0.1;Username=gih;Password=pw-never-shown;Target Session Attributes=primary";

    // Nothing listens on port 1, so the refusal must come before any connection. Against a live primary with no standby,
    // such a string made gih batch status give up after 30 s and a batch wait without end ("No suitable host was found.").
    private const string FailoverStandby = "Host=127.0.0.1:1,127.0.0.2:1;Username=gih;Password=pw-never-shown;Target Session Attributes=standby";

    [Fact]
    public void The_store_refuses_session_attributes_with_one_host_as_an_invalid_connection_string()
    {
        var refused = Assert.Throws<ArgumentException>(() => new PostgreSqlBatchStore(SingleHostPrimary, "b"));

        Assert.Equal("connectionString", refused.ParamName);
        Assert.Contains("Target Session Attributes", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-never-shown", refused.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("standby")]
    [InlineData("prefer-standby")]
    [InlineData("Read-Only")]
    public async Task The_store_refuses_session_attributes_it_could_never_write_to_instead_of_waiting_for_them_without_end(string target)
    {
        // Against a cluster with no standby, Npgsql says only "No suitable host was found.", which the store waits out
        // (as it must while a standby is promoted to primary); and a standby refuses every write the store makes.
        var connection = $"Host=127.0.0.1:1,127.0.0.2:1;Username=gih;Password=pw-never-shown;Target Session Attributes={target}";

        var refused = Assert.Throws<ArgumentException>(() => new PostgreSqlBatchStore(connection, "b"));
        await using var dataSource = new Npgsql.NpgsqlDataSourceBuilder(connection).Build();
        var refusedSource = Assert.Throws<ArgumentException>(() => new PostgreSqlBatchStore(dataSource, "b", null));

        Assert.Equal("connectionString", refused.ParamName);
        Assert.Equal("dataSource", refusedSource.ParamName);
        Assert.Contains("Target Session Attributes", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-never-shown", refused.ToString() + refusedSource, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("primary")]
    [InlineData("read-write")]
    [InlineData("prefer-primary")]
    [InlineData("any")]
    public async Task The_store_takes_session_attributes_that_reach_a_primary(string target)
    {
        await using var store = new PostgreSqlBatchStore($"Host=127.0.0.1:1,127.0.0.2:1;Username=gih;Target Session Attributes={target}", "b");

        Assert.Equal("b", store.BatchName);
    }

    [Theory]
    [InlineData(SingleHostPrimary, true)]
    [InlineData(SingleHostPrimary, false)]
    [InlineData(FailoverStandby, true)]
    [InlineData(FailoverStandby, false)]
    public async Task Gih_reports_session_attributes_it_cannot_use_as_a_usage_error_before_reading_standard_input(string connection, bool run)
    {
        var reads = 0;
        var input = new MemoryStream("a red fox\n"u8.ToArray());
        string[] args = run
            ? ["batch", "-", "--postgres", connection, "--batch-name", "b", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key]
            : ["batch", "status", "--postgres", connection, "--batch-name", "b"];

        var result = await RunAsync(args, terminal: false, Ct, openInput: () =>
        {
            reads++;
            return input;
        });

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--postgres", result.ErrorLine(), StringComparison.Ordinal);
        Assert.Contains("Target Session Attributes", result.ErrorLine(), StringComparison.Ordinal);
        Assert.DoesNotContain("pw-never-shown", result.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, reads);
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }
}
