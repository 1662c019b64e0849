using System.Text;
using GptImageHub.Sdk.Errors;

namespace GptImageHub.Sdk.Tests.Security;

/// <summary>
/// The mask the client lays over every answer's bytes before it reads a record from them
/// (<see cref="SecretRedaction.Redact(ReadOnlySpan{byte}, byte[][])"/>): each way a server writes the key
/// inside a JSON string becomes <c>[redacted]</c>, wherever and however often it occurs, and an answer
/// without the key is the same bytes, not a copy.
/// </summary>
public sealed class AnswerKeyMaskTests
{
    private const string Key = "sk-a/b+c\"d\\e";

    [Fact]
    public void A_key_too_short_to_be_issued_is_not_masked_in_answers_where_it_could_be_any_word()
    {
        var answer = Encoding.UTF8.GetBytes("""{"url":"https://cdn.example.com/test/image.png"}""");

        Assert.True(SecretRedaction.Redact(answer, SecretRedaction.JsonForms("test")) == answer.AsSpan());
    }

    [Theory]
    [InlineData("""{"m":"sk-a/b+c\"d\\e"}""", """{"m":"[redacted]"}""")]
    [InlineData("""{"m":"sk-a\/b+c\"d\\e"}""", """{"m":"[redacted]"}""")]
    [InlineData("""{"m":"sk-a/b\u002Bc\u0022d\\e"}""", """{"m":"[redacted]"}""")]
    [InlineData("""{"a":"sk-a/b+c\"d\\esk-a/b+c\"d\\e","b":"x sk-a\/b+c\"d\\e y"}""", """{"a":"[redacted][redacted]","b":"x [redacted] y"}""")]
    [InlineData("""{"m":"sk-a/b+c\"d"}""", """{"m":"sk-a/b+c\"d"}""")]
    [InlineData("", "")]
    public void Every_form_of_the_key_in_a_JSON_string_is_masked(string answer, string expected)
    {
        var masked = SecretRedaction.Redact(Encoding.UTF8.GetBytes(answer), SecretRedaction.JsonForms(Key));

        Assert.Equal(expected, Encoding.UTF8.GetString(masked));
    }

    [Fact]
    public void An_answer_without_the_key_is_read_as_it_arrived()
    {
        var answer = Encoding.UTF8.GetBytes("""{"id":"clx_1","status":"succeeded"}""");

        var masked = SecretRedaction.Redact(answer, SecretRedaction.JsonForms(Key));

        Assert.True(masked == answer.AsSpan(), "a copy was made of an answer that does not hold the key");
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData("test", 0)]
    [InlineData("gih_live_ab", 0)]
    [InlineData("gih_live_abc", 1)]
    [InlineData("gih_live_abc-DEF_123", 1)]
    [InlineData("sk-a/b/cdefgh", 2)]
    [InlineData("sk-a+b+cdefgh", 2)]
    [InlineData("sk-a/b+c\"d\\e", 4)]
    public void The_forms_of_a_key_are_distinct_and_none_without_one_or_for_one_too_short_to_be_issued(string? key, int forms) =>
        Assert.Equal(forms, SecretRedaction.JsonForms(key).Length);
}
