using System.Text.Json;

namespace GptImageHub.Sdk.Batch;

/// <summary>
/// The append-only JSON-lines file of a batch, held by one process at a time through a lock file
/// beside it. Opening it reads what earlier runs recorded: a last line cut short by a crash (no
/// newline, not readable) is dropped, since it was written before a POST that therefore never
/// happened; any other unreadable line is an error. An append that fails is undone and leaves the
/// journal refusing every later append, so a half-written line can never sit between two whole ones.
/// </summary>
internal sealed class BatchJournal : IDisposable
{
    // What .NET reports when FileShare.None meets another holder: ERROR_SHARING_VIOLATION on Windows,
    // the errno of a refused flock (EWOULDBLOCK: 11 on Linux, 35 on macOS) on Unix.
    private const int SharingViolation = unchecked((int)0x80070020);
    private const int LinuxWouldBlock = 11;
    private const int MacWouldBlock = 35;

    private readonly FileStream _lock;
    private readonly FileStream _file;
    private readonly FileStream _sync;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly object _flushGate = new();
    private readonly object _readGate = new();
    private FileStream? _reader;
    private readonly MemoryStream _line = new(1024);
    private readonly Utf8JsonWriter _writer;
    private IOException? _broken;
    private long _durable;

    private BatchJournal(string path, FileStream lockFile, FileStream file, FileStream sync, TimeProvider time, Dictionary<string, JournalItem> history)
    {
        Path = path;
        _lock = lockFile;
        _file = file;
        _sync = sync;
        _time = time;
        History = history;
        _durable = file.Length;
        _writer = new Utf8JsonWriter(_line, new JsonWriterOptions { Encoder = BatchJournalJsonContext.Default.Options.Encoder });
    }

    /// <summary>The journal's full path, named in every error.</summary>
    public string Path { get; }

    /// <summary>What earlier runs recorded, by key.</summary>
    public Dictionary<string, JournalItem> History { get; }

    /// <exception cref="IOException">The journal is in use by another process, or its folder cannot be written.</exception>
    /// <exception cref="ArgumentException">A line other than a crash's last one is unreadable.</exception>
    public static BatchJournal Open(string path, TimeProvider time)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        var lockPath = fullPath + ".lock";
        FileStream lockFile;
        try
        {
            var directory = System.IO.Path.GetDirectoryName(fullPath);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            // The OS releases this lock when the process dies, so a crash never leaves the journal locked.
            // The file itself stays: deleting it on close would let a third run lock a new file of the
            // same name while a second still holds the old one.
            lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
        }
        catch (IOException ex) when (ex.HResult is SharingViolation or LinuxWouldBlock or MacWouldBlock)
        {
            throw new BatchJournalLockException($"The batch journal '{fullPath}' is in use by another process (lock file '{lockPath}'). Two runs must not share one journal.", inUse: true, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BatchJournalLockException($"The batch journal '{fullPath}' cannot be opened: its lock file '{lockPath}' cannot be created ({ex.Message}).", inUse: false, ex);
        }

        try
        {
            FileStream file;
            try
            {
                // Unbuffered: each entry is one write, and a failed one leaves no bytes behind in a buffer to be flushed later.
                file = new FileStream(fullPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"The batch journal '{fullPath}' cannot be opened for writing ({ex.Message}).", ex);
            }

            try
            {
                var history = Read(file, fullPath);
                file.Seek(0, SeekOrigin.End);
                var sync = new FileStream(fullPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
                return new BatchJournal(fullPath, lockFile, file, sync, time, history);
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

    /// <summary>
    /// Appends one entry and forces it to disk before returning. Appends that arrive together share
    /// one flush (group commit): each line goes to the file under the write lock, then one caller
    /// flushes for every line written so far while the others wait for it, so a batch pays one fsync
    /// per burst of records instead of one per record.
    /// </summary>
    /// <exception cref="IOException">The entry could not be made durable (a full disk, a lost device); the journal takes no more entries.</exception>
    public void Append(JournalEntry entry)
    {
        long end;
        lock (_gate)
        {
            ThrowIfBroken();

            // The line and its newline go out in one write, built in a buffer reused for every entry.
            _line.SetLength(0);
            _writer.Reset(_line);
            JsonSerializer.Serialize(_writer, entry with { At = _time.GetUtcNow() }, BatchJournalJsonContext.Default.JournalEntry);
            _writer.Flush();
            _line.WriteByte((byte)'\n');
            try
            {
                _file.Write(_line.GetBuffer(), 0, (int)_line.Length);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                Break(entry, ex);
                throw _broken!;
            }

            end = _file.Position;
        }

        lock (_flushGate)
        {
            if (Volatile.Read(ref _durable) >= end)
            {
                // Another append's flush covered this line.
                return;
            }

            long target;
            lock (_gate)
            {
                ThrowIfBroken();
                target = _file.Position;
            }

            try
            {
                // A handle of its own: a flush may run while other appends write (fsync covers the file, whatever the handle).
                _sync.Flush(flushToDisk: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                lock (_gate)
                {
                    Break(entry, ex);
                }

                throw _broken!;
            }

            lock (_gate)
            {
                // An append that failed while this flush ran cut the file back to the last durable length, taking
                // this line with it: the flush made a shorter file durable, not this line. Checked under the write
                // lock, so a failure after this point cuts back to this length at the least.
                ThrowIfBroken();
                Volatile.Write(ref _durable, target);
            }
        }
    }

    private void ThrowIfBroken()
    {
        if (_broken is not null)
        {
            throw new IOException(_broken.Message, _broken);
        }
    }

    /// <summary>Marks the journal failed and cuts it back to its last durable line (under the write lock).</summary>
    private void Break(JournalEntry entry, Exception ex)
    {
        _broken ??= new IOException($"The batch journal '{Path}' could not record '{JournalEventConverter.Name(entry.Event)}' for item '{entry.Key}': {ex.Message}", ex);
        TryUndo(Volatile.Read(ref _durable));
    }

    /// <summary>The generation an earlier run recorded for an item, read back from its line.</summary>
    public ImageGeneration? ReadGeneration(JournalItem item)
    {
        if (item.Generation is not null || item.GenerationLine is not { } line)
        {
            return item.Generation;
        }

        var bytes = new byte[line.Length];
        lock (_readGate)
        {
            _reader ??= new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            _reader.Seek(line.Offset, SeekOrigin.Begin);
            var read = 0;
            while (read < bytes.Length)
            {
                var n = _reader.Read(bytes, read, bytes.Length - read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }
        }

        return JsonSerializer.Deserialize(bytes, BatchJournalJsonContext.Default.JournalEntry)?.Generation;
    }

    /// <summary>Releases the lock whatever happens to the file: a failed flush must not leave the journal locked for the rest of the process.</summary>
    public void Dispose()
    {
        try
        {
            _writer.Dispose();
            _reader?.Dispose();
            _sync.Dispose();
            _file.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Every entry was flushed when appended; the buffer holds nothing the journal needs.
        }
        finally
        {
            _lock.Dispose();
        }
    }

    /// <summary>Cuts a failed append off, so the next run reads whole lines only; if even that fails, the next open drops the partial last line.</summary>
    private void TryUndo(long length)
    {
        try
        {
            _file.SetLength(length);
            _file.Seek(length, SeekOrigin.Begin);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Reads every entry; cuts a partial last line off the file so the next append starts on a line of its own.</summary>
    internal static Dictionary<string, JournalItem> Read(FileStream file, string path) => Read(file, path, repair: true);

    /// <summary>Reads every entry without touching the file, for a status report beside a running batch.</summary>
    internal static Dictionary<string, JournalItem> ReadOnly(FileStream file, string path) => Read(file, path, repair: false);

    private static Dictionary<string, JournalItem> Read(FileStream file, string path, bool repair)
    {
        var history = new Dictionary<string, JournalItem>(StringComparer.Ordinal);
        file.Seek(0, SeekOrigin.Begin);

        // Read through a window, not the whole file: a 100,000-item journal is tens of megabytes, and holding it
        // in one array took replay's working set from 150 to 290 MB. The window grows only for a longer line.
        var window = new byte[64 * 1024];
        var filled = 0;
        long windowOffset = 0;
        var atEnd = false;
        var lineNumber = 0;
        var start = 0;
        var markChecked = false;
        while (true)
        {
            var newline = Array.IndexOf(window, (byte)'\n', start, filled - start);
            if (newline < 0 && !atEnd)
            {
                // Keep the partial line, move it to the front, and read on.
                var kept = filled - start;
                if (kept == window.Length)
                {
                    Array.Resize(ref window, window.Length * 2);
                }
                else if (start > 0)
                {
                    Buffer.BlockCopy(window, start, window, 0, kept);
                }

                windowOffset += start;
                filled = kept;
                start = 0;
                var n = file.Read(window, filled, window.Length - filled);
                if (n == 0)
                {
                    atEnd = true;
                }

                filled += n;
                if (!markChecked && windowOffset == 0 && (filled >= 3 || atEnd))
                {
                    // A file saved by an editor may start with a UTF-8 byte order mark, which belongs to no line's JSON:
                    // read with it, the first line was unreadable, and as the only line (no final newline, as editors
                    // save it) it was taken for a crash's cut line and cut off, "submitting" record and all.
                    markChecked = true;
                    if (filled >= 3 && window[0] == 0xEF && window[1] == 0xBB && window[2] == 0xBF)
                    {
                        start = 3;
                    }
                }

                continue;
            }

            var isLast = newline < 0;
            var length = (isLast ? filled : newline) - start;
            if (isLast && length == 0)
            {
                break;
            }

            lineNumber++;
            JournalEntry? entryRead = null;
            if (length > 0 && !(length == 1 && window[start] == (byte)'\r'))
            {
                try
                {
                    entryRead = JsonSerializer.Deserialize(new ReadOnlySpan<byte>(window, start, length), BatchJournalJsonContext.Default.JournalEntry);
                }
                catch (JsonException) when (isLast && !IsWholeJsonValue(new ReadOnlySpan<byte>(window, start, length)))
                {
                    // No newline: the process died while writing this line, so the POST it announced was never sent.
                }
                catch (JsonException ex)
                {
                    // A crash cuts a line short; whole JSON that does not read as an entry was written by someone else
                    // (an edit by hand), and cutting it off could drop the record of a POST that was made.
                    throw new ArgumentException(
                        $"Line {lineNumber} of the batch journal '{path}' is unreadable ({ex.Message}). Only a crash's last line may be; check the file before running the batch again.",
                        nameof(path),
                        ex);
                }

                if (entryRead is not null)
                {
                    var item = history.TryGetValue(entryRead.Key, out var known) ? known : new JournalItem(entryRead.Key);
                    item = item.Apply(entryRead);

                    // A generation is kept as where its line is, not as objects: a 100,000-item journal
                    // would otherwise hold every image list in memory for the few items a rerun reports.
                    history[entryRead.Key] = entryRead.Generation is null ? item : item with { Generation = null, GenerationLine = (windowOffset + start, length) };
                }
            }

            if (isLast)
            {
                if (repair && length > 0 && entryRead is null)
                {
                    file.SetLength(windowOffset + start);
                }
                else if (repair && length > 0)
                {
                    // A whole entry without its newline: keep it and finish the line.
                    file.Seek(0, SeekOrigin.End);
                    file.WriteByte((byte)'\n');
                    file.Flush(flushToDisk: true);
                }

                break;
            }

            start = newline + 1;
        }

        return history;
    }

    /// <summary>Whether a line is one whole JSON value, as no crash leaves a line it cut short.</summary>
    private static bool IsWholeJsonValue(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        try
        {
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary>What the journal knows of one key: its last event and what earlier events said.</summary>
internal sealed record JournalItem(string Key)
{
    public BatchJournalEvent? State { get; init; }

    public string? Fingerprint { get; init; }

    public string? GenerationId { get; init; }

    /// <summary>The credits reserved by the last submit (while in flight or unknown) or spent (succeeded).</summary>
    public long? Credits { get; init; }

    public ImageGeneration? Generation { get; init; }

    /// <summary>Where the line that holds the generation is in the file, when it was read from one.</summary>
    public (long Offset, int Length)? GenerationLine { get; init; }

    public string? Error { get; init; }

    public string? Message { get; init; }

    public JournalItem Apply(JournalEntry entry) => this with
    {
        GenerationLine = entry.Generation is null ? GenerationLine : null,
        State = entry.Event,
        Fingerprint = entry.Fingerprint ?? Fingerprint,
        GenerationId = entry.GenerationId ?? GenerationId,
        Credits = entry.Event is BatchJournalEvent.NotSent or BatchJournalEvent.Refused or BatchJournalEvent.Failed ? null : entry.Credits ?? Credits,
        Generation = entry.Generation ?? Generation,
        Error = entry.Error,
        Message = entry.Message,
    };
}
