using System.Net;
using System.Net.Sockets;
using System.Text;
using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// <c>gih batch -</c> attacked. Standard input was read with a blocking copy before the command's first await: Ctrl+C
/// while the input was still open (a terminal, a producer that never ends) did nothing until the input ended, and a
/// producer cut by the same Ctrl+C left a truncated last line that was then reported as a usage error (exit 2), not as
/// the stop it was. The read now ends at Ctrl+C: exit 130, nothing sent. What held: a changed request under a key the
/// journal knows is refused, not paid again; a UTF-16 input is read; input of only comments pays nothing; a database
/// that accepts the connection and never answers still lets Ctrl+C stop the first contact with exit 130.
/// </summary>
public sealed class HostileCliBatchStandardInputTests : CliTestBase
{
    [Fact]
    public async Task Ctrl_c_while_standard_input_is_still_open_stops_at_once_with_exit_130_and_sends_nothing()
    {
        using var input = new EndlessInput();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = Task.Run(
            () => RunAsync(
                ["batch", "-", "--journal", "run.jsonl", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key],
                terminal: false,
                stop.Token,
                openInput: () => input),
            Ct);

        Assert.True(input.Reading.Wait(TimeSpan.FromSeconds(10), Ct), "gih never read standard input.");
        await stop.CancelAsync();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task Ctrl_c_that_cut_the_producer_mid_line_is_a_stop_not_a_bad_line()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var truncated = Encoding.UTF8.GetBytes("a red fox\n{\"prompt\": \"an o");

        // The producer dies with the same Ctrl+C (one process group): the input ends, cut, just after the signal.
        var result = await RunAsync(
            ["batch", "-", "--journal", "run.jsonl", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key],
            terminal: false,
            stop.Token,
            openInput: () => new CutOnStop(truncated, stop));

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task A_changed_prompt_under_a_key_the_journal_knows_is_refused_and_not_paid_again()
    {
        string[] args = ["batch", "-", "--journal", "run.jsonl", "--out", "images", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key];
        var first = await RunAsync(args, terminal: false, Ct, input: "a red fox\n");
        Assert.True(first.ExitCode == 0, first.ToString());

        var again = await RunAsync(args, terminal: false, Ct, input: "a blue whale\n");

        Assert.True(again.ExitCode != 0, again.ToString());
        Assert.Single(Hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task Utf16_input_with_its_byte_order_mark_is_read_as_the_prompts_written()
    {
        var bytes = new UnicodeEncoding(bigEndian: false, byteOrderMark: true).GetPreamble()
            .Concat(Encoding.Unicode.GetBytes("un renard roux é\n")).ToArray();

        var result = await RunAsync(
            ["batch", "-", "--journal", "run.jsonl", "--out", "images", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key],
            terminal: false,
            Ct,
            openInput: () => new MemoryStream(bytes));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(Hub.Ledger.GenerationRequests);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests("un renard roux é"));
    }

    [Fact]
    public async Task Input_of_only_comments_pays_nothing_and_invalid_utf8_names_its_line()
    {
        var comments = await RunAsync(
            ["batch", "-", "--journal", "run.jsonl", "--out", "images", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key],
            terminal: false,
            Ct,
            input: "# nothing\n\n");
        var invalid = await RunAsync(
            ["batch", "-", "--journal", "run2.jsonl", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key],
            terminal: false,
            Ct,
            openInput: () => new MemoryStream([(byte)'a', (byte)'\n', 0xC3, 0x28, (byte)'\n']));

        Assert.True(comments.ExitCode == 0, comments.ToString());
        Assert.True(invalid.ExitCode == 2, invalid.ToString());
        Assert.StartsWith("gih: standard input line 2:", invalid.ErrorLine(), StringComparison.Ordinal);
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task Ctrl_c_while_a_silent_database_is_first_reached_exits_130_not_8()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = RunAsync(
            ["batch", "-", "--postgres", $"Host=127.0.0.1;Port={port};Username=gih;Password=pw-never-shown;Database=b;Timeout=60", "--batch-name", "b",
                "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key],
            terminal: false,
            stop.Token,
            input: "a red fox\n");

        // The database's port accepts and never says a word.
        using var accepted = await listener.AcceptSocketAsync(Ct);
        await stop.CancelAsync();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.DoesNotContain("pw-never-shown", result.ToString(), StringComparison.Ordinal);
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }

    /// <summary>Standard input that stays open: a read blocks until the stream is disposed.</summary>
    private sealed class EndlessInput : Stream
    {
        private readonly ManualResetEventSlim _closed = new();

        public ManualResetEventSlim Reading { get; } = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Reading.Set();
            _closed.Wait();
            return 0;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _closed.Set();
            base.Dispose(disposing);
        }
    }

    /// <summary>Input whose producer is killed by the Ctrl+C: it signals the stop, then ends with what it had written.</summary>
    private sealed class CutOnStop(byte[] written, CancellationTokenSource stop) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = Math.Min(count, written.Length - _position);
            Array.Copy(written, _position, buffer, offset, read);
            _position += read;
            if (read == 0)
            {
                stop.Cancel();
            }

            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
