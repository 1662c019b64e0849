using GptImageHub.Sdk.Extensions.AI;
using Microsoft.Extensions.AI;

namespace GptImageHub.Sdk.Tests.ExtensionsAI;

public sealed class ServiceAndLifetimeTests : ExtensionsAITestBase
{
    [Fact]
    public void Metadata_names_the_provider_the_base_address_and_the_default_model()
    {
        var metadata = Generator.GetService<ImageGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("gptimagehub", metadata.ProviderName);
        Assert.Equal(GptImageHubClientExtensions.ProviderName, metadata.ProviderName);
        Assert.Equal(Hub.BaseAddress, metadata.ProviderUri);
        Assert.Equal("gpt-image-2", metadata.DefaultModelId);
    }

    [Fact]
    public void Metadata_reports_the_chosen_default_model_or_none()
    {
        using var banana = Client.AsIImageGenerator("nanobanana");
        using var none = Client.AsIImageGenerator(null);

        Assert.Equal("nanobanana", banana.GetService<ImageGeneratorMetadata>()!.DefaultModelId);
        Assert.Null(none.GetService<ImageGeneratorMetadata>()!.DefaultModelId);
    }

    [Fact]
    public void The_default_model_comes_from_the_client_options_and_another_implementation_has_none()
    {
        using var configured = new GptImageHubClient(new GptImageHubClientOptions { BaseAddress = Hub.BaseAddress, DefaultModel = "nanobanana" });
        using var unset = new GptImageHubClient(new GptImageHubClientOptions { BaseAddress = Hub.BaseAddress, DefaultModel = null });

        Assert.Equal("nanobanana", configured.AsIImageGenerator().GetService<ImageGeneratorMetadata>()!.DefaultModelId);
        Assert.Null(unset.AsIImageGenerator().GetService<ImageGeneratorMetadata>()!.DefaultModelId);
        Assert.Null(new UnusedClient().AsIImageGenerator().GetService<ImageGeneratorMetadata>()!.DefaultModelId);
    }

    [Fact]
    public void Metadata_of_another_client_implementation_has_no_address()
    {
        using var generator = new UnusedClient().AsIImageGenerator();

        var metadata = generator.GetService<ImageGeneratorMetadata>()!;
        Assert.Null(metadata.ProviderUri);
        Assert.Equal("gptimagehub", metadata.ProviderName);
    }

    [Fact]
    public void GetService_returns_the_wrapped_client_under_its_interface_and_its_class()
    {
        Assert.Same(Client, Generator.GetService<IGptImageHubClient>());
        Assert.Same(Client, Generator.GetService<GptImageHubClient>());

        var other = new UnusedClient();
        using var generator = other.AsIImageGenerator();
        Assert.Same(other, generator.GetService<IGptImageHubClient>());
        Assert.Null(generator.GetService<GptImageHubClient>());
    }

    [Fact]
    public void GetService_returns_the_generator_for_its_own_types()
    {
        Assert.Same(Generator, Generator.GetService<IImageGenerator>());
        Assert.Same(Generator, Generator.GetService<IDisposable>());
        Assert.Same(Generator, Generator.GetService<object>());
        Assert.Equal("GptImageHubImageGenerator", Generator.GetType().Name);
        Assert.False(Generator.GetType().IsPublic);
    }

    [Fact]
    public void GetService_returns_null_for_unrelated_types_and_for_any_key()
    {
        Assert.Null(Generator.GetService<string>());
        Assert.Null(Generator.GetService<HttpClient>());
        Assert.Null(Generator.GetService(typeof(ImageGeneratorMetadata), "key"));
        Assert.Null(Generator.GetService(typeof(IGptImageHubClient), "key"));
        Assert.Null(Generator.GetService(typeof(IImageGenerator), serviceKey: 1));
        Assert.Throws<ArgumentNullException>(() => Generator.GetService(null!));
    }

    [Fact]
    public async Task Disposing_the_generator_leaves_the_client_usable()
    {
        var generator = Client.AsIImageGenerator();
        generator.Dispose();
        generator.Dispose();

        var response = await generator.GenerateImagesAsync("Still works", cancellationToken: Ct);
        Assert.Single(response.Contents);
        Assert.NotEmpty(await Client.GetModelsAsync(Ct));
    }

    [Fact]
    public void AsIImageGenerator_checks_its_arguments()
    {
        Assert.Throws<ArgumentNullException>(() => ((IGptImageHubClient)null!).AsIImageGenerator());
        Assert.Throws<ArgumentException>(() => Client.AsIImageGenerator(" "));
        Assert.Throws<ArgumentException>(() => Client.AsIImageGenerator(string.Empty));
    }

    [Fact]
    public void Entry_point_is_experimental_with_the_abstraction_id()
    {
        var attribute = Assert.Single(typeof(GptImageHubClientExtensions).GetCustomAttributes(typeof(System.Diagnostics.CodeAnalysis.ExperimentalAttribute), inherit: false));
        Assert.Equal("MEAI001", ((System.Diagnostics.CodeAnalysis.ExperimentalAttribute)attribute).DiagnosticId);
    }

    /// <summary>An implementation that is not <see cref="GptImageHubClient"/>, as a caller's mock would be.</summary>
    private sealed class UnusedClient : IGptImageHubClient
    {
        public Task<IReadOnlyList<ImageModel>> GetModelsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CreditBalance> GetCreditsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ImageGeneration> GenerateImageAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ImageGeneration> GetGenerationAsync(string generationId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ImageGeneration> WaitForGenerationAsync(string generationId, IProgress<ImageGeneration>? progress = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task DownloadImageAsync(GeneratedImage image, Stream destination, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
