using GptImageHub.Sdk.Http;
using Microsoft.Extensions.Time.Testing;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// <c>Retry-After</c> as an HTTP date, from a server whose clock disagrees with this machine's. The date was measured
/// against the local clock, so a server ten years (or ten seconds) behind asked for "5 s from now" and got an immediate
/// retry: a hostile run saw gih send four POSTs to a rate limiter within 3 s. A server ahead got none: its "5 s" read as
/// ten years, past the cap, and the call failed at once. The answer's own <c>Date</c> header is the server's "now".
/// </summary>
public sealed class HostileRetryAfterSkewTests
{
    private static readonly DateTimeOffset LocalNow = new(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(-3650 * 24 * 3600.0)]
    [InlineData(-30.0)]
    [InlineData(30.0)]
    [InlineData(3650 * 24 * 3600.0)]
    public void A_retry_date_is_measured_against_the_answers_own_date_when_the_clocks_disagree(double serverSkewSeconds)
    {
        var serverNow = LocalNow.AddSeconds(serverSkewSeconds);
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        response.Headers.Date = serverNow;
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(serverNow.AddSeconds(5));

        var delay = RetryAfterHeader.Read(response.Headers, new FakeTimeProvider(LocalNow));

        Assert.Equal(TimeSpan.FromSeconds(5), delay);
    }

    [Fact]
    public void Without_a_date_header_the_retry_date_is_measured_against_this_machines_clock()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(LocalNow.AddSeconds(7));

        var delay = RetryAfterHeader.Read(response.Headers, new FakeTimeProvider(LocalNow));

        Assert.Equal(TimeSpan.FromSeconds(7), delay);
    }
}
