using System.Net;
using System.Net.Sockets;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Polling.PollingHarness;

namespace GptImageHub.Sdk.Tests.Polling;

public sealed class GenerationWaitTests
{
    [Fact]
    public async Task Queued_then_processing_then_succeeded_reports_each_status_once()
    {
        using var hub = new PollingHarness();
        hub.StubSubmit();
        hub.StubPolls("g1", Status("g1", "queued"), Status("g1", "processing"), Status("g1", "processing"), Status("g1", "processing"), Json(200, SeedResponses.Succeeded("g1")));
        var operation = await hub.Client.StartImageGenerationAsync(SampleRequest, TestContext.Current.CancellationToken);
        var seen = new List<string>();

        var generation = await hub.Clock.RunAsync(operation.WaitForCompletionAsync(new SynchronousProgress(g => seen.Add(g.Status.ToString())), TestContext.Current.CancellationToken));

        Assert.Equal(["queued", "processing", "succeeded"], seen);
        Assert.Equal("img_1", Assert.Single(generation.Images).Id);
        Assert.Same(generation, operation.Value);
        Assert.True(operation.HasCompleted);
    }

    [Fact]
    public async Task Queued_then_failed_throws_GenerationFailedException_with_the_id_and_the_reason()
    {
        using var hub = new PollingHarness();
        hub.StubSubmit();
        hub.StubPolls("g1", Status("g1", "queued"), Status("g1", "failed", "\"error\":{\"message\":\"provider refused\",\"code\":\"providerError\"}"));
        var operation = await hub.Client.StartImageGenerationAsync(SampleRequest, TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<GenerationFailedException>(() => hub.Clock.RunAsync(operation.WaitForCompletionAsync(cancellationToken: TestContext.Current.CancellationToken)));

        Assert.Equal("g1", ex.GenerationId);
        Assert.Equal("providerError", ex.ErrorCode);
        Assert.Equal("Generation 'g1' failed: provider refused. The service refunds the credits it held.", ex.Message);
        Assert.Equal(GenerationStatus.Failed, operation.Value.Status);
    }

    [Fact]
    public async Task An_unknown_status_in_between_keeps_the_wait_going()
    {
        using var hub = new PollingHarness();
        hub.StubSubmit();
        hub.StubPolls("g1", Status("g1", "moderating"), Status("g1", "upscaling"), Json(200, SeedResponses.Succeeded("g1")));
        var seen = new List<string>();
        var operation = await hub.Client.StartImageGenerationAsync(SampleRequest, TestContext.Current.CancellationToken);

        await hub.Clock.RunAsync(operation.WaitForCompletionAsync(new SynchronousProgress(g => seen.Add(g.Status.ToString())), TestContext.Current.CancellationToken));

        Assert.Equal(["queued", "moderating", "upscaling", "succeeded"], seen);
    }

    [Fact]
    public async Task Two_503s_while_polling_do_not_end_the_wait()
    {
        using var hub = new PollingHarness();
        hub.StubSubmit();
        hub.StubPolls("g1", Json(503, ""), Json(503, "<html>busy</html>"), Json(200, SeedResponses.Succeeded("g1")));

        var generation = await hub.Clock.RunAsync(hub.Client.GenerateImageAsync(SampleRequest, TestContext.Current.CancellationToken));

        Assert.Equal(GenerationStatus.Succeeded, generation.Status);
        Assert.Equal([2, 6, 14], hub.PollTimes);
        Assert.Equal(1, hub.Posts);
    }

    [Fact]
    public async Task A_dropped_connection_while_polling_does_not_end_the_wait()
    {
        await using var server = new ScriptedHttpServer((request, index) => index switch
        {
            0 => ScriptedHttpServer.Respond(202, SeedResponses.Generation("g1", "queued")),
            1 => ScriptedHttpServer.Truncate(200, SeedResponses.Succeeded("g1")),
            2 => ScriptedHttpServer.Drop(),
            _ => ScriptedHttpServer.Respond(200, SeedResponses.Succeeded("g1")),
        });
        var clock = new SteppingClock();
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, TimeProvider = clock, Polling = { UseJitter = false } });

        var generation = await clock.RunAsync(client.GenerateImageAsync(SampleRequest, TestContext.Current.CancellationToken));

        Assert.Equal(GenerationStatus.Succeeded, generation.Status);
        // SocketsHttpHandler may itself resend a GET whose connection closed before any answer, so the
        // time of the last poll is the handler's business; what the SDK owes is one POST and a wait that goes on.
        Assert.Equal(["POST", "GET", "GET", "GET"], server.Received.Select(r => r.Method));
    }

    [Fact]
    public async Task A_revoked_key_while_polling_ends_the_wait_with_the_generation_id()
    {
        using var hub = new PollingHarness();
        hub.StubSubmit();
        hub.StubPolls("g1", Status("g1", "processing"), Json(401, """{"error":{"message":"revoked","code":"invalidApiKey"}}"""));

        var ex = await Assert.ThrowsAsync<InvalidApiKeyException>(() => hub.Clock.RunAsync(hub.Client.GenerateImageAsync(SampleRequest, TestContext.Current.CancellationToken)));

        Assert.Equal("g1", ex.GenerationId);
    }

    [Fact]
    public async Task A_poll_url_on_another_host_is_never_contacted_and_the_key_stays_on_the_API_origin()
    {
        using var otherHost = new TcpListener(IPAddress.Parse("127.0.0.2"), 0);
        otherHost.Start();
        var foreign = $"http://127.0.0.2:{((IPEndPoint)otherHost.LocalEndpoint).Port}/api/v1/generations/g1";
        using var hub = new PollingHarness();
        hub.StubSubmit(body: SeedResponses.Generation("g1", "queued", $"\"poll_url\":\"{foreign}\""));
        hub.StubPolls("g1", Json(200, SeedResponses.Succeeded("g1")));

        await hub.Clock.RunAsync(hub.Client.GenerateImageAsync(SampleRequest, TestContext.Current.CancellationToken));

        Assert.False(otherHost.Pending(), "the foreign poll_url host was contacted");
        var apiOrigin = hub.Server.BaseUri().GetLeftPart(UriPartial.Authority);
        Assert.All(hub.Recorder.Sent, r => Assert.Equal(apiOrigin, r.Uri.GetLeftPart(UriPartial.Authority)));
        Assert.All(hub.Recorder.Sent.Where(r => r.Uri.GetLeftPart(UriPartial.Authority) != apiOrigin), r => Assert.Null(r.Authorization));
        Assert.Equal("/api/v1/generations/g1", hub.Recorder.Sent.Single(r => r.Method == HttpMethod.Get).Uri.AbsolutePath);
    }

    [Fact]
    public async Task A_poll_url_on_the_API_origin_is_followed()
    {
        using var hub = new PollingHarness();
        var pollUrl = new Uri(hub.Server.BaseUri(), "api/v1/generations/g1?view=full");
        hub.StubSubmit(body: SeedResponses.Generation("g1", "queued", $"\"poll_url\":\"{pollUrl}\""));
        hub.StubPolls("g1", Json(200, SeedResponses.Succeeded("g1")));

        await hub.Clock.RunAsync(hub.Client.GenerateImageAsync(SampleRequest, TestContext.Current.CancellationToken));

        var poll = hub.Recorder.Sent.Single(r => r.Method == HttpMethod.Get);
        Assert.Equal(pollUrl, poll.Uri);
        Assert.Equal(TestKeys.ApiKey, poll.Authorization!.Parameter);
    }

    [Fact]
    public async Task Cancelling_mid_wait_stops_all_requests_and_names_the_generation()
    {
        using var hub = new PollingHarness();
        hub.StubSubmit();
        hub.StubPolls("g1", Status("g1", "processing"));
        using var cts = new CancellationTokenSource();
        var wait = hub.Client.GenerateImageAsync(SampleRequest, cts.Token);

        hub.Clock.Fake.Advance(await hub.Clock.NextDelayAsync());
        hub.Clock.Fake.Advance(await hub.Clock.NextDelayAsync());
        await hub.Clock.NextDelayAsync();
        await cts.CancelAsync();

        var ex = await Assert.ThrowsAsync<GenerationCanceledException>(() => wait);
        Assert.Equal("g1", ex.GenerationId);
        Assert.Contains("WaitForGenerationAsync(\"g1\")", ex.Message, StringComparison.Ordinal);
        Assert.Equal(cts.Token, ex.CancellationToken);
        var sent = hub.Recorder.Sent.Count;
        hub.Clock.Fake.Advance(TimeSpan.FromMinutes(30));
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.Equal(sent, hub.Recorder.Sent.Count);
        Assert.Equal(2, hub.Polls);
    }

    [Fact]
    public async Task A_wait_killed_mid_poll_resumes_from_the_id_alone()
    {
        using var hub = new PollingHarness();
        hub.StubSubmit();
        hub.StubPolls("g1", Status("g1", "processing"), Status("g1", "processing"), Status("g1", "processing"), Json(200, SeedResponses.Succeeded("g1")));
        using var cts = new CancellationTokenSource();
        var first = hub.Client.GenerateImageAsync(SampleRequest, cts.Token);
        hub.Clock.Fake.Advance(await hub.Clock.NextDelayAsync());
        await hub.Clock.NextDelayAsync();
        await cts.CancelAsync();
        var canceled = await Assert.ThrowsAsync<GenerationCanceledException>(() => first);
        var resumedAt = hub.Clock.Elapsed;

        var seen = new List<string>();
        var generation = await hub.Clock.RunAsync(hub.Client.WaitForGenerationAsync(canceled.GenerationId!, new SynchronousProgress(g => seen.Add(g.Status.ToString())), TestContext.Current.CancellationToken));

        Assert.Equal(GenerationStatus.Succeeded, generation.Status);
        Assert.Equal(1, hub.Posts);
        // The resumed wait polls at once, then on the schedule from the start.
        Assert.Equal([2, resumedAt.TotalSeconds, resumedAt.TotalSeconds + 2, resumedAt.TotalSeconds + 6], hub.PollTimes);
        Assert.Equal(["processing", "succeeded"], seen);
    }

    [Fact]
    public async Task ResumeGeneration_rebuilds_an_operation_from_its_id()
    {
        using var hub = new PollingHarness();
        hub.StubPolls("g7", Status("g7", "processing"), Json(200, SeedResponses.Succeeded("g7")));

        var operation = await hub.Client.ResumeGenerationAsync("g7", TestContext.Current.CancellationToken);
        Assert.Equal("g7", operation.Id);
        Assert.False(operation.HasCompleted);

        var updated = await operation.UpdateStatusAsync(TestContext.Current.CancellationToken);

        Assert.Equal(GenerationStatus.Succeeded, updated.Status);
        Assert.True(operation.HasCompleted);
        Assert.Equal(0, hub.Posts);
    }

    [Fact]
    public async Task ServerWait_follows_a_job_that_the_service_queued_instead_of_resubmitting()
    {
        using var hub = new PollingHarness(o => o.GenerationMode = GenerationMode.ServerWait);
        hub.StubSubmit(status: 202);
        hub.StubPolls("g1", Json(200, SeedResponses.Succeeded("g1")));

        var generation = await hub.Clock.RunAsync(hub.Client.GenerateImageAsync(SampleRequest, TestContext.Current.CancellationToken));

        Assert.Equal(GenerationStatus.Succeeded, generation.Status);
        Assert.Equal(1, hub.Posts);
        Assert.DoesNotContain("async", hub.Server.LogEntries.Single(e => e.RequestMessage.Method == "POST").RequestMessage.Body!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerWait_with_a_failed_answer_throws_GenerationFailedException_with_the_id()
    {
        using var hub = new PollingHarness(o => o.GenerationMode = GenerationMode.ServerWait);
        hub.StubSubmit(status: 200, body: SeedResponses.Generation("g1", "failed"));

        var ex = await Assert.ThrowsAsync<GenerationFailedException>(() => hub.Client.GenerateImageAsync(SampleRequest, TestContext.Current.CancellationToken));

        Assert.Equal("g1", ex.GenerationId);
    }

    /// <summary>Progress that reports inline, so a test sees every report before the wait returns.</summary>
    private sealed class SynchronousProgress(Action<ImageGeneration> report) : IProgress<ImageGeneration>
    {
        public void Report(ImageGeneration value) => report(value);
    }
}
