using GptImageHub.Sdk;

namespace GptImageHub.Samples.Snippets;

internal static class CreditsSnippet
{
    internal static async Task RunAsync(IGptImageHubClient client, TextWriter output, CancellationToken cancellationToken)
    {
        CreditBalance balance = await client.GetCreditsAsync(cancellationToken);
        output.WriteLine($"Balance: {balance.Credits} credits ({balance.AccountType})");

        // Prices are per image and tier, from the model list.
        var models = await client.GetModelsAsync(cancellationToken);
        var gpt = models.First(m => m.Id == "gpt-image-2");
        if (gpt.CreditsPerImage.TryGetValue("1K", out var price) && price > 0)
        {
            output.WriteLine($"Enough for {balance.Credits / price} gpt-image-2 images at 1K ({price} credits each)");
        }
    }
}
