namespace GptImageHub.Sdk.Polling;

/// <summary>
/// Tells a caller's <see cref="IProgress{T}"/> of a generation's state. What the caller's handler throws stops the
/// wait, as any exception of a callback does, but leaves naming the job: the job exists and is paid for, and an
/// exception without its id (the caller's own, as it was) would lose it (promise 2).
/// </summary>
internal static class ConsumerProgress
{
    public static void Report(IProgress<ImageGeneration>? progress, ImageGeneration value, CancellationToken cancellationToken)
    {
        if (progress is null)
        {
            return;
        }

        try
        {
            progress.Report(value);
        }
        catch (Exception ex) when (Names(ex, value.Id))
        {
            // Already this job's (a guard further in, when a client that is not the SDK's forwards to one that is).
            throw;
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            // The caller's handler saw the caller's own cancellation: a cancelled wait, as if a delay had seen it.
            throw GenerationCanceledException.ForWait(value.Id, ex, cancellationToken);
        }
        catch (Exception ex)
        {
            throw Threw(value.Id, ex);
        }
    }

    private static bool Names(Exception exception, string generationId) => exception switch
    {
        GptImageHubException hub => string.Equals(hub.GenerationId, generationId, StringComparison.Ordinal),
        GenerationCanceledException canceled => string.Equals(canceled.GenerationId, generationId, StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>The exception for a progress handler that threw: a <see cref="GptImageHubException"/> naming the job, the handler's exception inside.</summary>
    internal static GptImageHubException Threw(string generationId, Exception handlerException) =>
        new(
            $"The progress handler of the wait for generation '{generationId}' threw ({handlerException.GetType().Name}: {handlerException.Message}), and the wait stopped. "
            + $"The job keeps running on the service; resume it with WaitForGenerationAsync(\"{generationId}\").",
            statusCode: null,
            errorCode: null,
            generationId,
            handlerException);
}
