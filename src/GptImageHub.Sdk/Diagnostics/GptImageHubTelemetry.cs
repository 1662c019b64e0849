using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace GptImageHub.Sdk;

/// <summary>
/// The names the SDK's traces and metrics are published under. Subscribe with
/// <c>AddSource(GptImageHubTelemetry.SourceName)</c> and <c>AddMeter(GptImageHubTelemetry.SourceName)</c>
/// in OpenTelemetry. Attribute names follow the OpenTelemetry GenAI and HTTP conventions where they fit.
/// </summary>
public static class GptImageHubTelemetry
{
    /// <summary>The name of the SDK's <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string SourceName = "GptImageHub.Sdk";

    /// <summary>Counter of credits charged for completed generations (unit <c>{credit}</c>).</summary>
    public const string CreditsUsedMetric = "gptimagehub.client.credits.used";

    /// <summary>Counter of images delivered by completed generations (unit <c>{image}</c>).</summary>
    public const string ImagesGeneratedMetric = "gptimagehub.client.images.generated";

    /// <summary>Histogram of how long a generation took, from submit (or the start of a wait) to its end (unit <c>s</c>).</summary>
    public const string GenerationDurationMetric = "gptimagehub.client.generation.duration";

    private static readonly string Version = typeof(GptImageHubTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";

    internal static readonly ActivitySource ActivitySource = new(SourceName, Version);

    internal static readonly Meter Meter = new(SourceName, Version);

    internal static readonly Counter<long> CreditsUsed = Meter.CreateCounter<long>(CreditsUsedMetric, "{credit}", "Credits charged for completed generations.");

    internal static readonly Counter<long> ImagesGenerated = Meter.CreateCounter<long>(ImagesGeneratedMetric, "{image}", "Images delivered by completed generations.");

    internal static readonly Histogram<double> GenerationDuration = Meter.CreateHistogram<double>(GenerationDurationMetric, "s", "How long generations took, from submit or the start of a wait to their end.");
}
