namespace GptImageHub.Sdk.Tests.Infrastructure;

/// <summary>The provider's example bodies, verbatim from its documentation page.</summary>
internal static class SeedResponses
{
    public const string SyncSucceeded = """
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
        """;

    public const string AsyncQueued = """
        {
          "object": "image_generation",
          "id": "clx_generation_log_id",
          "status": "queued",
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

    public const string Error = """
        {
          "error": {
            "message": "Invalid request body",
            "code": "invalid_request"
          }
        }
        """;

    /// <summary>The seed's one model, in the house's snake_case shape (the page prints no JSON for it).</summary>
    public const string Models = """
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
        """;

    public static string Generation(string id, string status, string? extra = null) =>
        $$"""{"object":"image_generation","id":"{{id}}","status":"{{status}}","model":"gpt-image-2","images":[]{{(extra is null ? "" : "," + extra)}}}""";

    public static string Succeeded(string id) =>
        $$$"""{"object":"image_generation","id":"{{{id}}}","status":"succeeded","model":"gpt-image-2","images":[{"id":"img_1","object":"image","url":"https://cdn.example.com/{{{id}}}.png","created_at":"2026-04-30T08:00:00.000Z"}],"usage":{"credits":8}}""";
}
