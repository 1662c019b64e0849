namespace GptImageHub.Sdk.Http;

/// <summary>The API's paths, resolved against a client's base address once, when its settings are made.</summary>
/// <remarks>
/// Resolved once rather than per call: combining a base and a relative path cost about 300 ns and 328 B a
/// call, and a generation's path built on a resolved prefix costs 164 ns and 216 B against 434 ns and 536 B
/// combined. Measured with <c>interleaved</c> (benchmarks; docs/benchmarks.md, "Issue 17: the read path"):
/// GetCredits 1.25-1.33 -> 0.93-1.03 times raw (about 25 % of the call) and 1,568 -> 1,240 B (21 %);
/// GetGeneration 2,856 -> 2,536 B (11 %). The URIs are the ones <c>new Uri(baseAddress, path)</c> gives,
/// which ApiEndpointsTests checks over awkward base addresses and ids.
/// </remarks>
internal sealed class ApiEndpoints
{
    private const string GenerationPrefix = "api/v1/generations/";

    private readonly string _generationPrefix;

    public ApiEndpoints(Uri baseAddress)
    {
        Models = new Uri(baseAddress, "api/v1/models");
        Credits = new Uri(baseAddress, "api/v1/credits");
        Generations = new Uri(baseAddress, "api/v1/images/generations");
        _generationPrefix = new Uri(baseAddress, GenerationPrefix).AbsoluteUri;
    }

    public Uri Models { get; }

    public Uri Credits { get; }

    /// <summary>Where a generation is submitted.</summary>
    public Uri Generations { get; }

    /// <summary>The path of one generation; the id is escaped so that an id such as <c>../credits</c> cannot change the path.</summary>
    public Uri Generation(string generationId) =>
        new(_generationPrefix + Uri.EscapeDataString(generationId), UriKind.Absolute);
}
