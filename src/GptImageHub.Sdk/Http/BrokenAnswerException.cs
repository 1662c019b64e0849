namespace GptImageHub.Sdk.Http;

/// <summary>
/// Carries a failure that broke off a charged submit's answer after its generation id, from the
/// reader to the pipeline, which reports the inner failure as usual with the id on it. It never
/// leaves the pipeline.
/// </summary>
internal sealed class BrokenAnswerException : Exception
{
    public BrokenAnswerException(string generationId, Exception innerException)
        : base("The answer broke off after generation '" + generationId + "'.", innerException)
    {
        GenerationId = generationId;
    }

    public string GenerationId { get; }

    /// <summary>The failure itself.</summary>
    public Exception Cause => InnerException!;
}
