using System.Text;
using GptImageHub.Sdk.Batch;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A journal edited by hand between runs and saved by an editor that starts UTF-8 files with a byte order mark
/// (Windows PowerShell's Out-File -Encoding utf8, older Notepad). The mark is not part of the first line's JSON.
/// </summary>
public sealed class HostileJournalEditTests : IDisposable
{
    private const string Submitting = """{"v":1,"event":"submitting","key":"sku-1","fp":"5a0c8c1e2f0b4d7a9e3c6b1d8f2a4c70","credits":8,"at":"2026-11-26T08:00:00+00:00"}""";

    private readonly string _directory = Directory.CreateTempSubdirectory("gih-hostile-edit-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // Found by a hostile run (promise 1): the first line, read with the mark in front of it, was unreadable. A journal of
    // one line without its final newline (as editors save it) took it for a crash's cut last line: the "submitting"
    // record of a POST that may have been charged was cut off the file, and the next run posted the item again.
    [Fact]
    public void A_journal_saved_with_a_byte_order_mark_keeps_its_only_line()
    {
        var path = Path.Combine(_directory, "batch.jsonl");
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Submitting)]);

        using (var journal = BatchJournal.Open(path, TimeProvider.System))
        {
            Assert.Equal(BatchJournalEvent.Submitting, journal.History["sku-1"].State);
            Assert.Equal(8, journal.History["sku-1"].Credits);
        }

        Assert.Contains(Submitting, File.ReadAllText(path), StringComparison.Ordinal);
    }

    // Found by a hostile run (promise 1): a last line edited by hand into whole JSON the journal cannot read (an event
    // name in the wrong case), saved without a final newline, was taken for a crash's cut line and cut off the file. A
    // crash cuts a line short; it never leaves a whole JSON object. Cut off, the "submitting" record of a POST that may
    // have been charged was gone, and the next run posted the item again.
    [Fact]
    public void A_whole_last_line_edited_into_an_unreadable_entry_is_an_error_not_a_crash_to_cut()
    {
        var path = Path.Combine(_directory, "batch.jsonl");
        var edited = Submitting.Replace("\"submitting\"", "\"Submitting\"", StringComparison.Ordinal).Replace("sku-1", "sku-2", StringComparison.Ordinal);
        var text = Submitting + "\n" + edited;
        File.WriteAllText(path, text);

        var ex = Assert.Throws<ArgumentException>(() => BatchJournal.Open(path, TimeProvider.System).Dispose());

        Assert.Contains("Line 2", ex.Message, StringComparison.Ordinal);
        Assert.Equal(text, File.ReadAllText(path));
    }

    // The same mark in front of a longer journal made its first line "unreadable", and the batch refused to run at all.
    [Fact]
    public void A_journal_saved_with_a_byte_order_mark_is_read_line_by_line()
    {
        var path = Path.Combine(_directory, "batch.jsonl");
        var submitted = """{"v":1,"event":"submitted","key":"sku-1","generation_id":"g1","at":"2026-11-26T08:00:01+00:00"}""";
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Submitting + "\r\n" + submitted + "\r\n")]);

        using var journal = BatchJournal.Open(path, TimeProvider.System);

        Assert.Equal(BatchJournalEvent.Submitted, journal.History["sku-1"].State);
        Assert.Equal("g1", journal.History["sku-1"].GenerationId);
    }
}
