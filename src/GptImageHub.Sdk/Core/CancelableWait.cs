namespace GptImageHub.Sdk.Core;

/// <summary>
/// Waits for work until a token fires, then stops waiting and leaves the work to end on its own: for calls into code the
/// SDK does not own, which may ignore its token (a consumer's batch store), and for work others still wait for (a shared
/// fetch). The caller's stop is then always obeyed; work that fails after it is left has its failure observed.
/// </summary>
internal static class CancelableWait
{
    /// <summary>Waits for <paramref name="work"/>, or throws <see cref="OperationCanceledException"/> once <paramref name="cancellationToken"/> fires.</summary>
    public static async Task WaitAsync(Task work, CancellationToken cancellationToken)
    {
        try
        {
#if NET6_0_OR_GREATER
            await work.WaitAsync(cancellationToken).ConfigureAwait(false);
#else
            var canceled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(true), canceled))
            {
                await Task.WhenAny(work, canceled.Task).ConfigureAwait(false);
            }

            if (!work.IsCompleted)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            await work.ConfigureAwait(false);
#endif
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Left running (or ended just as the token fired): a failure it ends with is observed, not raised as an
            // unobserved task exception.
            _ = work.ContinueWith(static left => left.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    /// <inheritdoc cref="WaitAsync(Task, CancellationToken)"/>
    public static async Task<T> WaitAsync<T>(Task<T> work, CancellationToken cancellationToken)
    {
        await WaitAsync((Task)work, cancellationToken).ConfigureAwait(false);
        return await work.ConfigureAwait(false);
    }

    /// <inheritdoc cref="WaitAsync(Task, CancellationToken)"/>
    public static async ValueTask WaitAsync(ValueTask work, CancellationToken cancellationToken)
    {
        if (work.IsCompleted || !cancellationToken.CanBeCanceled)
        {
            await work.ConfigureAwait(false);
            return;
        }

        await WaitAsync(work.AsTask(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="WaitAsync(Task, CancellationToken)"/>
    public static async ValueTask<T> WaitAsync<T>(ValueTask<T> work, CancellationToken cancellationToken) =>
        work.IsCompleted || !cancellationToken.CanBeCanceled
            ? await work.ConfigureAwait(false)
            : await WaitAsync(work.AsTask(), cancellationToken).ConfigureAwait(false);
}
