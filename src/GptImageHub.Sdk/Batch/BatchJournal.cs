using System.Text.Json;

namespace GptImageHub.Sdk.Batch;

/// <summary>
/// The append-only JSON-lines journal of a batch, held by one process at a time through a lock
/// file. Opening it reads what earlier runs recorded; a last line cut short by a crash is dropped
/// (it was written before a POST that therefore never happened), any other unreadable line is an error.
/// </summary>
internal sealed class BatchJournal : IDisposable
{
    private readonly FileStream _lock;
    private readonly FileStream _file;
    private readonly TimeProvider _time;
    private readonly object _gate = new();

    private BatchJournal(FileStream lockFile, FileStream file, TimeProvider time, IReadOnlyDictionary<string, JournalItem> history)
    {
        _lock = lockFile;
        _file = file;
        _time = time;
        History = history;
    }

    /// <summary>What earlier runs recorded, by key.</summary>
    public IReadOnlyDictionary<string, JournalItem> History { get; }

    /// <exception cref="ArgumentException">The journal is in use by another process, or a line other than the last is unreadable.</exception>
    public static BatchJournal Open(string path, TimeProvider time)
    {
        var fullPath = Path.GetFullPath(path);
        var lockPath = fullPath + ".lock";
        var directory = Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        FileStream lockFile;
        try
        {
            // The OS releases this lock when the process dies, so a crash never leaves the journal locked.
            lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException ex) when (ex is not (DirectoryNotFoundException or FileNotFoundException or PathTooLongException))
        {
            throw new ArgumentException($"The batch journal '{fullPath}' is in use by another process (lock file '{lockPath}'). Two runs must not share one journal.", nameof(path), ex);
        }

        try
        {
            var file = new FileStream(fullPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 4096);
            try
            {
                var history = Read(file, fullPath);
                file.Seek(0, SeekOrigin.End);
                return new BatchJournal(lockFile, file, time, history);
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>Appends one entry and forces it to disk before returning.</summary>
    public void Append(JournalEntry entry)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(entry with { At = _time.GetUtcNow() }, BatchJournalJsonContext.Default.JournalEntry);
        lock (_gate)
        {
            _file.Write(line, 0, line.Length);
            _file.WriteByte((byte)'\n');
            _file.Flush(flushToDisk: true);
        }
    }

    public void Dispose()
    {
        _file.Dispose();
        _lock.Dispose();
    }

    /// <summary>Reads every entry; cuts a partial last line off the file so the next append starts on a line of its own.</summary>
    internal static Dictionary<string, JournalItem> Read(FileStream file, string path)
    {
        var history = new Dictionary<string, JournalItem>(StringComparer.Ordinal);
        var bytes = new byte[file.Length];
        file.Seek(0, SeekOrigin.Begin);
        var read = 0;
        while (read < bytes.Length)
        {
            var n = file.Read(bytes, read, bytes.Length - read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        var start = 0;
        var lineNumber = 0;
        while (start < read)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start, read - start);
            var isLast = end < 0;
            var length = (isLast ? read : end) - start;
            lineNumber++;
            JournalEntry? entryRead = null;
            if (length > 0 && !(length == 1 && bytes[start] == (byte)'\r'))
            {
                JournalEntry? entry = null;
                try
                {
                    entry = JsonSerializer.Deserialize(new ReadOnlySpan<byte>(bytes, start, length), BatchJournalJsonContext.Default.JournalEntry);
                }
                catch (JsonException) when (isLast)
                {
                    // The process died while writing this line: it was never flushed in full, so the
                    // POST it announced was never sent.
                }
                catch (JsonException ex)
                {
                    throw new ArgumentException(
                        $"Line {lineNumber} of the batch journal '{path}' is unreadable ({ex.Message}). Only a crash's last line may be; check the file before running the batch again.",
                        nameof(path),
                        ex);
                }

                entryRead = entry;
                if (entry is not null)
                {
                    var item = history.TryGetValue(entry.Key, out var known) ? known : new JournalItem(entry.Key);
                    history[entry.Key] = item.Apply(entry);
                }
            }

            if (isLast)
            {
                if (length > 0 && entryRead is null)
                {
                    file.SetLength(start);
                }
                else if (length > 0)
                {
                    // A whole entry without its newline: keep it and finish the line.
                    file.Seek(0, SeekOrigin.End);
                    file.WriteByte((byte)'\n');
                    file.Flush(flushToDisk: true);
                }

                break;
            }

            start = end + 1;
        }

        return history;
    }
}

/// <summary>What the journal knows of one key: the last event that matters for a rerun.</summary>
internal sealed record JournalItem(string Key)
{
    public string? State { get; init; }

    public string? GenerationId { get; init; }

    public long? Credits { get; init; }

    public ImageGeneration? Generation { get; init; }

    public string? Error { get; init; }

    public string? Message { get; init; }

    public JournalItem Apply(JournalEntry entry) => this with
    {
        State = entry.Event,
        GenerationId = entry.GenerationId ?? GenerationId,
        Credits = entry.Credits ?? Credits,
        Generation = entry.Generation ?? Generation,
        Error = entry.Error,
        Message = entry.Message,
    };
}
