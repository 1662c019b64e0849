using GptImageHub.Samples.Snippets;

// Ctrl+C stops the snippet; a generation that was already submitted keeps running on the service.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await SnippetsApp.RunAsync(
    args,
    Console.Out,
    Environment.GetEnvironmentVariable("GPTIMAGEHUB_API_KEY"),
    Path.Combine(Environment.CurrentDirectory, "output"),
    cancellation.Token);
