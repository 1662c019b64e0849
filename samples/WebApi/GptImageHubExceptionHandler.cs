using System.Globalization;
using GptImageHub.Sdk;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace GptImageHub.Samples.WebApi;

/// <summary>
/// Turns the SDK's typed exceptions into RFC 9457 problem details. The caller's mistakes keep their
/// message (it never holds the API key); upstream failures get a generic one and are logged. Any
/// failure after the submit carries <c>generationId</c>: that job is paid for and can be read later.
/// </summary>
internal sealed partial class GptImageHubExceptionHandler(IProblemDetailsService problemDetails, ILogger<GptImageHubExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            InsufficientCreditsException e => (StatusCodes.Status402PaymentRequired, "Not enough credits", e.Message),
            InvalidRequestException e => (StatusCodes.Status400BadRequest, "Invalid image request", e.Message),
            ReferenceImageException e => (StatusCodes.Status400BadRequest, "Invalid reference image", e.Message),
            ArgumentException e => (StatusCodes.Status400BadRequest, "Invalid image request", WithoutParameterNoise(e)),
            // A 404 about a generation names it: the caller's id is unknown to the service. One that names none came from
            // a path that always exists at the service's root (models, credits, the submit), so the configured
            // GptImageHub:BaseAddress is wrong: this server's fault, not the caller's. (A wrong address also turns
            // GET /images/{id} into a 404 that names the id; the SDK cannot tell that one apart, and neither can this.)
            NotFoundException { GenerationId: not null } => (StatusCodes.Status404NotFound, "No such generation", null),
            GenerationTimeoutException => (StatusCodes.Status504GatewayTimeout, "The generation is still running",
                "Read it later with GET /images/{generationId}; it is not submitted again."),
            RateLimitedException => (StatusCodes.Status503ServiceUnavailable, "GPT Image Hub is rate limiting", null),
            GptImageHubException => (StatusCodes.Status502BadGateway, "GPT Image Hub failed", null),
            _ => (0, null, null),
        };
        if (status == 0)
        {
            // Not an SDK failure: the default handler answers 500.
            return false;
        }

        if (status >= 500)
        {
            LogUpstreamFailure(logger, exception.GetType().Name, (exception as GptImageHubException)?.GenerationId, exception);
        }

        httpContext.Response.StatusCode = status;
        if (exception is RateLimitedException { RetryAfter: { } retryAfter })
        {
            httpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (exception is GptImageHubException { GenerationId: { } generationId })
        {
            problem.Extensions["generationId"] = generationId;
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>The message without " (Parameter 'request')" and "Actual value was 9.", which name the SDK's internals, not the caller's field.</summary>
    private static string WithoutParameterNoise(ArgumentException exception)
    {
        var message = exception.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? string.Empty;
        return exception.ParamName is { } name ? message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : message;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "GPT Image Hub call failed with {ExceptionType} (generation {GenerationId})")]
    private static partial void LogUpstreamFailure(ILogger logger, string exceptionType, string? generationId, Exception exception);
}
