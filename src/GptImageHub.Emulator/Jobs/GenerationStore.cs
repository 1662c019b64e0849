using System.Collections.Concurrent;

namespace GptImageHub.Emulator.Jobs;

/// <summary>Every generation and delivered image, by id.</summary>
internal sealed class GenerationStore
{
    private readonly ConcurrentDictionary<string, GenerationJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoredImage> _images = new(StringComparer.Ordinal);

    private readonly ConcurrentQueue<GenerationJob> _order = new();

    public void Add(GenerationJob job)
    {
        _jobs[job.Id] = job;
        _order.Enqueue(job);
    }

    /// <summary>Every generation, oldest first.</summary>
    public IReadOnlyList<GenerationJob> All() => [.. _order];

    public GenerationJob? Find(string id) => _jobs.TryGetValue(id, out var job) ? job : null;

    public void AddImages(IEnumerable<StoredImage> images)
    {
        foreach (var image in images)
        {
            _images[image.Id] = image;
        }
    }

    public StoredImage? FindImage(string id) => _images.TryGetValue(id, out var image) ? image : null;
}
