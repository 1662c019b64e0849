using System.Net;
using System.Net.Sockets;

namespace GptImageHub.Sdk.Tests.Cli;

/// <summary>
/// Failure lines that told the user the wrong thing, found by running gih as a user: a port in use read as "a file
/// could not be written" (exit 1), a folder given as the batch file "does not exist", and the resume hint ran into a
/// message without a full stop ("... (127.0.0.1:port) Generation abc keeps running").
/// </summary>
public sealed class CliFailureWordingTests : CliTestBase
{
    [Fact]
    public async Task An_emulator_port_in_use_is_a_usage_error_that_says_so()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var result = await RunAsync("emulator", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = result.ErrorLine();
        Assert.StartsWith($"gih: The emulator cannot listen on port {port} of 127.0.0.1 (", line, StringComparison.Ordinal);
        Assert.EndsWith("choose another with --port, or 0 for a free one.", line, StringComparison.Ordinal);
        Assert.DoesNotContain("file", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_given_as_the_batch_file_is_named_a_folder()
    {
        Directory.CreateDirectory(Path.Combine(WorkingDirectory, "prompts"));

        var result = await RunWithKeyAsync("batch", "prompts");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("gih: 'prompts' is a folder; give the batch file in it (one prompt per line, or one JSON object per line).", result.ErrorLine());
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task The_resume_hint_starts_a_sentence_of_its_own()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var address = $"http://127.0.0.1:{((IPEndPoint)closed.LocalEndpoint).Port}/";
        closed.Stop();

        var result = await RunAsync("get", "abc", "--base-url", address, "--api-key", Key);

        Assert.True(result.ExitCode == 8, result.ToString());
        var line = result.ErrorLine();
        Assert.Contains("). Generation abc keeps running on the service; resume with: gih wait abc", line, StringComparison.Ordinal);
    }
}
