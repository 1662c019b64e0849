using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace GptImageHub.Sdk.Diagnostics;

/// <summary>
/// The telemetry of one generation as the caller sees it (a <c>GenerateImageAsync</c> or a wait):
/// its activity, its duration histogram, and on success the credits and images counters. Created
/// only at public entry points, so a generation is counted once.
/// </summary>
/// <remarks>
/// A read-only struct, so a generation allocates no scope of its own. It holds no state that
/// changes: <see cref="Succeeded"/> and <see cref="Failed"/> end the activity, and
/// <see cref="Dispose"/> marks one that neither ended as abandoned, so it is used with <c>using</c>
/// like any other scope.
/// <para>
/// A consumer's <see cref="System.Diagnostics.Metrics.MeterListener"/> and <see cref="ActivityListener"/> run
/// synchronously inside <c>Counter.Add</c>, <c>Histogram.Record</c>, <c>StartActivity</c> and <c>Activity.Dispose</c>,
/// and what they throw comes out there: after a paid job succeeded, that ended <c>GenerateImageAsync</c> with the
/// listener's exception instead of the images and the id. Telemetry that fails is dropped, as a failed log line is
/// (<see cref="GuardedLogger"/>): it must never cost a paid job.
/// </para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1815:Override equals and operator equals on value types", Justification = "A scope is never compared.")]
internal readonly struct GenerationScope : IDisposable
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long? _started;
    private readonly string? _model;
    private readonly Activity? _activity;

    private GenerationScope(ILogger logger, TimeProvider time, string? model, string mode, string? generationId)
    {
        _logger = logger;
        _time = time;
        _model = model;
        // The clock is read only when the duration goes somewhere: the histogram or a log line.
        _started = GptImageHubTelemetry.GenerationDuration.Enabled || logger.IsEnabled(LogLevel.Information) || logger.IsEnabled(LogLevel.Warning)
            ? time.GetTimestamp()
            : null;
        _activity = StartActivity(model, mode, generationId);
    }

    public static GenerationScope Start(ILogger logger, TimeProvider time, string? model, string mode, string? generationId = null) =>
        new(logger, time, model, mode, generationId);

    public void Submitted(ImageGeneration generation)
    {
        _activity?.SetTag(TelemetryTags.ResponseId, generation.Id);
        Log.GenerationSubmitted(_logger, generation.Id, generation.Model ?? _model, generation.Status.ToString());
    }

    public ImageGeneration Succeeded(ImageGeneration generation)
    {
        try
        {
            RecordSuccess(generation);
        }
        catch (Exception)
        {
            // A listener's failure: dropped (see the remarks), the paid generation is returned.
        }
        finally
        {
            // Ended here whatever the metrics did, so that a meter listener's failure leaves no "abandoned" trace of a success.
            QuietActivity.Stop(_activity);
        }

        return generation;
    }

    public void Failed(Exception exception, string? generationId)
    {
        try
        {
            RecordFailure(exception, generationId);
        }
        catch (Exception)
        {
            // A listener's failure: dropped (see the remarks), the call's own exception is the one thrown.
        }
        finally
        {
            QuietActivity.Stop(_activity);
        }
    }

    private static Activity? StartActivity(string? model, string mode, string? generationId)
    {
        // A listener's failure (its Sample or ActivityStarted callback) leaves the generation untraced.
        var activity = QuietActivity.Start(model is null ? TelemetryTags.GenerateContent : TelemetryTags.GenerateContent + " " + model, ActivityKind.Internal).Activity;
        if (activity is not null)
        {
            activity.SetTag(TelemetryTags.OperationName, TelemetryTags.GenerateContent);
            activity.SetTag(TelemetryTags.ProviderName, TelemetryTags.Provider);
            activity.SetTag(TelemetryTags.RequestModel, model);
            activity.SetTag(TelemetryTags.Mode, mode);
            activity.SetTag(TelemetryTags.ResponseId, generationId);
        }

        return activity;
    }

    private void RecordSuccess(ImageGeneration generation)
    {
        var elapsed = Elapsed();
        var credits = generation.Usage?.Credits ?? 0;
        var model = generation.Model ?? _model;
        var tags = new TagList
        {
            { TelemetryTags.ProviderName, TelemetryTags.Provider },
            { TelemetryTags.RequestModel, model },
            { TelemetryTags.GenerationStatus, "succeeded" },
        };

        // The trace first: a tag calls no listener, so it is complete whatever a meter listener does next.
        if (_activity is not null)
        {
            _activity.SetTag(TelemetryTags.ResponseId, generation.Id);
            _activity.SetTag(TelemetryTags.ResponseModel, generation.Model);
            _activity.SetTag(TelemetryTags.GenerationStatus, generation.Status.ToString());
            _activity.SetTag(TelemetryTags.ImageCount, generation.Images.Count);
            _activity.SetTag(TelemetryTags.Credits, credits);
        }

        GptImageHubTelemetry.CreditsUsed.Add(credits, tags);
        GptImageHubTelemetry.ImagesGenerated.Add(generation.Images.Count, tags);
        if (elapsed is { } duration)
        {
            GptImageHubTelemetry.GenerationDuration.Record(duration.TotalSeconds, tags);
        }

        Log.GenerationSucceeded(_logger, generation.Id, generation.Images.Count, credits, elapsed?.TotalSeconds ?? 0);
    }

    private void RecordFailure(Exception exception, string? generationId)
    {
        var elapsed = Elapsed();
        var errorType = exception.GetType().Name;
        if (_activity is not null)
        {
            _activity.SetTag(TelemetryTags.ResponseId, generationId);
            _activity.SetTag(TelemetryTags.ErrorType, errorType);
            _activity.SetStatus(ActivityStatusCode.Error, errorType);
        }

        if (elapsed is { } duration)
        {
            GptImageHubTelemetry.GenerationDuration.Record(
                duration.TotalSeconds,
                new TagList
                {
                    { TelemetryTags.ProviderName, TelemetryTags.Provider },
                    { TelemetryTags.RequestModel, _model },
                    { TelemetryTags.GenerationStatus, exception is OperationCanceledException ? "canceled" : "failed" },
                    { TelemetryTags.ErrorType, errorType },
                });
        }

        if (generationId is null)
        {
            // No id came back (a caller mistake, 400, 401, 402, or an answer lost): "Generation (null)" would name nothing.
            Log.GenerationNotSubmitted(_logger, _model, errorType);
        }
        else
        {
            Log.GenerationEnded(_logger, generationId, errorType, elapsed?.TotalSeconds ?? 0);
        }
    }

    /// <summary>The generation's duration, when the clock was read at its start; a listener that came later gets no duration for it.</summary>
    private TimeSpan? Elapsed() => _started is { } started ? _time.GetElapsedTime(started) : null;

    public void Dispose()
    {
        // The outcome ends the activity (Succeeded, Failed); one still running here was abandoned.
        // The state lives in the activity, not in this struct, so a copy disposes the same way.
        if (_activity is { IsStopped: false } activity)
        {
            activity.SetStatus(ActivityStatusCode.Error, "abandoned");
            QuietActivity.Stop(activity);
        }
    }
}
