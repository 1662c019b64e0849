using System.Globalization;

namespace GptImageHub.Emulator.Faults;

/// <summary>The short words the request log, the admin API and the dashboard use for a fault, one wording for all three.</summary>
internal static class FaultDescriptions
{
    public static string Delay(TimeSpan delay) =>
        string.Create(CultureInfo.InvariantCulture, $"delay {delay.TotalMilliseconds:0} ms");

    public static string Response(ResponseFault fault) => fault.Drop switch
    {
        DropMoment.BeforeProcessing => "drop",
        DropMoment.AfterProcessing => "drop after processing",
        _ => string.Create(CultureInfo.InvariantCulture, $"status {fault.StatusCode}{(fault.AfterProcessing ? " after processing" : string.Empty)}"),
    };

    public static string Generation(GenerationFault fault) =>
        fault.ImagesDelivered == 0
            ? "generation fails"
            : string.Create(CultureInfo.InvariantCulture, $"delivers {fault.ImagesDelivered} image(s)");
}
