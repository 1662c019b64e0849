using System.Runtime.CompilerServices;
using GptImageHub.Sdk.Batch;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The file journal under a disk that fails part way. Appends share one fsync (group commit), and an append whose write
/// fails cuts the file back to its last durable line. An append that returns has promised its line is on disk: the runner
/// POSTs after a <c>submitting</c> append returns, and the next run finds the item by that line (promise 1).
/// </summary>
public sealed class HostileJournalDiskTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gih-hostile-journal-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // Found by a hostile run (promise 1): append A wrote its line and was inside its fsync when append B's write failed
    // (a full disk). B cut the file back to the last durable length, which took A's line with it; A's fsync then
    // succeeded on the shorter file and A returned as if its line were durable. A "submitting" record that returns is
    // followed by the POST, and the next run, finding no line for the key, POSTs it again.
    [Fact]
    public async Task An_append_whose_line_a_failed_append_cut_off_during_its_flush_does_not_return_as_durable()
    {
        var path = Path.Combine(_directory, "batch.jsonl");
        using var journal = BatchJournal.Open(path, TimeProvider.System);
        using var flushEntered = new SemaphoreSlim(0);
        using var flushMayEnd = new SemaphoreSlim(0);
        var file = new FailingWriteStream(path);
        var sync = new GatedFlushStream(path, flushEntered, flushMayEnd);
        JournalFile(journal).Dispose();
        JournalSync(journal).Dispose();
        JournalFile(journal) = file;
        JournalSync(journal) = sync;

        // A: its line is written, and it waits inside its fsync.
        var first = Task.Run(() => journal.Append(new JournalEntry { Event = BatchJournalEvent.Submitting, Key = "first", Fingerprint = "f1", Credits = 8 }), TestContext.Current.CancellationToken);
        Assert.True(await flushEntered.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));

        // B: the disk is full now; its write fails and the journal cuts itself back to what was durable.
        file.FailWrites = true;
        Assert.Throws<IOException>(() => journal.Append(new JournalEntry { Event = BatchJournalEvent.Submitting, Key = "second", Fingerprint = "f2", Credits = 8 }));
        Assert.DoesNotContain("\"first\"", File.ReadAllText(path), StringComparison.Ordinal);

        // A's fsync ends: its line is gone, so it must not report success.
        flushMayEnd.Release();
        var error = await Record.ExceptionAsync(() => first.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));

        Assert.IsType<IOException>(error);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_file")]
    private static extern ref FileStream JournalFile(BatchJournal journal);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_sync")]
    private static extern ref FileStream JournalSync(BatchJournal journal);

    /// <summary>The journal's write handle on a disk that fills up when told.</summary>
    private sealed class FailingWriteStream : FileStream
    {
        public FailingWriteStream(string path)
            : base(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0) => Seek(0, SeekOrigin.End);

        public volatile bool FailWrites;

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (FailWrites)
            {
                throw new IOException("No space left on device");
            }

            base.Write(buffer, offset, count);
        }
    }

    /// <summary>The journal's fsync handle, held inside its flush until released.</summary>
    private sealed class GatedFlushStream(string path, SemaphoreSlim entered, SemaphoreSlim mayEnd)
        : FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0)
    {
        public override void Flush(bool flushToDisk)
        {
            entered.Release();
            mayEnd.Wait(TimeSpan.FromSeconds(10));
            base.Flush(flushToDisk);
        }
    }
}
