namespace GptImageHub.Sdk;

/// <summary>How <see cref="IGptImageHubClient.GenerateImageAsync"/> waits for a generation to finish.</summary>
public enum GenerationMode
{
    /// <summary>
    /// Submit with <c>async: true</c> and poll the job until it ends. The default: no connection is
    /// held open for minutes, and once the job is submitted its id is never lost.
    /// </summary>
    Polling = 0,

    /// <summary>
    /// Let the service hold the request open until the images are ready (up to 800 s), bounded by
    /// <see cref="GptImageHubClientOptions.ServerWaitTimeout"/>. If the connection drops, the job's
    /// id is unknown, so prefer <see cref="Polling"/> behind proxies that cut long requests.
    /// </summary>
    ServerWait = 1,
}
