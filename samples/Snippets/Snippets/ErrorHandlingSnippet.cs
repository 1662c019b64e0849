using GptImageHub.Sdk;

namespace GptImageHub.Samples.Snippets;

internal static class ErrorHandlingSnippet
{
    internal static async Task RunAsync(IGptImageHubClient client, TextWriter output, CancellationToken cancellationToken)
    {
        // 1. The service refuses the request: a typed exception, and nothing is charged.
        try
        {
            await client.GenerateImageAsync(new ImageGenerationRequest("no-such-model", "A red fox"), cancellationToken);
        }
        catch (InvalidRequestException ex)
        {
            output.WriteLine($"Refused ({(int?)ex.StatusCode} {ex.ErrorCode}): {ex.Message}");
        }

        // 2. Stop waiting early (a web request cannot wait minutes), keep the id, resume later.
        var request = new ImageGenerationRequest("gpt-image-2", "A lighthouse in a storm") { Size = ImageSize.Square1024 };
        try
        {
            var operation = await client.StartImageGenerationAsync(request, cancellationToken);
            ImageGeneration generation;
            using (var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                patience.CancelAfter(TimeSpan.FromSeconds(1));
                try
                {
                    generation = await operation.WaitForCompletionAsync(cancellationToken: patience.Token);
                }
                catch (GenerationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // The job keeps running, and is paid for: never submit it again, wait for it by id.
                    output.WriteLine($"Stopped waiting; generation {ex.GenerationId} keeps running. Resuming by id...");
                    generation = await client.WaitForGenerationAsync(ex.GenerationId ?? operation.Id, cancellationToken: cancellationToken);
                }
            }

            output.WriteLine($"Resumed generation {generation.Id}: {generation.Status}, {generation.Images.Count} image(s)");
        }
        catch (InsufficientCreditsException ex)
        {
            output.WriteLine($"Not enough credits, nothing was charged: {ex.Message}");
        }
        catch (UnauthorizedException ex)
        {
            // MissingApiKeyException, InvalidApiKeyException or ExpiredApiKeyException.
            output.WriteLine($"Check GPTIMAGEHUB_API_KEY ({ex.GetType().Name}): {ex.Message}");
        }
        catch (RateLimitedException ex)
        {
            output.WriteLine($"Rate limited; try again after {ex.RetryAfter?.TotalSeconds ?? 60} s.");
        }
        catch (GenerationFailedException ex)
        {
            output.WriteLine($"Generation {ex.GenerationId} failed; the service refunds its credits: {ex.Message}");
        }
        catch (GenerationTimeoutException ex)
        {
            // PollingOptions.Timeout (20 minutes by default) ran out: the job may still finish.
            output.WriteLine($"Still running after the polling timeout; resume with WaitForGenerationAsync(\"{ex.GenerationId}\").");
        }
        catch (GptImageHubException ex) when (ex.GenerationId is not null)
        {
            // Any other failure after the submit (network, 5xx while polling): the job is paid for, keep its id.
            output.WriteLine($"Lost track of paid generation {ex.GenerationId} ({ex.GetType().Name}); resume it by id later.");
        }
    }
}
