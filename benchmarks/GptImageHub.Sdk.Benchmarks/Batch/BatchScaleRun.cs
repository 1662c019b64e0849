using System.Diagnostics;
using System.Globalization;

namespace GptImageHub.Sdk.Benchmarks.Batch;

/// <summary>
/// The batch runner and its file journal at scale, without a network: 100,000 items over an
/// in-process client that accepts each submit at once and answers each poll "succeeded". Measures
/// the peak working set of a run (items streamed from a generator, not a list), and how long a
/// rerun takes to replay the finished journal.
/// </summary>
internal static class BatchScaleRun
{
    public static async Task RunAsync(bool quick)
    {
        var count = quick ? 10_000 : 100_000;
        var directory = Directory.CreateTempSubdirectory("gih-batch-scale-").FullName;
        try
        {
            var journal = Path.Combine(directory, "journal.jsonl");
            Console.WriteLine($"Batch of {count:N0} items over an in-process client (no network), MaxConcurrency 64, file journal");
            Console.WriteLine("| run | wall | items/s | peak working set | allocated per item |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
            await InChildAsync("no journal (submit, poll)", null, count).ConfigureAwait(false);
            await InChildAsync("first run (submit, poll, journal)", journal, count).ConfigureAwait(false);
            await InChildAsync("rerun (replay the journal, no request)", journal, count).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"journal size: {new FileInfo(journal).Length / 1048576.0:0} MB"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The child's side: one run, one table row on standard output.</summary>
    public static Task RunOneAsync(string[] args) =>
        MeasureAsync(args[0], args[1] == "-" ? null : args[1], int.Parse(args[2], CultureInfo.InvariantCulture));

    // Each run in a process of its own: a working set is the process's, and the heap an earlier run grew is
    // not always given back, so a rerun measured in the same process reported the first run's memory as its own.
    private static async Task InChildAsync(string name, string? journal, int count)
    {
        using var child = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, ["batch-scale-run", name, journal ?? "-", count.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        Console.Write(await child.StandardOutput.ReadToEndAsync().ConfigureAwait(false));
        await child.WaitForExitAsync().ConfigureAwait(false);
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"The run '{name}' exited with {child.ExitCode}.");
        }
    }

    private static IEnumerable<BatchItem> Items(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return new BatchItem($"sku-{i:000000}", new ImageGenerationRequest("gpt-image-2", $"product shot {i}") { Quality = ImageQuality.Tier1K });
        }
    }

    private static async Task MeasureAsync(string name, string? journal, int count)
    {
        var done = 0;
        IGptImageHubClient client = new InstantClient();
        var options = new BatchOptions { MaxConcurrency = 64, JournalPath = journal, Polling = new PollingOptions { InitialInterval = TimeSpan.FromMilliseconds(10), UseJitter = false } };
        var (elapsed, allocated, peak) = await BatchThroughputRun.MeasureCoreAsync(async () =>
        {
            await foreach (var result in client.GenerateBatchAsync(Items(count), options).ConfigureAwait(false))
            {
                done += result.Status == BatchItemStatus.Succeeded ? 1 : 0;
            }

            return done;
        }).ConfigureAwait(false);
        if (done != count)
        {
            throw new InvalidOperationException($"{count - done} items did not succeed");
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {name} | {elapsed.TotalSeconds:0.00} s | {count / elapsed.TotalSeconds:0} | {peak / 1048576.0:0} MB | {allocated / (double)count / 1024:0.0} KB |"));
    }

    /// <summary>A service with no latency: every submit is queued, every poll finds it succeeded with one image.</summary>
    private sealed class InstantClient : IGptImageHubClient
    {
        private static readonly Uri Cdn = new("https://cdn.example/");
        private int _submitted;

        public Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult(GptImageHubModelFactory.GenerationOperation(GptImageHubModelFactory.ImageGeneration(
                "g-" + Interlocked.Increment(ref _submitted).ToString(CultureInfo.InvariantCulture), GenerationStatus.Processing)));

        public Task<ImageGeneration> GetGenerationAsync(string generationId, CancellationToken cancellationToken = default) =>
            Task.FromResult(GptImageHubModelFactory.ImageGeneration(
                generationId,
                GenerationStatus.Succeeded,
                "gpt-image-2",
                [GptImageHubModelFactory.GeneratedImage("img-" + generationId, new Uri(Cdn, generationId + ".png"))],
                GptImageHubModelFactory.GenerationUsage(8)));

        public Task<IReadOnlyList<ImageModel>> GetModelsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CreditBalance> GetCreditsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ImageGeneration> GenerateImageAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ImageGeneration> WaitForGenerationAsync(string generationId, IProgress<ImageGeneration>? progress = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();


        public Task DownloadImageAsync(GeneratedImage image, Stream destination, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
