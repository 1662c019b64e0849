using System.Security.Authentication;
using GptImageHub.Sdk.Errors;

namespace GptImageHub.Sdk.Tests.Resilience;

/// <summary>
/// The one walk of an exception's causes that the SDK's hints and gih's one-line reports use: a cause hides behind a
/// wrapper's <see cref="Exception.InnerException"/>, and behind any inner exception of an aggregate, not only its first.
/// </summary>
public sealed class ExceptionCausesTests
{
    public static TheoryData<string, Exception> Wrapped => new()
    {
        { "itself", new AuthenticationException("the cause") },
        { "two wrappers down", new HttpRequestException("outer", new IOException("middle", new AuthenticationException("the cause"))) },
        { "an aggregate's second", new InvalidOperationException("outer", new AggregateException(new IOException("first"), new AuthenticationException("the cause"))) },
        { "inside a nested aggregate", new AggregateException(new IOException("first"), new AggregateException(new TimeoutException("x"), new IOException("w", new AuthenticationException("the cause")))) },
    };

    [Theory]
    [MemberData(nameof(Wrapped))]
    public void A_cause_is_found_wherever_the_wrappers_put_it(string where, Exception exception)
    {
        Assert.True(ExceptionCauses.Find<AuthenticationException>(exception)?.Message == "the cause", where);
    }

    [Fact]
    public void A_cause_the_match_refuses_is_passed_over_for_the_next_one()
    {
        var exception = new AggregateException(new IOException("no"), new IOException("yes"));

        Assert.Equal("yes", ExceptionCauses.Find<IOException>(exception, e => e.Message == "yes")?.Message);
        Assert.Null(ExceptionCauses.Find<TimeoutException>(exception));
        Assert.Null(ExceptionCauses.Find<IOException>(null));
    }
}
