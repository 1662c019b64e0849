namespace GptImageHub.Sdk.Http;

/// <summary>
/// One call to describe to the pipeline. The pipeline makes a fresh <see cref="HttpRequestMessage"/>
/// from it for each attempt, since a message cannot be sent twice.
/// </summary>
internal sealed class ApiCall
{
    public ApiCall(HttpMethod method, Uri uri, TimeSpan timeout)
    {
        Method = method;
        Uri = uri;
        Timeout = timeout;
    }

    public HttpMethod Method { get; }

    public Uri Uri { get; }

    /// <summary>
    /// <see cref="Uri"/>'s path as messages, logs and traces name it. A base address may hold the key as a path segment
    /// (a gateway's <c>https://proxy/KEY/</c>), and then every path built on it does: the pipeline sets the path with the
    /// key masked before the first attempt (<see cref="ClientSettings.MaskPath"/>).
    /// </summary>
    public string Path
    {
        get => _path ?? Uri.AbsolutePath;
        set => _path = value;
    }

    private string? _path;

    /// <summary>The limit from send to last byte read.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The setting <see cref="Timeout"/> comes from, named in a timeout's message.</summary>
    public string TimeoutSetting { get; init; } = nameof(GptImageHubClientOptions.RequestTimeout);

    /// <summary>Whether the call needs the API key. It is attached only when <see cref="Uri"/> is on the API origin.</summary>
    public bool Authenticate { get; init; } = true;

    /// <summary>
    /// Whether <see cref="Uri"/> was built on the base address (or already checked against it), so
    /// the key may go without comparing origins again.
    /// </summary>
    public bool OnApiOrigin { get; init; }

    /// <summary>A JSON body, sent as it is on every attempt; a plain array rather than a <see cref="CreateContent"/> closure.</summary>
    public byte[]? JsonBody { get; init; }

    /// <summary>Makes the body for one attempt (multipart uploads); null for a call without one.</summary>
    public Func<HttpContent>? CreateContent { get; init; }

    /// <summary>Which failures the call may be repeated after.</summary>
    public RetryKind Retry { get; init; } = RetryKind.Safe;

    /// <summary>
    /// Stops the call before any further attempt is sent (and ends the wait before one), but never the attempt already
    /// sent: a charged POST on the wire is let finish, for its answer names the job it paid for. The last attempt's
    /// outcome is returned as it is.
    /// </summary>
    public CancellationToken StopBeforeSending { get; init; }

    /// <summary>The generation the call concerns, stamped on any exception it raises.</summary>
    public string? GenerationId { get; init; }

    /// <summary>Whether this is the charged generation POST, whose failures say whether they were possibly charged.</summary>
    public bool IsChargedSubmit => Retry == RetryKind.Submit;
}
