using System.Globalization;
using GptImageHub.Emulator.Catalog;
using GptImageHub.Emulator.Jobs;
using GptImageHub.Emulator.Json;

namespace GptImageHub.Emulator.Endpoints;

/// <summary>Turns the emulator's state into the JSON objects the service sends.</summary>
internal static class WireMapper
{
    public const string GenerationObject = "image_generation";
    public const string ImageObject = "image";

    /// <summary>The provider's timestamp format: UTC with milliseconds and a <c>Z</c>, as in <c>2026-04-30T08:00:00.000Z</c>.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static ModelWire Model(EmulatedModel model) =>
        new(
            model.Id,
            model.Name,
            model.Provider,
            model.AspectRatios,
            model.Tiers,
            model.ReferenceImageLimit,
            model.CreditsPerImage,
            new DefaultOptionsWire(ResolutionTiers.AutoAspectRatio, model.DefaultTier));

    public static BalanceWire Balance((long Credits, string AccountType, DateTimeOffset? NextExpiration) account) =>
        new(account.Credits, account.AccountType, account.NextExpiration is { } next ? Timestamp(next) : null);

    /// <summary>
    /// The <c>image_generation</c> object. While a job runs, its usage shows no credits spent and the
    /// credits it holds; once it ends, the credits it kept after refunds.
    /// </summary>
    public static GenerationWire Generation(GenerationJob job, JobSnapshot snapshot, Uri cdnAddress, BalanceWire? balance = null, Uri? pollUrl = null)
    {
        var spec = job.Spec;
        var finished = snapshot.Status is GenerationStatuses.Succeeded or GenerationStatuses.Failed;
        var usage = finished
            ? new UsageWire(snapshot.CreditsCharged, null)
            : new UsageWire(0, spec.CreditsRequested);
        var images = snapshot.Images
            .Select(image => new ImageWire(image.Id, ImageObject, new Uri(cdnAddress, image.RelativeUrl).AbsoluteUri, Timestamp(image.CreatedAt)))
            .ToList();
        return new GenerationWire(
            GenerationObject,
            job.Id,
            snapshot.Status,
            spec.Model.Id,
            spec.AspectRatio,
            spec.Tier,
            Timestamp(job.CreatedAt),
            images,
            usage,
            balance,
            pollUrl?.AbsoluteUri);
    }

    public static Uri PollUrl(Uri baseAddress, string generationId) =>
        new(baseAddress, "api/v1/generations/" + Uri.EscapeDataString(generationId));
}
