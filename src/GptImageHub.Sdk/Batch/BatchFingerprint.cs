using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GptImageHub.Sdk.Http;

namespace GptImageHub.Sdk.Batch;

/// <summary>
/// A short hash of everything an item's request sends: the JSON body the SDK would post, and each
/// reference image's name, type and where it comes from (a path, or the bytes themselves). A key
/// rerun with another request gets another fingerprint, which the store refuses instead of
/// reporting the old key's result for the new request.
/// </summary>
internal static class BatchFingerprint
{
    public static string Of(ImageGenerationRequest request)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(GenerationRequestBody.Serialize(request, submitAsync: true));
        foreach (var image in request.ReferenceImages)
        {
            // A stream cannot be read twice, so it is named, not hashed; a path or bytes are exact.
            var source = image.Path ?? (image.Stream is not null ? "stream" : "bytes");
            hash.AppendData(Encoding.UTF8.GetBytes(string.Join("\n", "ref", image.FileName, image.ContentType ?? string.Empty, source)));
            if (image.Path is null && image.Stream is null)
            {
                hash.AppendData(image.Bytes.ToArray());
            }
        }

        var digest = hash.GetHashAndReset();
        var text = new StringBuilder(32);
        for (var i = 0; i < 16; i++)
        {
            text.Append(digest[i].ToString("x2", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
