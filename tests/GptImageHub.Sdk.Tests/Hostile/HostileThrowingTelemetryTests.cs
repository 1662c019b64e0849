using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A consumer's metrics or tracing listener runs inside the SDK's calls: a <see cref="MeterListener"/>'s measurement
/// callback and an <see cref="ActivityListener"/>'s ActivityStopped run synchronously in <c>Counter.Add</c> and
/// <c>Activity.Dispose</c>, and what they throw comes out there. <c>GenerateImageAsync</c> records its counters
/// and ends its activity after the job succeeded, with the images in hand: a listener that threw there (an exporter
/// whose buffer is full, a <c>Dictionary.Add</c> of a duplicate) ended the paid call with the listener's exception,
/// no images and no id; so did one that threw when the POST's own activity ended, before the answer naming the job
/// was read. Each test's listener throws only for its own model, so tests running alongside are untouched.
/// </summary>
public sealed class HostileThrowingTelemetryTests
{
    private readonly string _model = "gpt-image-telemetry-" + Guid.NewGuid().ToString("N");

    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_meter_listener_that_throws_after_a_paid_generation_leaves_GenerateImageAsync_its_images()
    {
        using var listener = MetersThatThrowForMine();
        var handler = Succeeds();
        using var client = handler.CreateClient();

        await GeneratesThePaidJobOnceAsync(client, handler);
    }

    [Fact]
    public async Task A_meter_listener_that_throws_after_a_paid_generation_leaves_its_activity_ended_as_a_success_not_abandoned()
    {
        using var meters = MetersThatThrowForMine();
        using var parent = new Activity("test").Start();
        var traceId = parent.TraceId;
        var stopped = new List<Activity>();
        using var tracing = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GptImageHubTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId && activity.Kind == ActivityKind.Internal)
                {
                    lock (stopped)
                    {
                        stopped.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(tracing);
        var handler = Succeeds();
        using var client = handler.CreateClient();

        await client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { Quality = ImageQuality.Tier1K }, T);

        // The metrics failed; the trace still says what happened: the generation succeeded.
        var generation = Assert.Single(stopped);
        Assert.Equal(ActivityStatusCode.Unset, generation.Status);
        Assert.Equal("clx_generation_log_id", generation.GetTagItem("gen_ai.response.id"));
        Assert.Equal(_model, generation.GetTagItem("gen_ai.response.model"));
    }

    [Fact]
    public async Task An_activity_listener_that_throws_when_a_paid_generation_ends_leaves_GenerateImageAsync_its_images()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GptImageHubTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("gen_ai.response.model"), _model))
                {
                    throw new InvalidOperationException("The exporter's queue is full.");
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var handler = Succeeds();
        using var client = handler.CreateClient();

        await GeneratesThePaidJobOnceAsync(client, handler);
    }

    [Fact]
    public async Task An_activity_listener_that_throws_when_a_paid_POST_ends_leaves_GenerateImageAsync_its_images()
    {
        // The request's activity ends with the answer's headers, before the body that names the job is read.
        var port = 20000 + (Math.Abs(_model.GetHashCode(StringComparison.Ordinal)) % 40000);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GptImageHubTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.DisplayName == "POST" && Equals(activity.GetTagItem("server.port"), port))
                {
                    throw new InvalidOperationException("The exporter's queue is full.");
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var handler = Succeeds();
        using var client = handler.CreateClient(options => options.BaseAddress = new Uri($"http://127.0.0.2:{port}/"));

        await GeneratesThePaidJobOnceAsync(client, handler);
    }

    private CannedAnswerHandler Succeeds() => new(_ => CannedAnswerHandler.Answer(
        200,
        new StringContent(SeedResponses.SyncSucceeded.Replace("\"model\": \"gpt-image-2\"", $"\"model\": \"{_model}\"", StringComparison.Ordinal), Encoding.UTF8, "application/json")));

    /// <summary>GenerateImageAsync returns the paid job, its id and its image, after one POST.</summary>
    private static async Task GeneratesThePaidJobOnceAsync(GptImageHubClient client, CannedAnswerHandler handler)
    {
        var generation = await client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { Quality = ImageQuality.Tier1K }, T);

        Assert.Equal("clx_generation_log_id", generation.Id);
        Assert.Single(generation.Images);
        Assert.Equal(1, handler.Posts);
    }

    /// <summary>A meter listener of the SDK's instruments that throws on every measurement of this test's model.</summary>
    private MeterListener MetersThatThrowForMine()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == GptImageHubTelemetry.SourceName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => ThrowForMine(tags));
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) => ThrowForMine(tags));
        listener.Start();
        return listener;
    }

    private void ThrowForMine(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "gen_ai.request.model" && Equals(tag.Value, _model))
            {
                throw new InvalidOperationException("The exporter's queue is full.");
            }
        }
    }
}
