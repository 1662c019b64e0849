using System.Text.Json;
using GptImageHub.Sdk.Polling;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk.Tests.Polling;

/// <summary>
/// A failed generation's <c>error</c> (not documented on the generation) is read as an error body's
/// <c>error</c> is: its message goes into the exception's message, its code into <c>ErrorCode</c>;
/// a bare string is the message; anything else leaves the generic message.
/// </summary>
public sealed class FailedGenerationErrorTests
{
    public static TheoryData<string, string?, string?> Errors() => new()
    {
        { ""","error":{"message":"provider refused","code":"providerError"}""", "provider refused", "providerError" },
        { ""","error":{"code":"providerError","extra":[1]}""", null, "providerError" },
        { ""","error":"out of capacity" """, "out of capacity", null },
        { ""","error":{"message":42,"code":"x"}""", null, null },
        { ""","error":[1,2]""", null, null },
        { ""","error":null""", null, null },
        { "", null, null },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void The_reason_and_code_come_from_the_error_field(string errorField, string? reason, string? code)
    {
        var generation = JsonSerializer.Deserialize("""{"id":"g1","status":"failed" """ + errorField + "}", GptImageHubJsonContext.Default.ImageGeneration)!;

        var ex = GenerationPoller.Failed(generation, apiKey: null);

        Assert.Equal("g1", ex.GenerationId);
        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal(
            reason is null
                ? "Generation 'g1' failed. The service refunds the credits it held."
                : $"Generation 'g1' failed: {reason}. The service refunds the credits it held.",
            ex.Message);
    }
}
