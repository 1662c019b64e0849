using GptImageHub.Sdk;

// Everything a first call needs, and nothing else: the process exits once the answer is parsed,
// so its lifetime is the time from start to the first parsed response.
if (args.Length != 1 || !Uri.TryCreate(args[0], UriKind.Absolute, out var address))
{
    await Console.Error.WriteLineAsync("Usage: GptImageHub.Sdk.ColdStart http://127.0.0.1:PORT/").ConfigureAwait(false);
    return 2;
}

using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = "gih_live_coldstart000000000000000000", BaseAddress = address });
var balance = await client.GetCreditsAsync().ConfigureAwait(false);
Console.WriteLine(balance.Credits);
return 0;
