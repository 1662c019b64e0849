namespace GptImageHub.Sdk.Tests.Infrastructure;

internal static class TestKeys
{
    /// <summary>A key shaped like a real one, so a leak anywhere is easy to find.</summary>
    public const string ApiKey = "gih_live_T3stK3yNeverLeaks0123456789abcd";
}
