using GptImageHub.Sdk.Http;

namespace GptImageHub.Sdk.Tests.Wire;

/// <summary>
/// The endpoints are resolved once per client; each must be exactly the URI that resolving the path
/// against the base address on every call gave, whatever the base address and the id.
/// </summary>
public sealed class ApiEndpointsTests
{
    public static TheoryData<string> BaseAddresses() =>
    [
        "https://www.gptimagehub.com/",
        "https://www.gptimagehub.com",
        "http://127.0.0.1:5000/",
        "http://[::1]:8080/",
        "https://proxy.example/gateway/v2/",
        "https://proxy.example/gateway/no-slash",
        "https://proxy.example/with%20space/",
        "https://bücher.example/",
    ];

    [Theory]
    [MemberData(nameof(BaseAddresses))]
    public void The_fixed_paths_are_the_base_address_resolved_against_each_path(string baseAddress)
    {
        var baseUri = new Uri(baseAddress);
        var endpoints = new ApiEndpoints(baseUri);

        Assert.Equal(new Uri(baseUri, "api/v1/models").AbsoluteUri, endpoints.Models.AbsoluteUri);
        Assert.Equal(new Uri(baseUri, "api/v1/credits").AbsoluteUri, endpoints.Credits.AbsoluteUri);
        Assert.Equal(new Uri(baseUri, "api/v1/images/generations").AbsoluteUri, endpoints.Generations.AbsoluteUri);
    }

    [Theory]
    [MemberData(nameof(BaseAddresses))]
    public void A_generation_path_is_what_resolving_the_escaped_id_per_call_gave(string baseAddress)
    {
        var baseUri = new Uri(baseAddress);
        var endpoints = new ApiEndpoints(baseUri);
        string[] ids = ["clx_generation_log_id", "../credits", "..", ".", "a b", "a/b?c#d", "%2F", "emoji-😀", "ünïcödé", "~_-.", "x%y"];

        foreach (var id in ids)
        {
            var expected = new Uri(baseUri, "api/v1/generations/" + Uri.EscapeDataString(id));
            var actual = endpoints.Generation(id);

            Assert.Equal(expected.AbsoluteUri, actual.AbsoluteUri);
            Assert.Equal(expected.PathAndQuery, actual.PathAndQuery);
        }
    }
}
