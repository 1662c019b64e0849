using System.Diagnostics;
using System.Globalization;
using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Batch.PostgreSql;

namespace GptImageHub.Sdk.Tests.Batch.PostgreSql;

/// <summary>
/// The fleet, as users run it: the emulator in a process of its own, four <c>gih batch --postgres</c>
/// processes sharing one batch of 2,000 items in one database; one worker is SIGKILLed early, the
/// database is restarted, another worker is SIGKILLed later. Judged by the emulator's ledger and the
/// store's status: no key posted twice, every credit charged paid for a delivered image or an item
/// reported unknown, the budget never passed, and every item ends succeeded, failed or unknown.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class FleetTests(PostgreSqlServer server)
{
    private const int Items = 2_000;
    private const int Price = 8;
    private const int Workers = 4;

    [Fact]
    public async Task Four_gih_processes_share_a_batch_through_kills_and_a_database_restart_without_paying_twice()
    {
        server.RequireRestartable();
        var ct = TestContext.Current.CancellationToken;
        var connection = await server.CreateDatabaseAsync($"gih_fleet_{Guid.NewGuid():N}");
        var folder = Directory.CreateTempSubdirectory("gih-fleet-").FullName;
        var clock = Stopwatch.StartNew();
        var emulator = Child.Start("dotnet", Path.Combine(AppContext.BaseDirectory, "GptImageHub.Sdk.Tests.BatchChild.dll"), "emulator", "20", "150", "1000000");
        var workers = new List<Child>();
        try
        {
            var baseUrl = await emulator.ReadLineAsync(ct);
            var key = await emulator.ReadLineAsync(ct);
            var file = Path.Combine(folder, "shots.txt");
            await File.WriteAllLinesAsync(file, Enumerable.Range(0, Items).Select(i => $"fleet product shot {i:0000}"), ct);
            var budget = Items * Price;
            for (var i = 0; i < Workers; i++)
            {
                workers.Add(Child.Start(
                    "dotnet",
                    Path.Combine(AppContext.BaseDirectory, "GptImageHub.Cli.dll"),
                    "batch", file, "--postgres", connection, "--batch-name", "catalogue", "--lease", "4",
                    "--concurrency", "12", "--budget", budget.ToString(CultureInfo.InvariantCulture),
                    "--out", Path.Combine(folder, $"out-{i}"), "--json", "--base-url", baseUrl, "--api-key", key));
            }

            // First kill with a quarter charged, the database restart at two fifths, the second kill at three fifths.
            await WaitForPostsAsync(emulator, Items / 4, ct);
            workers[0].Kill();
            await WaitForPostsAsync(emulator, Items * 2 / 5, ct);
            await server.StopAsync();
            await Task.Delay(1500, ct);
            await server.StartAsync();
            await WaitForPostsAsync(emulator, Items * 3 / 5, ct);
            workers[1].Kill();

            foreach (var survivor in workers.Skip(2))
            {
                var exit = await survivor.WaitAsync(TimeSpan.FromMinutes(5), ct);
                Assert.True(exit is 0 or 10, $"a surviving worker exited {exit}: {survivor.Errors}");
            }

            await using var store = new PostgreSqlBatchStore(connection, "catalogue");
            var status = await store.GetStatusAsync(ct);
            long Count(BatchJournalEvent state) => status.Counts.TryGetValue(state, out var n) ? n : 0;
            var succeeded = Count(BatchJournalEvent.Succeeded);
            var failed = Count(BatchJournalEvent.Failed);
            var unknown = Count(BatchJournalEvent.Unknown);

            // None stuck: every item is succeeded, failed or unknown.
            Assert.Equal(Items, status.Total);
            Assert.Equal(Items, succeeded + failed + unknown);
            Assert.Equal(unknown, status.UnknownKeys.Count);

            // Once the emulator has finished every job it accepted: no key posted twice, and every credit
            // charged is an image delivered, each either received by the fleet or an unknown item's.
            var ledger = await SettledLedgerAsync(emulator, ct);
            Assert.Equal(0, ledger["duplicates"]);
            Assert.Equal(ledger["posts"], ledger["charges"]);
            Assert.Equal(ledger["charged"] - ledger["refunded"], ledger["images"] * Price);
            var chargedUnknown = ledger["posts"] - succeeded - failed;
            Assert.InRange(chargedUnknown, 0, unknown);
            Assert.Equal((succeeded + chargedUnknown) * Price, ledger["charged"] - ledger["refunded"]);
            Assert.True(ledger["charged"] <= budget, $"charged {ledger["charged"]} past the budget {budget}");
            Assert.True(status.CreditsSpent + status.CreditsReserved <= budget);

            TestContext.Current.TestOutputHelper?.WriteLine(
                $"fleet: {Items} items, {Workers} workers, 2 SIGKILLs, 1 database restart, {ledger["posts"]} POSTs, {succeeded} succeeded, {failed} failed, {unknown} unknown ({chargedUnknown} of them charged), {clock.Elapsed.TotalSeconds:0} s");
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }

            emulator.Dispose();
            await server.DropDatabaseAsync(connection);
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task WaitForPostsAsync(Child emulator, int posts, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while ((await LedgerAsync(emulator, ct))["posts"] < posts)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(3), $"fewer than {posts} POSTs after 3 minutes");
            await Task.Delay(50, ct);
        }
    }

    /// <summary>The ledger once it stops moving: jobs accepted before the last worker ended have all finished.</summary>
    private static async Task<Dictionary<string, long>> SettledLedgerAsync(Child emulator, CancellationToken ct)
    {
        var last = await LedgerAsync(emulator, ct);
        for (var i = 0; i < 100; i++)
        {
            await Task.Delay(200, ct);
            var now = await LedgerAsync(emulator, ct);
            if (now["images"] == last["images"] && (now["charged"] - now["refunded"]) == now["images"] * Price)
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    private static async Task<Dictionary<string, long>> LedgerAsync(Child emulator, CancellationToken ct)
    {
        var line = await emulator.AskAsync("ledger", ct);
        return line.Split(' ').Select(part => part.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
    }

    /// <summary>A child process with its output read as it comes; disposing it kills it.</summary>
    private sealed class Child : IDisposable
    {
        private readonly Process _process;
        private readonly System.Threading.Channels.Channel<string> _lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
        private readonly System.Text.StringBuilder _errors = new();
        private readonly SemaphoreSlim _asking = new(1, 1);

        private Child(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    _lines.Writer.TryWrite(line);
                }
            };
            _process.ErrorDataReceived += (_, e) =>
            {
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Errors
        {
            get
            {
                lock (_errors)
                {
                    return _errors.ToString();
                }
            }
        }

        public static Child Start(string file, params string[] arguments)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment.Remove("GPTIMAGEHUB_API_KEY");
            return new Child(Process.Start(start)!);
        }

        public async Task<string> ReadLineAsync(CancellationToken ct) =>
            await _lines.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(60), ct);

        public async Task<string> AskAsync(string question, CancellationToken ct)
        {
            await _asking.WaitAsync(ct);
            try
            {
                await _process.StandardInput.WriteLineAsync(question.AsMemory(), ct);
                await _process.StandardInput.FlushAsync(ct);
                return await ReadLineAsync(ct);
            }
            finally
            {
                _asking.Release();
            }
        }

        /// <summary>SIGKILL on Linux: no finally block, no flush, no goodbye to the database.</summary>
        public void Kill() => _process.Kill(entireProcessTree: true);

        public async Task<int> WaitAsync(TimeSpan limit, CancellationToken ct)
        {
            await _process.WaitForExitAsync(ct).WaitAsync(limit, ct);
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
            _asking.Dispose();
        }
    }
}
