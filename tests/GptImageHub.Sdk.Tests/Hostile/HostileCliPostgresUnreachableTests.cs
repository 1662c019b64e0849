using GptImageHub.Sdk.Tests.Cli;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// <c>gih batch status</c> against a database whose port refuses the connection: the store's outage retry took the
/// refusal for a restart and tried again until the command's 30 s cap, which then said "usage" (exit 2). A refused
/// connection (or an unknown host) is final for a question asked once: it now fails at once, one line naming the
/// host and port (never the password), exit 8 as any unreachable service. So does a batch run's first contact: it
/// waited in silence, as through an outage, for a database it had never reached.
/// </summary>
public sealed class HostileCliPostgresUnreachableTests : CliTestBase
{
    [Fact]
    public async Task Batch_status_against_a_refusing_port_fails_at_once_as_unreachable_without_the_password()
    {
        var port = LoopbackPort.Unused();
        // Far below the 30 s the command allows a database that does not answer: a refusal must not wait at all.
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        patience.CancelAfter(TimeSpan.FromSeconds(10));

        var result = await RunAsync(
            ["batch", "status", "--postgres", $"Host=127.0.0.1;Port={port};Username=gih;Password=pw-never-shown;Database=batches", "--batch-name", "b"],
            terminal: false,
            patience.Token);

        Assert.True(result.ExitCode == 8, result.ToString());
        var line = result.ErrorLine();
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("--postgres", line, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-never-shown", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_status_against_a_failover_string_whose_hosts_all_refuse_fails_at_once_naming_each_host()
    {
        var (first, second) = (LoopbackPort.Unused(), LoopbackPort.Unused());
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        patience.CancelAfter(TimeSpan.FromSeconds(10));

        var result = await RunAsync(
            ["batch", "status", "--postgres", $"Host=127.0.0.1:{first},127.0.0.2:{second};Username=gih;Password=pw-never-shown;Database=batches", "--batch-name", "b"],
            terminal: false,
            patience.Token);

        Assert.True(result.ExitCode == 8, result.ToString());
        var line = result.ErrorLine();
        Assert.Contains($"127.0.0.1:{first} (nothing listens", line, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.2:{second} (nothing listens", line, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-never-shown", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_status_json_against_a_refusing_port_is_one_network_error_document()
    {
        var port = LoopbackPort.Unused();
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        patience.CancelAfter(TimeSpan.FromSeconds(10));

        var result = await RunAsync(
            ["batch", "status", "--json", "--postgres", $"Host=127.0.0.1;Port={port};Username=gih;Password=pw-never-shown;Database=batches", "--batch-name", "b"],
            terminal: false,
            patience.Token);

        var error = result.Json().GetProperty("error");
        Assert.Equal(("network", 8), (error.GetProperty("kind").GetString(), error.GetProperty("exit_code").GetInt32()));
    }

    [Fact]
    public async Task A_batch_whose_database_was_never_reached_fails_at_once_before_any_post_or_out_folder()
    {
        var port = LoopbackPort.Unused();
        File.WriteAllLines(Path.Combine(WorkingDirectory, "prompts.txt"), ["a red fox"]);
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        patience.CancelAfter(TimeSpan.FromSeconds(10));

        var result = await RunAsync(
            ["batch", "prompts.txt", "--out", "images", "--postgres", $"Host=127.0.0.1;Port={port};Username=gih;Password=pw-never-shown;Database=batches", "--batch-name", "b",
                "--api-key", Key, "--base-url", Hub.BaseAddress.ToString()],
            terminal: false,
            patience.Token);

        Assert.True(result.ExitCode == 8, result.ToString());
        Assert.Contains($"127.0.0.1:{port}", result.ErrorLine(), StringComparison.Ordinal);
        Assert.DoesNotContain("pw-never-shown", result.ToString(), StringComparison.Ordinal);
        Assert.Empty(Hub.Ledger.GenerationRequests);
        Assert.False(Directory.Exists(Path.Combine(WorkingDirectory, "images")));
    }
}
