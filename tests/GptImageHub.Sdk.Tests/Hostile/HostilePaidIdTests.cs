using System.Text;
using GptImageHub.Sdk.Http;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// Attacks on the paid id taken from a charged submit's answer that broke off: only a complete
/// top-level "id" string names the job; a nested, truncated, non-string or malformed one names none,
/// and the walk never throws. Of duplicated ids the last whole one counts, as for the generation reader.
/// </summary>
public sealed class HostilePaidIdTests
{
    [Theory]
    [InlineData("{\"images\":[{\"id\":\"img\"}],\"status\":\"q", null)]
    [InlineData("{\"images\":[{\"id\":\"img\"", null)]
    [InlineData("{\"data\":{\"id\":\"nested\"},\"x", null)]
    [InlineData("{\"object\":\"image_generation\",\"id\":\"gen_1\",\"status", "gen_1")]
    [InlineData("{\"\\u0069d\":\"gen_1\",", "gen_1")]
    [InlineData("{\"id\":\"gen_\\u0031\",", "gen_1")]
    [InlineData("{\"id\":12,", null)]
    [InlineData("{\"id\":null,", null)]
    [InlineData("{\"id\":\"\",", null)]
    [InlineData("{\"id\":\" \",", null)]
    [InlineData("{\"id\":true,", null)]
    [InlineData("{\"id\":{\"id\":\"gen_1\"},", null)]
    [InlineData("{\"id\":[\"gen_1\"],", null)]
    [InlineData("{\"id\":\"gen_ab", null)]
    [InlineData("{\"id\":\"gen_ab\\\"", null)]
    [InlineData("{\"id\":\"gen_ab\\", null)]
    [InlineData("{\"id\":\"gen_ab\\u00", null)]
    [InlineData("{\"id\":\"gen_1\"", "gen_1")]
    [InlineData("{\"id\"", null)]
    [InlineData("{\"id\":", null)]
    [InlineData("{\"i", null)]
    [InlineData("[{\"id\":\"gen_1\"}]", null)]
    [InlineData("{\"ID\":\"gen_1\",", null)]
    [InlineData("{\"id\":\"\\uD800\",", null)]
    [InlineData("{\"id\":\"gen\n1\",", null)]
    [InlineData("{/*c*/\"id\":\"gen_1\",", null)]
    [InlineData(" \r\n\t{\"id\":\"gen_1\",", "gen_1")]
    [InlineData("{\"id\":\"gen_a\",\"id\":\"gen_b\",", "gen_b")]
    [InlineData("{\"id\":\"gen_a\",\"status\":\"queued\",\"id\":\"gen_b", "gen_a")]
    [InlineData("{\"id\":\"gen_a\",\"id\":null,", null)]
    [InlineData("{\"id\":\"gen_a\",\"id\":{\"x\":1},\"status", null)]
    [InlineData("", null)]
    [InlineData("\"gen_1\"", null)]
    public async Task Only_a_whole_top_level_id_string_names_the_paid_job(string arrived, string? named)
    {
        Assert.Equal(named, await IdIn(Encoding.UTF8.GetBytes(arrived)));
    }

    [Fact]
    public async Task A_byte_order_mark_before_the_answer_still_names_the_job()
    {
        Assert.Equal("gen_1", await IdIn([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("{\"id\":\"gen_1\",")]));
    }

    [Fact]
    public async Task An_id_cut_inside_a_multibyte_character_names_none()
    {
        var answer = Encoding.UTF8.GetBytes("{\"id\":\"g\u00e9\",");

        // The cut falls between the two bytes of the e-acute: "g" and half a character arrived.
        Assert.Null(await IdIn(answer.AsSpan(0, 9).ToArray()));
        Assert.Equal("g\u00e9", await IdIn(answer));
    }

    [Theory]
    [InlineData(0xC3)]
    [InlineData(0xFF)]
    public async Task An_id_that_is_not_valid_utf8_names_none(byte invalid)
    {
        Assert.Null(await IdIn([.. Encoding.UTF8.GetBytes("{\"id\":\"g"), invalid, .. Encoding.UTF8.GetBytes("\",")]));
    }

    [Fact]
    public async Task Nesting_deeper_than_the_reader_allows_before_the_id_names_none_and_does_not_throw()
    {
        Assert.Null(await IdIn(Encoding.UTF8.GetBytes("{\"a\":" + new string('[', 200) + new string(']', 200) + ",\"id\":\"gen_1\",")));
    }

    [Fact]
    public async Task An_id_after_a_large_field_is_still_named()
    {
        Assert.Equal("gen_1", await IdIn(Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 300_000) + "\",\"id\":\"gen_1\",")));
    }

    [Fact]
    public async Task A_read_whose_answer_breaks_after_an_id_does_not_name_it()
    {
        // Only the charged submit takes an id from its answer: a read names the generation it asked
        // about, or none, never one its broken body mentions.
        var credits = "{\"id\":\"gen_invented\",\"credits\":112,\"account_type\":\"PRO\",\"pad\":\"" + new string('x', 200) + "\"}";
        var generation = SeedResponses.Generation("gen_other", "queued", "\"pad\":\"" + new string('x', 200) + "\"");
        await using var server = new ScriptedHttpServer((request, _) => ScriptedHttpServer.Truncate(200, request.Target.Contains("credits", StringComparison.Ordinal) ? credits : generation));
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 0 });

        var balance = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));
        var read = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.GetGenerationAsync("gen_asked", TestContext.Current.CancellationToken));

        Assert.Null(balance.GenerationId);
        Assert.Equal("gen_asked", read.GenerationId);
        Assert.False(balance.PossiblyCharged || read.PossiblyCharged);
    }

    private static async Task<string?> IdIn(byte[] arrived)
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.Accepted) { Content = new StreamContent(new PrefixThenStream(arrived, new IOException("The connection was cut."), chunk: 7)) };
        using var body = await ResponseBody.ReadAsync(response, 10 * 1024 * 1024, readIfDeclaredTooLarge: true, TestContext.Current.CancellationToken);
        Assert.IsType<IOException>(body.Failure);
        return body.GenerationId();
    }
}
