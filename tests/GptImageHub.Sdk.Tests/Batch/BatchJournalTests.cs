using System.Globalization;
using System.Text;
using GptImageHub.Sdk.Batch;

namespace GptImageHub.Sdk.Tests.Batch;

public sealed class BatchJournalTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gih-journal-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string content)
    {
        var path = Path.Combine(_directory, "journal.jsonl");
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    private const string Submitting = """{"v":1,"event":"submitting","key":"a","at":"2026-11-26T08:00:00+00:00"}""";
    private const string Submitted = """{"v":1,"event":"submitted","key":"a","generation_id":"g-a","at":"2026-11-26T08:00:01+00:00"}""";
    private const string Succeeded = """{"v":1,"event":"succeeded","key":"a","generation_id":"g-a","credits":8,"generation":{"id":"g-a","status":"succeeded","images":[{"id":"i","url":"https://cdn.example/i.png"}],"usage":{"credits":8}},"at":"2026-11-26T08:00:02+00:00"}""";

    [Fact]
    public void Each_key_ends_in_its_last_event_with_what_earlier_events_said()
    {
        var path = Write(string.Join("\n", Submitting, Submitted, Succeeded) + "\n");

        using var journal = BatchJournal.Open(path, TimeProvider.System);

        var item = Assert.Single(journal.History.Values);
        Assert.Equal(("a", BatchJournalEvent.Succeeded, "g-a", 8L), (item.Key, item.State, item.GenerationId, item.Credits));
        Assert.Equal("https://cdn.example/i.png", journal.ReadGeneration(item)!.Images[0].Url.ToString());
    }

    [Theory]
    [InlineData(10)]
    [InlineData(70_000)]
    [InlineData(200_000)]
    public void A_journal_larger_than_the_read_window_gives_every_generation_back_from_its_line(int messageLength)
    {
        // 2,000 keys, each line padded so lines straddle the 64 KB read window (or are longer than it), then a
        // crash's partial line: every key, every generation and the cut must come out as from a whole-file read.
        var builder = new StringBuilder();
        for (var i = 0; i < 2_000; i++)
        {
            var pad = new string('x', i % 7 == 0 ? messageLength : 10 + (i % 97));
            builder.Append(CultureInfo.InvariantCulture, $$$"""{"v":1,"event":"submitting","key":"k{{{i}}}","message":"{{{pad}}}","at":"2026-11-26T08:00:00+00:00"}""").Append('\n');
            builder.Append(CultureInfo.InvariantCulture, $$$"""{"v":1,"event":"succeeded","key":"k{{{i}}}","generation_id":"g{{{i}}}","credits":8,"generation":{"id":"g{{{i}}}","status":"succeeded","images":[{"id":"i{{{i}}}","url":"https://cdn.example/{{{i}}}.png"}],"usage":{"credits":8}},"at":"2026-11-26T08:00:02+00:00"}""").Append('\n');
        }

        var whole = builder.ToString();
        var path = Write(whole + """{"v":1,"event":"submitting","key":"late","mess""");

        using var journal = BatchJournal.Open(path, TimeProvider.System);

        Assert.Equal(2_000, journal.History.Count);
        foreach (var i in new[] { 0, 1, 7, 500, 1_234, 1_999 })
        {
            var item = journal.History[$"k{i}"];
            Assert.Equal((BatchJournalEvent.Succeeded, $"g{i}"), (item.State, item.GenerationId));
            Assert.Equal($"https://cdn.example/{i}.png", journal.ReadGeneration(item)!.Images[0].Url.ToString());
        }

        Assert.Equal(Encoding.UTF8.GetByteCount(whole), new FileInfo(path).Length);
    }

    [Theory]
    [InlineData("""{"v":1,"event":"submitted","key":"a","gen""")]
    [InlineData("""{"v":1,"ev""")]
    [InlineData("{")]
    [InlineData("\u0000\u0000\u0000")]
    public void A_last_line_cut_short_by_a_crash_is_dropped_and_cut_off_the_file(string partial)
    {
        var path = Write(Submitting + "\n" + partial);

        using (var journal = BatchJournal.Open(path, TimeProvider.System))
        {
            Assert.Equal(BatchJournalEvent.Submitting, journal.History["a"].State);
            journal.Append(new JournalEntry { Event = BatchJournalEvent.Unknown, Key = "a" });
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        Assert.Equal(Submitting, lines[0]);
        Assert.Contains("\"event\":\"unknown\"", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_whole_last_entry_without_its_newline_is_kept_and_the_line_finished()
    {
        var path = Write(Submitting + "\n" + Submitted);

        using (var journal = BatchJournal.Open(path, TimeProvider.System))
        {
            Assert.Equal((BatchJournalEvent.Submitted, "g-a"), (journal.History["a"].State, journal.History["a"].GenerationId));
            journal.Append(new JournalEntry { Event = BatchJournalEvent.Succeeded, Key = "a", GenerationId = "g-a" });
        }

        Assert.Equal(3, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void A_corrupt_line_before_the_last_is_an_error_that_names_it()
    {
        var path = Write(Submitting + "\n{garbage}\n" + Submitted + "\n");

        var ex = Assert.Throws<ArgumentException>(() => BatchJournal.Open(path, TimeProvider.System));

        Assert.StartsWith($"Line 2 of the batch journal '{path}' is unreadable", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_complete_last_line_that_is_unreadable_is_an_error_not_a_crash_to_cut()
    {
        // It ends with its newline, so it was written in full: only a line without one can be a crash's.
        var path = Write(Submitting + "\n{garbage}\n");

        var ex = Assert.Throws<ArgumentException>(() => BatchJournal.Open(path, TimeProvider.System));

        Assert.StartsWith($"Line 2 of the batch journal '{path}' is unreadable", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("{garbage}\n", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void Blank_lines_and_CRLF_endings_are_read()
    {
        var path = Write(Submitting + "\r\n\r\n" + Submitted + "\r\n");

        using var journal = BatchJournal.Open(path, TimeProvider.System);

        Assert.Equal("g-a", journal.History["a"].GenerationId);
    }

    [Fact]
    public void A_missing_journal_is_created_with_its_folder()
    {
        var path = Path.Combine(_directory, "new", "deeper", "journal.jsonl");

        using (var journal = BatchJournal.Open(path, TimeProvider.System))
        {
            Assert.Empty(journal.History);
            journal.Append(new JournalEntry { Event = BatchJournalEvent.Submitting, Key = "k" });
        }

        Assert.Single(File.ReadAllLines(path));
    }

    [Fact]
    public void Entries_are_written_in_the_documented_format()
    {
        var path = Path.Combine(_directory, "format.jsonl");
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));

        using (var journal = BatchJournal.Open(path, clock))
        {
            journal.Append(new JournalEntry { Event = BatchJournalEvent.Submitting, Key = "sku-1" });
            journal.Append(new JournalEntry { Event = BatchJournalEvent.Submitted, Key = "sku-1", GenerationId = "g1" });
        }

        Assert.Equal(
            [
                """{"v":1,"event":"submitting","key":"sku-1","at":"2026-11-26T08:00:00+00:00"}""",
                """{"v":1,"event":"submitted","key":"sku-1","generation_id":"g1","at":"2026-11-26T08:00:00+00:00"}""",
            ],
            File.ReadAllLines(path));
    }

    [Fact]
    public void A_second_opener_is_refused_while_the_first_holds_the_journal_and_let_in_after()
    {
        var path = Path.Combine(_directory, "locked.jsonl");
        using (BatchJournal.Open(path, TimeProvider.System))
        {
            var ex = Assert.ThrowsAny<IOException>(() => BatchJournal.Open(path, TimeProvider.System));
            Assert.Contains("is in use by another process", ex.Message, StringComparison.Ordinal);
        }

        using var again = BatchJournal.Open(path, TimeProvider.System);
        Assert.Empty(again.History);
    }
}
