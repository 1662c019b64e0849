using GptImageHub.Sdk.Http;
using Microsoft.Extensions.Time.Testing;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The answer's <c>Date</c> header, now the reference for a <c>Retry-After</c> date, from a broken or hostile server: one
/// that does not parse falls back to this machine's clock, one after the retry date means "now", and one that would ask
/// for a long wait is capped. Held.
/// </summary>
public sealed class HostileRetryAfterDateHeaderTests
{
    private static readonly DateTimeOffset LocalNow = new(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("not a date", 7.0)]
    [InlineData("", 7.0)]
    [InlineData("Sat, 05 Dec 2026 00:00:30 GMT", 0.0)]
    [InlineData("Mon, 01 Jan 0001 00:00:00 GMT", 600.0)]
    public void A_broken_date_header_leaves_a_bounded_retry_date(string date, double expectedSeconds)
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Date", date);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(LocalNow.AddSeconds(7));

        var delay = RetryAfterHeader.Read(response.Headers, new FakeTimeProvider(LocalNow));

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delay);
    }
}
