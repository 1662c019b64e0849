using Microsoft.Extensions.Logging;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The SDK writes log lines after a charged POST answered, with the job's id in hand ("Submitted generation
/// {id}", "Generation {id} succeeded"). A logging provider that throws there (a file logger on a full disk;
/// Microsoft's LoggerFactory passes it on as an AggregateException) ended the call with its own exception and
/// no id: the batch reported a paid item unknown without its id (never resumable, never sent again), and
/// GenerateImageAsync threw away images already paid for. A log line must never cost a paid job.
/// </summary>
public sealed class HostileThrowingLoggerTests() : EmulatorAndDirectory("gih-hostile-logger-")
{
    [Fact]
    public async Task A_logger_that_throws_on_the_submitted_line_leaves_the_batch_item_succeeded_with_its_id()
    {
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new DiskFullProvider()));
        using var client = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000), loggers: loggers);
        var items = Items(1);

        var result = Assert.Single(await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)));

        Assert.Equal(BatchItemStatus.Succeeded, result.Status);
        Assert.NotNull(result.GenerationId);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
    }

    [Fact]
    public async Task A_logger_that_throws_after_a_generation_succeeded_still_hands_back_its_images()
    {
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new DiskFullProvider()));
        using var client = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000), loggers: loggers);

        var generation = await client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { Quality = ImageQuality.Tier1K }, T);

        Assert.Equal(GenerationStatus.Succeeded, generation.Status);
        Assert.NotEmpty(generation.Images);
    }

    /// <summary>A file logging provider whose disk is full: every Information line and above fails.</summary>
    private sealed class DiskFullProvider : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                throw new IOException("No space left on device.");
            }
        }
    }
}
