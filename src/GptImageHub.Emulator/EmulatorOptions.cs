namespace GptImageHub.Emulator;

/// <summary>
/// How an emulator instance behaves: where it listens, how long jobs take and which clock it reads.
/// The values are copied when the emulator starts; later changes have no effect.
/// </summary>
public sealed class EmulatorOptions
{
    /// <summary>The default of <see cref="MaxRenderedSide"/>: images up to 2048 pixels on their longer side are drawn at full size.</summary>
    public const int DefaultMaxRenderedSide = 2048;

    /// <summary>The TCP port on 127.0.0.1; 0 (the default) picks a free one, which parallel tests need.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The TCP port on 127.0.0.1 of the emulator's CDN, the second origin that serves the images;
    /// 0 (the default) picks a free one. Images live on another origin than the API, as in
    /// production, so a client that sent its key with a download would be caught.
    /// </summary>
    public int CdnPort { get; set; }

    /// <summary>
    /// Whether the admin API (<c>/_emulator/</c>) and the dashboard answer requests that come from
    /// another machine or name a host other than a loopback one. False by default: they can create
    /// keys and break the service, so only this machine may use them.
    /// </summary>
    public bool AllowRemoteAdmin { get; set; }

    /// <summary>How long a generation stays <c>queued</c> before it starts <c>processing</c>; zero by default.</summary>
    public TimeSpan QueueDelay { get; set; }

    /// <summary>How long a generation stays <c>processing</c> before it ends; zero by default.</summary>
    public TimeSpan ProcessingDelay { get; set; }

    /// <summary>
    /// The clock for job progress, injected latency, key expiry and timestamps. Pass a fake one to
    /// move jobs from <c>queued</c> to <c>succeeded</c> without waiting.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// The longest side, in pixels, of a PNG the emulator actually draws. Larger requested images
    /// (2K/4K tiers, big sizes) are drawn scaled down to it, keeping their shape, so that downloads
    /// stay fast; the responses still describe the requested size. At most 4096.
    /// </summary>
    public int MaxRenderedSide { get; set; } = DefaultMaxRenderedSide;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Port, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfNegative(CdnPort, nameof(CdnPort));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CdnPort, 65535, nameof(CdnPort));
        if (Port != 0 && CdnPort == Port)
        {
            throw new ArgumentOutOfRangeException(nameof(CdnPort), CdnPort, "The CDN needs a port of its own.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(QueueDelay, TimeSpan.Zero, nameof(QueueDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(ProcessingDelay, TimeSpan.Zero, nameof(ProcessingDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRenderedSide, 1, nameof(MaxRenderedSide));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRenderedSide, 4096, nameof(MaxRenderedSide));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }

    internal EmulatorOptions Copy() => (EmulatorOptions)MemberwiseClone();
}
