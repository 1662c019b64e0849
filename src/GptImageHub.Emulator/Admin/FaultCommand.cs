namespace GptImageHub.Emulator.Admin;

/// <summary>
/// Turns a <c>POST /_emulator/v1/faults</c> body into one call of <see cref="EmulatorFaults"/>: the
/// admin API has no fault logic of its own, so it injects exactly what the C# API injects.
/// </summary>
internal static class FaultCommand
{
    public const string Status = "status";
    public const string Body = "body";
    public const string Delay = "delay";
    public const string Drop = "drop";
    public const string FailGeneration = "fail_generation";
    public const string FewerImages = "fewer_images";

    public static IReadOnlyList<string> Kinds { get; } = [Status, Body, Delay, Drop, FailGeneration, FewerImages];

    /// <summary>Validates the request in full, then applies it; on any problem nothing is injected.</summary>
    /// <returns>Null on success, otherwise the reason for a 400.</returns>
    public static string? TryApply(FaultRequest request, EmulatorFaults faults)
    {
        EmulatorEndpoint? endpoint = null;
        if (request.Endpoint is { } name && !EndpointNames.TryParse(name, out endpoint))
        {
            return $"Unknown endpoint '{name}'; expected one of {string.Join(", ", EndpointNames.All)}.";
        }

        var count = request.Count ?? 1;
        var unused = Unused(request);
        if (unused is not null)
        {
            return $"The field '{unused}' does not apply to a fault of kind '{request.Kind}'.";
        }

        try
        {
            switch (request.Kind)
            {
                case Status when request.Status is { } status:
                    var retryAfter = request.RetryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
                    faults.FailNext(status, request.ErrorCode, request.Message, count, endpoint, retryAfter, request.AfterProcessing ?? false);
                    return null;
                case Body when request.Status is { } status && request.Body is { } body:
                    faults.RespondNext(status, body, request.ContentType ?? "text/html; charset=utf-8", count, endpoint, request.AfterProcessing ?? false);
                    return null;
                case Delay when request.DelayMs is { } milliseconds:
                    faults.DelayNext(TimeSpan.FromMilliseconds(milliseconds), count, endpoint);
                    return null;
                case Drop:
                    faults.DropNext(count, endpoint, request.AfterProcessing ?? false);
                    return null;
                case FailGeneration:
                    faults.FailNextGeneration(count);
                    return null;
                case FewerImages when request.ImagesDelivered is { } delivered:
                    faults.DeliverFewerImagesNext(delivered, count);
                    return null;
                case Status or Body or Delay or FewerImages:
                    return $"A fault of kind '{request.Kind}' needs {Needs(request.Kind)}.";
                default:
                    return $"'kind' must be one of {string.Join(", ", Kinds)}.";
            }
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException)
        {
            // The C# API's own checks (status 100 to 599, count at least 1, no negative delay) speak for both.
            return ex.Message;
        }
    }

    private static string Needs(string? kind) => kind switch
    {
        Status => "'status'",
        Body => "'status' and 'body'",
        Delay => "'delay_ms'",
        _ => "'images_delivered'",
    };

    /// <summary>The first field set that the kind's method does not take, so a request is never half understood.</summary>
    private static string? Unused(FaultRequest request)
    {
        var (status, errorCode, message, endpoint, retryAfter, afterProcessing, body, contentType, delay, delivered) = request.Kind switch
        {
            Status => (true, true, true, true, true, true, false, false, false, false),
            Body => (true, false, false, true, false, true, true, true, false, false),
            Delay => (false, false, false, true, false, false, false, false, true, false),
            Drop => (false, false, false, true, false, true, false, false, false, false),
            FailGeneration => (false, false, false, false, false, false, false, false, false, false),
            FewerImages => (false, false, false, false, false, false, false, false, false, true),
            _ => (true, true, true, true, true, true, true, true, true, true),
        };
        return (request.Status is not null && !status) ? "status"
            : (request.ErrorCode is not null && !errorCode) ? "error_code"
            : (request.Message is not null && !message) ? "message"
            : (request.Endpoint is not null && !endpoint) ? "endpoint"
            : (request.RetryAfterSeconds is not null && !retryAfter) ? "retry_after_seconds"
            : (request.AfterProcessing is not null && !afterProcessing) ? "after_processing"
            : (request.Body is not null && !body) ? "body"
            : (request.ContentType is not null && !contentType) ? "content_type"
            : (request.DelayMs is not null && !delay) ? "delay_ms"
            : (request.ImagesDelivered is not null && !delivered) ? "images_delivered"
            : null;
    }
}
