using GptImageHub.Sdk.Polling;

namespace GptImageHub.Sdk;

/// <summary>
/// A submitted generation job, in the style of Azure SDK long-running operations. The job is paid
/// for once it exists, so keep <see cref="Id"/>: any process can resume the wait with
/// <see cref="IGptImageHubClient.WaitForGenerationAsync"/> or <see cref="GenerationOperationExtensions.ResumeGenerationAsync"/>.
/// One caller at a time should update or wait on an instance.
/// </summary>
public sealed class GenerationOperation
{
    private readonly IGenerationSource _source;
    private ImageGeneration _value;

    internal GenerationOperation(ImageGeneration value, IGenerationSource source)
    {
        _value = value;
        _source = source;
    }

    /// <summary>The generation id.</summary>
    public string Id => _value.Id;

    /// <summary>The latest snapshot of the job, from the submit or the last poll.</summary>
    public ImageGeneration Value => Volatile.Read(ref _value);

    /// <summary>Whether the job has ended, succeeded or failed, as of <see cref="Value"/>.</summary>
    public bool HasCompleted => Value.Status.IsTerminal;

    /// <summary>Reads the job's state once and updates <see cref="Value"/>. A failed job is returned, not thrown.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The fresh snapshot.</returns>
    /// <exception cref="GptImageHubException">The read failed; <see cref="GptImageHubException.GenerationId"/> is <see cref="Id"/>.</exception>
    /// <exception cref="GenerationCanceledException"><paramref name="cancellationToken"/> was cancelled; it names the job.</exception>
    public async Task<ImageGeneration> UpdateStatusAsync(CancellationToken cancellationToken = default)
    {
        var value = await _source.GetAsync(Value, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _value, value);
        return value;
    }

    /// <summary>Polls until the job ends and returns the succeeded generation.</summary>
    /// <param name="progress">Told of the current snapshot and then of each status change, once each, as the wait goes. A handler that throws (inline: a <see cref="Progress{T}"/> posts elsewhere) stops the wait: the wait ends with a
    /// <see cref="GptImageHubException"/> that names the job in <see cref="GptImageHubException.GenerationId"/>, with the handler's
    /// exception as its <see cref="Exception.InnerException"/> (the job keeps running; resume it by id).</param>
    /// <param name="cancellationToken">Stops waiting; the job itself keeps running on the service.</param>
    /// <returns>The succeeded generation with its images.</returns>
    /// <exception cref="GenerationFailedException">The job ended <c>failed</c>.</exception>
    /// <exception cref="GenerationTimeoutException">The job did not end within <see cref="PollingOptions.Timeout"/>.</exception>
    /// <exception cref="GenerationCanceledException"><paramref name="cancellationToken"/> was cancelled; it names the job to resume.</exception>
    /// <exception cref="ClientDisposedException">The client was disposed; it names the job to resume on another client.</exception>
    /// <exception cref="GptImageHubException">A poll failed in a way that retrying cannot mend, such as a revoked key.</exception>
    public Task<ImageGeneration> WaitForCompletionAsync(IProgress<ImageGeneration>? progress = null, CancellationToken cancellationToken = default) =>
        _source.WaitAsync(Value, progress, value => Volatile.Write(ref _value, value), cancellationToken);

    /// <summary>Describes the job by id and status.</summary>
    public override string ToString() => $"GenerationOperation {{ Id = {Id}, Status = {Value.Status} }}";
}
