using Spectre.Console;

namespace GptImageHub.Cli.Output;

/// <summary>
/// The output for people: Spectre.Console for tables, colour and the live display, plain lines for
/// paths and ids so that they are never wrapped and can be copied whole.
/// </summary>
internal sealed class HumanOutput
{
    // Wide enough for the models table when the output goes to a file, where no terminal sets a width.
    private const int RedirectedWidth = 120;

    private HumanOutput(IAnsiConsole console)
    {
        Console = console;
    }

    public IAnsiConsole Console { get; }

    /// <summary>Whether a live display may redraw lines in place.</summary>
    public bool IsInteractive => Console.Profile.Capabilities.Interactive && Console.Profile.Capabilities.Ansi;

    /// <summary>
    /// Colours are off when the output is redirected or <c>NO_COLOR</c> is set (https://no-color.org);
    /// redirected output also gets no escape codes and no live display.
    /// </summary>
    public static HumanOutput Create(CliEnvironment environment)
    {
        var noColor = !string.IsNullOrEmpty(environment.GetVariable("NO_COLOR"));
        var redirected = environment.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(environment.Out),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected || noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Yes,

            // The default enrichers read the process environment; a run must depend on CliEnvironment only.
            Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
        });
        if (redirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return new HumanOutput(console);
    }

    /// <summary>Writes text as it is: no markup, no wrapping.</summary>
    public void Line(string text = "")
    {
        Console.Profile.Out.Writer.WriteLine(text);
        Console.Profile.Out.Writer.Flush();
    }

    /// <summary>Writes one line of Spectre markup; values inside must be escaped with <see cref="Markup.Escape"/>.</summary>
    public void Markup(string markup) => Console.MarkupLine(markup);
}
