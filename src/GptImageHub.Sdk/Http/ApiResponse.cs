using System.Net;

namespace GptImageHub.Sdk.Http;

/// <summary>A parsed response and the headers the callers act on.</summary>
internal readonly record struct ApiResponse<T>(T Value, HttpStatusCode StatusCode, TimeSpan? RetryAfter);
