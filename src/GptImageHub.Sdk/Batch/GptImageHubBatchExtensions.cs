using GptImageHub.Sdk.Batch;

namespace GptImageHub.Sdk;

/// <summary>
/// Batches over any <see cref="IGptImageHubClient"/>. A batch is a composite of the interface's own
/// operations (estimate, submit, get), so it is an extension rather than an interface member:
/// mocks and other implementations get it without implementing it, and the interface keeps to
/// the service's operations.
/// </summary>
public static class GptImageHubBatchExtensions
{
    /// <summary>
    /// Generates many images with bounded concurrency and streams each item's result as it ends.
    /// With <see cref="BatchOptions.JournalPath"/> (or a shared <see cref="BatchOptions.Store"/>) the
    /// batch survives a crash: run it again with the same journal and finished items are reported
    /// without a request, submitted ones are resumed by id, and none is paid for twice.
    /// </summary>
    /// <param name="client">
    /// The client whose operations the batch uses (its polling settings and clock too, when it is a <see cref="GptImageHubClient"/>).
    /// Over another implementation (a decorator, a fake), a failed submit counts as not sent or refused only when its exception
    /// is the one a <see cref="GptImageHubClient"/>'s submit threw in that same call, passed on unchanged, and no other submit
    /// of the SDK's made in that call can have been charged; any other may follow a charged POST (a refused retry after a
    /// lost answer, an earlier call's refusal thrown again), so the item is <see cref="BatchItemStatus.Unknown"/> and is
    /// never sent again.
    /// </param>
    /// <param name="items">The items; keys must be unique, whole UTF-16 text without NUL, and stay bound to the same request across runs. They are read once, before the first submit.</param>
    /// <param name="options">Concurrency, budget and store.</param>
    /// <param name="cancellationToken">
    /// Stops new submissions and the waiting. A submit already started completes, and its result is
    /// yielded (with its id, <see cref="BatchItemStatus.Incomplete"/> when unfinished) before the
    /// <see cref="OperationCanceledException"/>, so the caller learns every id it paid for.
    /// </param>
    /// <returns>The results in completion order.</returns>
    /// <exception cref="ArgumentException">A key repeats, is not whole text, or was journaled with another request; a request is invalid; an option is out of range.</exception>
    /// <exception cref="IOException">The journal is in use by another process, cannot be opened, or failed to record a step (the batch stops; nothing is sent whose record failed).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">
    /// <paramref name="client"/> (a <see cref="GptImageHubClient"/>) was disposed before the batch started; nothing was
    /// sent or journaled. Disposed while the batch runs, it stops the submits: later items come back
    /// <see cref="BatchItemStatus.Skipped"/>, and a rerun with a live client submits them.
    /// </exception>
    public static IAsyncEnumerable<BatchItemResult> GenerateBatchAsync(this IGptImageHubClient client, IEnumerable<BatchItem> items, BatchOptions options, CancellationToken cancellationToken = default)
    {
        if (client is null)
        {
            throw new ArgumentNullException(nameof(client));
        }

        return new BatchRunner(client).RunAsync(items, options, cancellationToken);
    }
}
