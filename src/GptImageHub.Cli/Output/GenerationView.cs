using System.Globalization;
using GptImageHub.Sdk;
using Spectre.Console;

namespace GptImageHub.Cli.Output;

/// <summary>How a generation reads for people: its fields, then its images as whole, copyable lines.</summary>
internal static class GenerationView
{
    /// <summary>The fields, then the image addresses with the run's key, <paramref name="apiKey"/>, masked in them.</summary>
    public static void WriteDetails(HumanOutput output, ImageGeneration generation, string? apiKey)
    {
        output.Line($"Generation    {generation.Id}");
        output.Markup($"Status        {StatusMarkup(generation.Status)}");
        WriteField(output, "Model", generation.Model);
        WriteField(output, "Aspect ratio", generation.AspectRatio);
        WriteField(output, "Quality", generation.Quality);
        WriteField(output, "Created", generation.CreatedAt?.ToString("u", CultureInfo.InvariantCulture));
        WriteField(output, "Credits", DescribeCredits(generation.Usage));
        output.Line($"Images        {generation.Images.Count.ToString(CultureInfo.InvariantCulture)}");
        foreach (var image in generation.Images)
        {
            output.Line("  " + Failures.KeyMask.ApplyToAddress(image.Url.ToString(), apiKey));
        }
    }

    /// <summary>"Generation X succeeded: 2 images, 16 credits."</summary>
    public static void WriteOutcome(HumanOutput output, ImageGeneration generation, string? timing)
    {
        var images = generation.Images.Count == 1 ? "1 image" : generation.Images.Count.ToString(CultureInfo.InvariantCulture) + " images";
        var credits = generation.Usage is { } usage ? $", {usage.Credits.ToString(CultureInfo.InvariantCulture)} credits" : string.Empty;
        var after = timing is null ? string.Empty : $" after {timing}";
        output.Markup($"Generation {Markup.Escape(generation.Id)} {StatusMarkup(generation.Status)}{Markup.Escape(after)}: {images}{credits}.");
    }

    public static void WriteSavedFiles(HumanOutput output, IReadOnlyList<string> files)
    {
        output.Line(files.Count == 1 ? "Saved 1 file:" : $"Saved {files.Count.ToString(CultureInfo.InvariantCulture)} files:");
        foreach (var file in files)
        {
            output.Line("  " + file);
        }
    }

    /// <summary>The image addresses, one a line, with the run's key, <paramref name="apiKey"/>, masked in them.</summary>
    public static void WriteImageUrls(HumanOutput output, ImageGeneration generation, string? apiKey)
    {
        foreach (var image in generation.Images)
        {
            output.Line("  " + Failures.KeyMask.ApplyToAddress(image.Url.ToString(), apiKey));
        }
    }

    public static string StatusMarkup(GenerationStatus status)
    {
        var color = status == GenerationStatus.Succeeded ? "green" : status == GenerationStatus.Failed ? "red" : "yellow";
        return $"[{color}]{Markup.Escape(status.ToString())}[/]";
    }

    private static void WriteField(HumanOutput output, string label, string? value) =>
        output.Line($"{label,-13} {(string.IsNullOrEmpty(value) ? "-" : value)}");

    private static string? DescribeCredits(GenerationUsage? usage) => usage switch
    {
        null => null,
        { CreditsRequested: { } requested } => string.Format(CultureInfo.InvariantCulture, "{0} ({1} held)", usage.Credits, requested),
        _ => usage.Credits.ToString(CultureInfo.InvariantCulture),
    };
}
