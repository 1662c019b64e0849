namespace GptImageHub.Sdk;

/// <summary>
/// The caller cancelled a wait after the generation was submitted. It is an
/// <see cref="OperationCanceledException"/>, so ordinary cancellation handling applies, and it
/// names the job: the service keeps generating (and has charged for it), so resume with
/// <see cref="IGptImageHubClient.WaitForGenerationAsync"/> and <see cref="GenerationId"/>.
/// </summary>
public sealed class GenerationCanceledException : OperationCanceledException
{
    /// <summary>Creates an exception with a default message.</summary>
    public GenerationCanceledException()
        : base("The wait for the generation was canceled.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public GenerationCanceledException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public GenerationCanceledException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a wait on a known generation that was cancelled.</summary>
    /// <param name="message">What was cancelled.</param>
    /// <param name="generationId">The generation that keeps running on the service.</param>
    /// <param name="innerException">The cancellation that stopped the wait.</param>
    /// <param name="cancellationToken">The token that was cancelled.</param>
    public GenerationCanceledException(string message, string? generationId, Exception? innerException, CancellationToken cancellationToken)
        : base(message, innerException, cancellationToken)
    {
        GenerationId = generationId;
    }

    /// <summary>The submitted generation; resume it with <see cref="IGptImageHubClient.WaitForGenerationAsync"/>.</summary>
    public string? GenerationId { get; }

    /// <summary>The exception for a cancelled wait on <paramref name="generationId"/>, with what to do next.</summary>
    internal static GenerationCanceledException ForWait(string generationId, Exception? innerException, CancellationToken cancellationToken) =>
        new($"The wait for generation '{generationId}' was canceled. The job keeps running on the service; resume it with WaitForGenerationAsync(\"{generationId}\").", generationId, innerException, cancellationToken);

    /// <summary>The exception for a submit cancelled after its answer named <paramref name="generationId"/>: the job was accepted and charged.</summary>
    internal static GenerationCanceledException AfterSubmit(string generationId, Exception? innerException, CancellationToken cancellationToken) =>
        new($"The submit was canceled after the service accepted generation '{generationId}'. The job keeps running on the service; resume it with WaitForGenerationAsync(\"{generationId}\").", generationId, innerException, cancellationToken);
}
