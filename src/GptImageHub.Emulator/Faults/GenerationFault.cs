namespace GptImageHub.Emulator.Faults;

/// <summary>How an accepted generation should end instead of succeeding in full.</summary>
/// <param name="ImagesDelivered">The images the provider "returns"; zero means the generation fails.</param>
internal readonly record struct GenerationFault(int ImagesDelivered);
