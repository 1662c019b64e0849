using GptImageHub.Sdk.Polling;

namespace GptImageHub.Sdk;

/// <summary>
/// Rebuilds a <see cref="GenerationOperation"/> from a generation id.
/// An extension rather than a member of <see cref="IGptImageHubClient"/>, which keeps the service's
/// operations only (see its remarks). On a <see cref="GptImageHubClient"/> it uses the client's shared
/// state; on any other implementation, such as a mock or a decorator, it goes through the interface.
/// </summary>
public static class GenerationOperationExtensions
{
    /// <summary>Rebuilds the operation of a submitted generation from its id alone, for example after a process restart.</summary>
    /// <param name="client">The client.</param>
    /// <param name="generationId">The generation id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The operation, with the job's current state as <see cref="GenerationOperation.Value"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="generationId"/> is empty.</exception>
    /// <exception cref="NotFoundException">No such generation for this key's owner.</exception>
    /// <exception cref="GptImageHubException">The call failed; the subtype says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<GenerationOperation> ResumeGenerationAsync(this IGptImageHubClient client, string generationId, CancellationToken cancellationToken = default)
    {
        if (client is null)
        {
            throw new ArgumentNullException(nameof(client));
        }

        return client is GptImageHubClient sdk
            ? sdk.ResumeOperationAsync(generationId, cancellationToken)
            : ResumeAsync(client, generationId, cancellationToken);

        static async Task<GenerationOperation> ResumeAsync(IGptImageHubClient client, string generationId, CancellationToken cancellationToken) =>
            new(await client.GetGenerationAsync(generationId, cancellationToken).ConfigureAwait(false), new ClientGenerationSource(client));
    }
}
