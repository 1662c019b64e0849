namespace GptImageHub.Sdk.Core;

/// <summary>
/// The last <c>/models</c> answer and when it arrived, on the client's clock. It lives in the
/// <see cref="ClientCore"/>, so every client built on one core (every scope of a DI application)
/// shares one price list instead of fetching its own.
/// </summary>
internal sealed class ModelCache
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;
    private Entry? _entry;

    public ModelCache(TimeProvider time, TimeSpan lifetime)
    {
        _time = time;
        _lifetime = lifetime;
    }

    /// <summary>The cached list while it is younger than <c>ModelCacheDuration</c>; otherwise null.</summary>
    public IReadOnlyList<ImageModel>? Fresh =>
        Volatile.Read(ref _entry) is { } entry && (_lifetime == Timeout.InfiniteTimeSpan || _time.GetElapsedTime(entry.FetchedAt) < _lifetime)
            ? entry.Models
            : null;

    /// <summary>Keeps an answer that just arrived.</summary>
    public void Store(IReadOnlyList<ImageModel> models) =>
        Volatile.Write(ref _entry, new Entry(models, _time.GetTimestamp()));

    /// <summary>The model with this id in the last answer, however old, or null.</summary>
    public ImageModel? Find(string modelId) =>
        Volatile.Read(ref _entry)?.Models.FirstOrDefault(m => string.Equals(m.Id, modelId, StringComparison.Ordinal));

    private sealed record Entry(IReadOnlyList<ImageModel> Models, long FetchedAt);
}
