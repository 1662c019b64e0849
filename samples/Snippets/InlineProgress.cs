namespace GptImageHub.Samples.Snippets;

/// <summary>
/// Reports on the waiting thread. <see cref="Progress{T}"/> posts to the thread pool when there is no
/// synchronization context (a console app), so its lines could print after the wait has returned.
/// </summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
