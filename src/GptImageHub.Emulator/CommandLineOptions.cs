using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace GptImageHub.Emulator;

/// <summary>The stand-alone program's flags.</summary>
internal sealed record CommandLineOptions(int Port, long Credits, TimeSpan QueueDelay, TimeSpan ProcessingDelay, int MaxRenderedSide, bool ShowHelp)
{
    public const int DefaultCredits = 1000;

    public const string Usage = """
        Usage: GptImageHub.Emulator [--port N] [--credits N] [--queue-delay MS] [--processing-delay MS] [--max-rendered-side PX]
          --port N              TCP port on 127.0.0.1 (default 0: a free port)
          --credits N           credits of the printed API key (default 1000)
          --queue-delay MS      milliseconds a generation stays queued (default 0)
          --processing-delay MS milliseconds a generation stays processing (default 0)
          --max-rendered-side PX longest side of a drawn PNG, 1 to 4096 (default 2048)
        """;

    public static bool TryParse(string[] args, [NotNullWhen(true)] out CommandLineOptions? options, [NotNullWhen(false)] out string? error)
    {
        var result = new CommandLineOptions(0, DefaultCredits, TimeSpan.Zero, TimeSpan.Zero, EmulatorOptions.DefaultMaxRenderedSide, false);
        options = null;
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            if (flag is "--help" or "-h" or "-?")
            {
                result = result with { ShowHelp = true };
                continue;
            }

            if (i + 1 >= args.Length || !long.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                error = $"{flag} needs a non-negative whole number.";
                return false;
            }

            i++;
            switch (flag)
            {
                case "--port" when value <= 65535:
                    result = result with { Port = (int)value };
                    break;
                case "--port":
                    error = "--port must be 0 to 65535.";
                    return false;
                case "--credits":
                    result = result with { Credits = value };
                    break;
                case "--queue-delay":
                    result = result with { QueueDelay = TimeSpan.FromMilliseconds(value) };
                    break;
                case "--processing-delay":
                    result = result with { ProcessingDelay = TimeSpan.FromMilliseconds(value) };
                    break;
                case "--max-rendered-side" when value is >= 1 and <= 4096:
                    result = result with { MaxRenderedSide = (int)value };
                    break;
                case "--max-rendered-side":
                    error = "--max-rendered-side must be 1 to 4096.";
                    return false;
                default:
                    error = $"Unknown option {flag}.";
                    return false;
            }
        }

        options = result;
        return true;
    }

    public EmulatorOptions ToEmulatorOptions() => new()
    {
        Port = Port,
        QueueDelay = QueueDelay,
        ProcessingDelay = ProcessingDelay,
        MaxRenderedSide = MaxRenderedSide,
    };
}
