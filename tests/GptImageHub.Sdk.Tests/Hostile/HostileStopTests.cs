using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.ScriptedHttpServer;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A submit stopped on real loopback sockets while its answer stalls, by the caller's cancellation,
/// the client's disposal, or both racing: it is sent once, leaves only as the caller's own
/// cancellation or as ClientDisposedException, and names the paid job once the answer's id arrived.
/// </summary>
public sealed class HostileStopTests
{
    public enum Stopper
    {
        Cancel,
        Dispose,
        CancelThenDispose,
        DisposeThenCancel,
        Together,
    }

    private static CancellationToken T => TestContext.Current.CancellationToken;

    /// <summary>Where the answer stalls (a <see cref="FaultPoint"/> by name) by how the submit is stopped.</summary>
    public static TheoryData<string, Stopper> Cases()
    {
        var cases = new TheoryData<string, Stopper>();
        foreach (var point in new[] { nameof(FaultPoint.Headers), nameof(FaultPoint.BodyStart), nameof(FaultPoint.BodyMiddle) })
        {
            foreach (var stop in Enum.GetValues<Stopper>())
            {
                cases.Add(point, stop);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_submit_stopped_while_its_answer_stalls_is_sent_once_and_names_the_job_once_its_id_arrived(string stalledAt, Stopper stop)
    {
        var stall = Enum.Parse<FaultPoint>(stalledAt);
        var answer = SeedResponses.Generation("gen_paid", "queued", "\"pad\":\"" + new string('x', 200) + "\"");
        await using var server = new ScriptedHttpServer((_, _) => Fault(stall, cut: false, 202, answer));
        var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 3, RequestTimeout = TimeSpan.FromSeconds(20) });
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(T);

        var submit = client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), caller.Token);
        Assert.True(await server.Arrivals.WaitAsync(TimeSpan.FromSeconds(10), T));
        await Task.Delay(100, T);
        switch (stop)
        {
            case Stopper.Cancel:
                await caller.CancelAsync();
                break;
            case Stopper.Dispose:
                client.Dispose();
                break;
            case Stopper.CancelThenDispose:
                await caller.CancelAsync();
                client.Dispose();
                break;
            case Stopper.DisposeThenCancel:
                client.Dispose();
                await caller.CancelAsync();
                break;
            default:
                await Task.WhenAll(Task.Run(caller.Cancel, T), Task.Run(client.Dispose, T));
                break;
        }

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => submit.WaitAsync(TimeSpan.FromSeconds(10), T));
        client.Dispose();

        var named = stall == FaultPoint.BodyMiddle ? "gen_paid" : null;
        switch (ex)
        {
            case GenerationCanceledException canceled:
                Assert.NotEqual(Stopper.Dispose, stop);
                Assert.Equal(caller.Token, canceled.CancellationToken);
                Assert.Equal(named, canceled.GenerationId);
                break;
            case OperationCanceledException canceled:
                Assert.NotEqual(Stopper.Dispose, stop);
                Assert.Equal(caller.Token, canceled.CancellationToken);
                Assert.Null(named);
                break;
            case ClientDisposedException disposed:
                Assert.NotEqual(Stopper.Cancel, stop);
                Assert.Equal(named, disposed.GenerationId);
                Assert.True(disposed.PossiblyCharged);
                break;
            default:
                Assert.Fail($"Left as {ex}");
                break;
        }

        Assert.NotNull(ex.StackTrace);
        Assert.Single(server.Received, r => r.Method == "POST");
    }
}
