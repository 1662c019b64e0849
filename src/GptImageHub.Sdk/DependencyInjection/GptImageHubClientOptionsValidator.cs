using Microsoft.Extensions.Options;

namespace GptImageHub.Sdk.DependencyInjection;

/// <summary>Checks the options' data annotations (<c>[Range]</c>, <c>[Required]</c>) with generated code, so validation needs no reflection.</summary>
[OptionsValidator]
internal sealed partial class GptImageHubClientOptionsValidator : IValidateOptions<GptImageHubClientOptions>
{
}
