using System.Net.Http.Headers;

namespace GptImageHub.Sdk.Http;

/// <summary>Reads <c>Retry-After</c> in both its forms, seconds or an HTTP date.</summary>
internal static class RetryAfterHeader
{
    // A hostile or broken header must not park a caller for days.
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(10);

    public static TimeSpan? Read(HttpResponseHeaders headers, TimeProvider timeProvider)
    {
        var retryAfter = headers.RetryAfter;
        if (retryAfter is null)
        {
            return null;
        }

        TimeSpan delay;
        if (retryAfter.Delta is { } delta)
        {
            delay = delta;
        }
        else if (retryAfter.Date is { } date)
        {
            // The date is on the server's clock: measured against the answer's own Date header when it has one, so a
            // skewed clock on either side does not turn "in 5 s" into "now" (a burst of retries at a rate limiter) or
            // into "in ten years" (no retry at all). Only without a Date is this machine's clock the reference.
            delay = date - (headers.Date ?? timeProvider.GetUtcNow());
        }
        else
        {
            return null;
        }

        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxDelay ? MaxDelay : delay;
    }
}
