using System.Text;
using GptImageHub.Cli.Batch;
using GptImageHub.Cli.Failures;

namespace GptImageHub.Sdk.Tests.Cli;

/// <summary>
/// How <c>gih batch</c> splits its file into lines: as <see cref="File.ReadAllLines(string)"/> did for every valid file
/// (the same line numbers, so the keys of a rerun match), but a byte that is not UTF-8 names its line instead of
/// becoming U+FFFD in a prompt the service is paid for.
/// </summary>
public sealed class BatchFileLinesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gih-lines-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, byte[]> ValidFiles => new()
    {
        { "empty", [] },
        { "LF", "a fox\nan owl\n"u8.ToArray() },
        { "CRLF, no final newline", "a fox\r\nan owl"u8.ToArray() },
        { "lone CR", "a\rb\r\n\r\nc\r"u8.ToArray() },
        { "blank lines", "\n\n x \n"u8.ToArray() },
        { "UTF-8 BOM and non-ASCII", [0xEF, 0xBB, 0xBF, .. "café ☕ 🦊\n日本\n"u8.ToArray()] },
        { "UTF-16 LE with BOM", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("café\r\nowl\n")] },
        { "UTF-16 BE with BOM", [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes("a\rb")] },
    };

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void A_valid_file_splits_into_the_lines_File_ReadAllLines_gives(string name, byte[] bytes)
    {
        var path = Path.Combine(_directory, name + ".txt");
        File.WriteAllBytes(path, bytes);

        Assert.Equal(File.ReadAllLines(path), BatchFile.Lines(bytes, "prompts.txt"));
    }

    [Theory]
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xE9 }, 2)] // "café" in Windows-1252
    [InlineData(new byte[] { 0xF0, 0x9F, 0xA6 }, 2)] // half of an emoji
    [InlineData(new byte[] { 0xC0, 0xAF }, 2)] // an overlong "/"
    public void A_line_that_is_not_UTF8_is_refused_naming_it(byte[] badLine, int lineNumber)
    {
        byte[] bytes = [.. "a fox\r\n"u8.ToArray(), .. badLine, .. "\nan owl\n"u8.ToArray()];

        var ex = Assert.Throws<UsageException>(() => BatchFile.Lines(bytes, "prompts.txt"));

        Assert.Equal($"prompts.txt line {lineNumber}: is not valid UTF-8 (a file saved in another encoding?); save the file as UTF-8. Nothing was sent.", ex.Message);
    }
}
