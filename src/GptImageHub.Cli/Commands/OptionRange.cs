using System.CommandLine;
using System.Globalization;

namespace GptImageHub.Cli.Commands;

/// <summary>
/// Range checks for whole-number options. They read the token rather than the typed value, which
/// throws when the token is not a number: the parser already reports that one.
/// </summary>
internal static class OptionRange
{
    public static Option<T> Between<T>(this Option<T> option, long minimum, long maximum)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0
                && long.TryParse(result.Tokens[^1].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                && (value < minimum || value > maximum))
            {
                result.AddError(maximum == long.MaxValue
                    ? $"{option.Name} must be {minimum.ToString(CultureInfo.InvariantCulture)} or more."
                    : $"{option.Name} must be {minimum.ToString(CultureInfo.InvariantCulture)} to {maximum.ToString(CultureInfo.InvariantCulture)}.");
            }
        });
        return option;
    }
}
