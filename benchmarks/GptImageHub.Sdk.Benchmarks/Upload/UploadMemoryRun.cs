using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GptImageHub.Sdk.Benchmarks.Loopback;
using GptImageHub.Sdk.Benchmarks.Wire;

namespace GptImageHub.Sdk.Benchmarks.Upload;

/// <summary>
/// Memory of a large upload: 16 reference images sent from files to the seed server (which reads
/// and discards the body, then answers 202), measured in a fresh client process per size so that
/// neither the server nor an earlier run shows in the client's numbers. A streaming upload
/// allocates about the same for 16 x 50 MB as for 16 x 1 MB and keeps its working set flat.
/// </summary>
public static class UploadMemoryRun
{
    private const int Images = 16;

    public static async Task RunAsync(bool quick)
    {
        var sizes = quick ? new[] { 1, 10 } : new[] { 1, 50 };
        var directory = Directory.CreateTempSubdirectory("gih-upload-bench-");
        try
        {
            using var server = await ServerProcess.StartAsync().ConfigureAwait(false);
            Console.WriteLine($"Sink at {server.Address} (child process); client in its own process per size; files in {directory.FullName}, deleted after.");
            var results = new List<Measurement>();
            foreach (var megabytes in sizes)
            {
                var files = CreateImages(directory, megabytes);
                results.Add(await RunClientAsync(server.Address, files).ConfigureAwait(false));
                foreach (var file in files)
                {
                    File.Delete(file);
                }
            }

            Console.WriteLine();
            Console.WriteLine("| Upload | Sent | Allocated | Alloc vs baseline | Peak working set growth | Time |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            var baseline = results[0].AllocatedBytes;
            foreach (var (result, megabytes) in results.Zip(sizes))
            {
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {Images} x {megabytes} MB | {result.SentBytes / 1e6:N0} MB | {result.AllocatedBytes / 1024.0:N0} KiB | {result.AllocatedBytes / (double)baseline:0.00}x | {result.PeakGrowthBytes / (1024.0 * 1024.0):N1} MiB | {result.Seconds:0.00} s |"));
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Runs in the child: the upload once to warm up, then measured; prints the numbers as JSON.</summary>
    public static async Task ClientAsync(Uri address, string[] files)
    {
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = SeedBodies.ApiKey, BaseAddress = address });

        // The same upload once first: JIT, the connection and first-use buffers are paid there, so
        // the measured run shows only what the upload itself costs.
        await client.StartImageGenerationAsync(Request(files)).ConfigureAwait(false);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        ResetPeakWorkingSet();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var workingSetBefore = self.WorkingSet64;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await client.StartImageGenerationAsync(Request(files)).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        self.Refresh();
        var sent = files.Sum(f => new FileInfo(f).Length);
        Console.WriteLine(JsonSerializer.Serialize(new Measurement(sent, allocated, self.PeakWorkingSet64 - workingSetBefore, seconds), UploadJsonContext.Default.Measurement));
    }

    private static ImageGenerationRequest Request(string[] files)
    {
        var request = new ImageGenerationRequest("gpt-image-2", "Combine these");
        foreach (var file in files)
        {
            request.ReferenceImages.Add(ReferenceImage.FromFile(file));
        }

        return request;
    }

    /// <summary>
    /// Linux keeps the peak resident set (VmHWM) for the process's life; writing 5 to clear_refs
    /// resets it to the current size, so the peak read afterwards is the measured call's own.
    /// </summary>
    private static void ResetPeakWorkingSet()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not reset the peak working set ({ex.Message}); the peak includes the warm-up.");
        }
    }

    private static async Task<Measurement> RunClientAsync(Uri address, string[] files)
    {
        var info = ServerProcess.SelfStartInfo(["upload-client", address.ToString(), .. files]);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("The client process did not start.");
        var output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidOperationException("The client printed nothing.");
        return JsonSerializer.Deserialize(line, UploadJsonContext.Default.Measurement)
            ?? throw new InvalidOperationException($"The client printed '{line}'.");
    }

    /// <summary>Files that start with the PNG signature (all the SDK checks) and are filled with noise.</summary>
    private static string[] CreateImages(DirectoryInfo directory, int megabytes)
    {
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        var chunk = new byte[1024 * 1024];
        new Random(megabytes).NextBytes(chunk);
        var files = new string[Images];
        for (var i = 0; i < Images; i++)
        {
            files[i] = Path.Combine(directory.FullName, $"reference-{megabytes}mb-{i:00}.png");
            using var file = File.Create(files[i]);
            for (var written = 0; written < megabytes; written++)
            {
                if (written == 0)
                {
                    signature.CopyTo(chunk, 0);
                }

                file.Write(chunk);
            }
        }

        return files;
    }
}

public sealed record Measurement(long SentBytes, long AllocatedBytes, long PeakGrowthBytes, double Seconds);

[System.Text.Json.Serialization.JsonSerializable(typeof(Measurement))]
public sealed partial class UploadJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
