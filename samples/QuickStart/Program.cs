using GptImageHub.Samples.QuickStart;

// Ctrl+C stops the wait; the job's id is printed so it can be resumed.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await QuickStartApp.RunAsync(
    args,
    Console.Out,
    Console.Error,
    Environment.GetEnvironmentVariable("GPTIMAGEHUB_API_KEY"),
    Path.Combine(Environment.CurrentDirectory, "output"),
    cancellation.Token);
