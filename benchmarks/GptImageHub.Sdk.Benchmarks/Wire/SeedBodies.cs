using System.Text;

namespace GptImageHub.Sdk.Benchmarks.Wire;

/// <summary>
/// The documentation's example bodies as bytes, byte for byte what tests/.../SeedResponses.cs holds
/// (copied, because a benchmark must not depend on the test project), plus the two bodies the
/// seed does not print: a job that is still running, and an OpenAI-shaped image answer of about
/// the same size for the peer SDK.
/// </summary>
public static class SeedBodies
{
    public const string GenerationId = "clx_generation_log_id";

    public const string ApiKey = "gih_live_benchmark0000000000000000";

    public static readonly Uri BaseAddress = new("https://www.gptimagehub.com/");

    public static readonly byte[] SyncSucceeded = Encoding.UTF8.GetBytes("""
        {
          "object": "image_generation",
          "id": "clx_generation_log_id",
          "status": "succeeded",
          "model": "gpt-image-2",
          "aspect_ratio": "1:1",
          "quality": "1K",
          "images": [
            {
              "id": "clx_image_id",
              "object": "image",
              "url": "https://cdn.example.com/generations/user/image.png",
              "created_at": "2026-04-30T08:00:00.000Z"
            }
          ],
          "usage": {
            "credits": 8
          },
          "balance": {
            "credits": 112,
            "account_type": "PRO",
            "next_expiration": null
          }
        }
        """);

    public static readonly byte[] AsyncQueued = Encoding.UTF8.GetBytes(Queued("queued"));

    // The seed prints no running job: the queued answer with its status moved on (the emulator's "processing") is what a poll sees.
    public static readonly byte[] Running = Encoding.UTF8.GetBytes(Queued("processing"));

    public static readonly byte[] Credits = Encoding.UTF8.GetBytes("""{"credits":112,"account_type":"PRO","next_expiration":null}""");

    public static readonly byte[] Models = Encoding.UTF8.GetBytes("""
        {
          "data": [
            {
              "id": "gpt-image-2",
              "name": "GPT IMAGE 2",
              "provider": "openai",
              "aspect_ratios": ["auto", "1:1", "4:3", "3:4", "3:2", "2:3", "16:9", "9:16", "5:4", "4:5", "21:9", "9:21", "2:1", "1:2", "3:1", "1:3"],
              "qualities": ["1K", "2K", "4K"],
              "reference_image_limit": 16,
              "credits_per_image": { "1K": 8, "2K": 10, "4K": 12 }
            }
          ]
        }
        """);

    /// <summary>
    /// What OpenAI's images endpoint answers for one URL image, with the fields gpt-image models
    /// add, indented like the seed so that both parsers read a body of about the same size.
    /// </summary>
    public static readonly byte[] OpenAIImage = Encoding.UTF8.GetBytes("""
        {
          "created": 1777536000,
          "background": "opaque",
          "data": [
            {
              "url": "https://cdn.example.com/generations/user/image.png",
              "revised_prompt": "A perfume bottle on black marble"
            }
          ],
          "output_format": "png",
          "quality": "high",
          "size": "1024x1024",
          "usage": {
            "input_tokens": 50,
            "input_tokens_details": { "image_tokens": 0, "text_tokens": 50 },
            "output_tokens": 4160,
            "total_tokens": 4210
          }
        }
        """);

    private static string Queued(string status) => $$"""
        {
          "object": "image_generation",
          "id": "clx_generation_log_id",
          "status": "{{status}}",
          "model": "gpt-image-2",
          "aspect_ratio": "1:1",
          "quality": "1K",
          "created_at": "2026-04-30T08:00:00.000Z",
          "images": [],
          "usage": {
            "credits": 0,
            "credits_requested": 8
          },
          "poll_url": "https://www.gptimagehub.com/api/v1/generations/clx_generation_log_id"
        }
        """;
}
