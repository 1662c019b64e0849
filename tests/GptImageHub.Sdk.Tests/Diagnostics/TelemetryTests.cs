using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using GptImageHub.Sdk.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using WireMock.Server;

namespace GptImageHub.Sdk.Tests.Diagnostics;

/// <summary>
/// Traces, metrics and logs of one generation. Each test uses a model name of its own, since the
/// SDK's ActivitySource and Meter are process-wide and other tests run at the same time.
/// </summary>
public sealed class TelemetryTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly string _model = "telemetry-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => _server.Stop();

    private GptImageHubClient Client(ILoggerFactory? loggerFactory = null)
    {
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        return new GptImageHubClient(
            http,
            new GptImageHubClientOptions
            {
                ApiKey = TestKeys.ApiKey,
                BaseAddress = _server.BaseUri(),
                MaxRetries = 0,
                Polling = { InitialInterval = TimeSpan.FromMilliseconds(5), MaxInterval = TimeSpan.FromMilliseconds(5), UseJitter = false },
            },
            loggerFactory);
    }

    private static ActivityListener ListenToActivities(ConcurrentQueue<Activity> activities)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GptImageHubTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private void StubJob(string finalStatus = "succeeded")
    {
        _server.StubJson("POST", "/api/v1/images/generations", 202, $$"""{"id":"g-{{_model}}","status":"queued","model":"{{_model}}","images":[]}""");
        _server.StubJson("GET", $"/api/v1/generations/g-{_model}", 200, finalStatus == "succeeded"
            ? $$$"""{"id":"g-{{{_model}}}","status":"succeeded","model":"{{{_model}}}","images":[{"id":"a","url":"https://cdn.example/a.png"},{"id":"b","url":"https://cdn.example/b.png"}],"usage":{"credits":16}}"""
            : $$"""{"id":"g-{{_model}}","status":"failed","model":"{{_model}}","images":[]}""");
    }

    [Fact]
    public async Task A_generation_is_one_GenAI_activity_with_an_HTTP_client_activity_per_request_and_poll()
    {
        StubJob();
        var activities = new ConcurrentQueue<Activity>();
        using var listener = ListenToActivities(activities);
        using var client = Client();

        await client.GenerateImageAsync(new ImageGenerationRequest(_model, "a fox") { N = 2 }, TestContext.Current.CancellationToken);

        var generation = Assert.Single(activities, a => a.DisplayName == "generate_content " + _model);
        Assert.Equal("generate_content", generation.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("gptimagehub", generation.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(_model, generation.GetTagItem("gen_ai.request.model"));
        Assert.Equal("g-" + _model, generation.GetTagItem("gen_ai.response.id"));
        Assert.Equal(2, generation.GetTagItem("gptimagehub.generation.images"));
        Assert.Equal(16, generation.GetTagItem("gptimagehub.generation.credits"));
        Assert.Equal(ActivityStatusCode.Unset, generation.Status);

        var http = activities.Where(a => a.ParentSpanId == generation.SpanId).ToList();
        Assert.Equal(["POST", "GET"], http.Select(a => a.DisplayName));
        Assert.All(http, a => Assert.Equal(ActivityKind.Client, a.Kind));
        Assert.Equal("/api/v1/images/generations", http[0].GetTagItem("url.path"));
        Assert.Equal(202, http[0].GetTagItem("http.response.status_code"));
        Assert.Equal("g-" + _model, http[1].GetTagItem("gen_ai.response.id"));
        Assert.DoesNotContain(activities.SelectMany(a => a.TagObjects), t => t.Value?.ToString()?.Contains(TestKeys.ApiKey, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_failed_generation_marks_its_activity_as_an_error()
    {
        StubJob("failed");
        var activities = new ConcurrentQueue<Activity>();
        using var listener = ListenToActivities(activities);
        using var client = Client();

        await Assert.ThrowsAsync<GenerationFailedException>(() => client.GenerateImageAsync(new ImageGenerationRequest(_model, "a fox"), TestContext.Current.CancellationToken));

        var generation = Assert.Single(activities, a => a.DisplayName == "generate_content " + _model);
        Assert.Equal(ActivityStatusCode.Error, generation.Status);
        Assert.Equal("GenerationFailedException", generation.GetTagItem("error.type"));
    }

    [Fact]
    public async Task Credits_images_and_duration_are_measured_once_per_generation()
    {
        StubJob();
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == GptImageHubTelemetry.SourceName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        listener.Start();
        using var client = Client();

        await client.GenerateImageAsync(new ImageGenerationRequest(_model, "a fox") { N = 2 }, TestContext.Current.CancellationToken);

        var mine = measurements.Where(m => Equals(m.Tags.GetValueOrDefault("gen_ai.request.model"), _model)).ToList();
        Assert.Equal(16, Assert.Single(mine, m => m.Instrument == GptImageHubTelemetry.CreditsUsedMetric).Value);
        Assert.Equal(2, Assert.Single(mine, m => m.Instrument == GptImageHubTelemetry.ImagesGeneratedMetric).Value);
        var duration = Assert.Single(mine, m => m.Instrument == GptImageHubTelemetry.GenerationDurationMetric);
        Assert.True(duration.Value > 0);
        Assert.Equal("succeeded", duration.Tags["gptimagehub.generation.status"]);

        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            measurements.Enqueue((instrument.Name, value, copy));
        }
    }

    [Fact]
    public async Task Logs_name_method_path_status_and_generation_but_never_the_key_and_the_prompt_only_at_Trace()
    {
        StubJob();
        var collector = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(collector)));
        using var client = Client(loggerFactory);

        await client.GenerateImageAsync(new ImageGenerationRequest(_model, "a secret fox prompt"), TestContext.Current.CancellationToken);

        var lines = collector.GetSnapshot().Select(r => $"{r.Level} {r.Category} {r.Message}").ToList();
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^Debug GptImageHub.Sdk POST /api/v1/images/generations answered 202 in [0-9.]+ ms \(generation \(null\)\)$"));
        Assert.Contains(lines, l => l.StartsWith($"Information GptImageHub.Sdk Submitted generation g-{_model} on {_model}, status queued", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"Debug GptImageHub.Sdk GET /api/v1/generations/g-{_model} answered 200", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"Information GptImageHub.Sdk Generation g-{_model} succeeded with 2 images for 16 credits", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("secret fox prompt", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(TestKeys.ApiKey, StringComparison.Ordinal));
        Assert.All(collector.GetSnapshot(), r => Assert.DoesNotContain(TestKeys.ApiKey, string.Join(",", r.StructuredState?.Select(p => p.Value) ?? []), StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_prompt_is_logged_at_Trace()
    {
        StubJob();
        var collector = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(collector)));
        using var client = Client(loggerFactory);

        await client.GenerateImageAsync(new ImageGenerationRequest(_model, "a secret fox prompt"), TestContext.Current.CancellationToken);

        var prompt = Assert.Single(collector.GetSnapshot(), r => r.Message.Contains("secret fox prompt", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Trace, prompt.Level);
    }

    [Fact]
    public async Task A_retry_is_logged_as_a_warning_that_names_the_call()
    {
        _server.StubRaw("GET", "/api/v1/credits", 503, null, "");
        var collector = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(collector)));
        var clock = new SteppingClock();
        using var client = new GptImageHubClient(new HttpClient(), new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = _server.BaseUri(), MaxRetries = 1, TimeProvider = clock }, loggerFactory);

        await Assert.ThrowsAsync<ServiceException>(() => clock.RunAsync(client.GetCreditsAsync(TestContext.Current.CancellationToken)));

        var retry = Assert.Single(collector.GetSnapshot(), r => r.Message.StartsWith("Retrying", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, retry.Level);
        Assert.Matches(@"^Retrying GET /api/v1/credits in \d+ ms after ServiceException \(retry 1\)$", retry.Message);
    }
}
