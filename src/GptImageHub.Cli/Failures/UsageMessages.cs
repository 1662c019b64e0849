using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace GptImageHub.Cli.Failures;

/// <summary>
/// The parser's complaints in the user's words: no .NET type names, and a mistyped option is
/// named as such (with the closest real one) instead of being taken as a prompt, an id or a file.
/// </summary>
internal static partial class UsageMessages
{
    /// <summary>Rewrites one parser error; the parser's own text when it is already plain.</summary>
    public static string Rewrite(string message)
    {
        var match = CannotParse().Match(message);
        if (!match.Success)
        {
            return message;
        }

        var type = match.Groups["type"].Value;
        var expected = type.Contains("Int32", StringComparison.Ordinal) || type.Contains("Int64", StringComparison.Ordinal) ? "a whole number"
            : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
            : type.Contains("Double", StringComparison.Ordinal) || type.Contains("Decimal", StringComparison.Ordinal) ? "a number"
            : "a valid value";
        return $"{match.Groups["name"].Value} expects {expected}, not '{match.Groups["value"].Value}'.";
    }

    /// <summary>
    /// A word that starts with <c>-</c> but is no option of the command, which the parser took as
    /// the command's argument (the prompt, the id, the file): the message that names it, or null.
    /// Words after <c>--</c> are arguments, so a prompt that starts with <c>-</c> goes there.
    /// </summary>
    public static string? UnknownOption(ParseResult parseResult, string commandName)
    {
        var tokens = parseResult.Tokens;
        var doubleDash = -1;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Type == TokenType.DoubleDash)
            {
                doubleDash = i;
                break;
            }
        }

        foreach (var argument in parseResult.CommandResult.Children.OfType<ArgumentResult>())
        {
            foreach (var token in argument.Tokens)
            {
                if (token.Value.Length < 2 || token.Value[0] != '-' || double.TryParse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    continue;
                }

                var index = IndexOf(tokens, token);
                if (doubleDash >= 0 && (index < 0 || index > doubleDash))
                {
                    continue;
                }

                var command = parseResult.CommandResult.Command;
                var article = "aeiou".Contains(argument.Argument.Name[0], StringComparison.Ordinal) ? "An" : "A";
                return Unknown(token.Value, command, commandName)
                    + $" {article} {argument.Argument.Name} that starts with '-' goes after '--': {Typed(command, commandName)} -- \"{token.Value}\".";
            }
        }

        // A mistyped command ("gih generat") names the closest one; the options after it are then unmatched too, and say nothing.
        if (parseResult.CommandResult.Command is { } root && !root.Parents.Any() && parseResult.UnmatchedTokens.Count > 0
            && parseResult.UnmatchedTokens[0] is { Length: > 0 } first && first[0] != '-')
        {
            var meant = root.Subcommands.Select(c => (c.Name, Distance: Distance(first, c.Name))).Where(c => c.Distance <= 2).OrderBy(c => c.Distance).Select(c => c.Name).FirstOrDefault();
            return $"Unknown command '{first}'" + (meant is null ? "." : $" (did you mean {meant}?).");
        }

        // A command without an argument (models, credits) leaves the word unmatched rather than taking it: named the same
        // way, with the closest real option, rather than the parser's "Unrecognized command or argument".
        foreach (var word in parseResult.UnmatchedTokens)
        {
            var index = IndexOf(tokens, word);
            if (word.Length < 2 || word[0] != '-' || (doubleDash >= 0 && (index < 0 || index > doubleDash))
                || double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            return Unknown(word, parseResult.CommandResult.Command, commandName);
        }

        return null;
    }

    /// <summary>Whether a parser error is one <see cref="UnknownOption"/> explains: an unmatched word, which the unknown option left or is.</summary>
    public static bool IsExplainedByUnknownOption(string message) =>
        message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal)
        || message.StartsWith("Required command was not provided", StringComparison.Ordinal);

    /// <summary>
    /// How to type a command: the program's name and every command from the root's child down
    /// (<c>gih batch status</c>, not <c>gih status</c>).
    /// </summary>
    public static string Typed(Command command, string commandName)
    {
        var names = new List<string>();
        for (var current = command; current is not null && current.Parents.Any(); current = current.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, current.Name);
        }

        return names.Count == 0 ? commandName : commandName + " " + string.Join(" ", names);
    }

    private static string Unknown(string word, Command command, string commandName)
    {
        var suggestion = Closest(word, command);
        var name = Typed(command, commandName);
        return $"Unknown option '{word}' for '{name}'" + (suggestion is null ? "." : $" (did you mean {suggestion}?).");
    }

    private static int IndexOf(IReadOnlyList<Token> tokens, string word)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if (string.Equals(tokens[i].Value, word, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOf(IReadOnlyList<Token> tokens, Token token)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if (ReferenceEquals(tokens[i], token))
            {
                return i;
            }
        }

        return -1;
    }

    private static string? Closest(string word, Command command)
    {
        var name = word.Split('=', 2)[0];
        return command.Options
            .Concat(command.Parents.OfType<Command>().SelectMany(p => p.Options.Where(o => o.Recursive)))
            .SelectMany(o => o.Aliases.Prepend(o.Name))
            .Where(o => o.StartsWith("--", StringComparison.Ordinal))
            .Select(o => (Name: o, Distance: Distance(name, o)))
            .Where(c => c.Distance <= 2)
            .OrderBy(c => c.Distance)
            .Select(c => c.Name)
            .FirstOrDefault();
    }

    private static int Distance(string a, string b)
    {
        // Optimal string alignment distance: a swap of two neighbours ("wiat") counts as one edit.
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?:option|argument) '(?<name>[^']*)' as expected type '(?<type>[^']*)'")]
    private static partial Regex CannotParse();
}
