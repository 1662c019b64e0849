using System.Net;

namespace GptImageHub.Sdk.Http;

/// <summary>A parsed answer and the status it came with.</summary>
internal readonly record struct ApiResponse<T>(T Value, HttpStatusCode StatusCode);
