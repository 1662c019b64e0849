namespace GptImageHub.Cli.Failures;

/// <summary>The process exit codes gih documents; scripts branch on them, so they never change meaning.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>A local failure: a file that could not be written, a generation not finished yet, an unexpected error.</summary>
    public const int Failure = 1;

    /// <summary>Bad usage: an unknown option, a missing argument, a value out of range, a request the service called invalid.</summary>
    public const int Usage = 2;

    /// <summary>No API key, or the service refused it (missing, invalid, expired).</summary>
    public const int Auth = 3;

    /// <summary>The account has too few credits.</summary>
    public const int Credits = 4;

    /// <summary>No such generation for this key's owner.</summary>
    public const int NotFound = 5;

    /// <summary>The generation ended <c>failed</c>; the service refunds its credits.</summary>
    public const int GenerationFailed = 6;

    /// <summary>The wait gave up before the generation ended; it may still finish.</summary>
    public const int Timeout = 7;

    /// <summary>The service could not be reached.</summary>
    public const int Network = 8;

    /// <summary>Any other error the service answered with (5xx, 429, an unreadable response).</summary>
    public const int Service = 9;

    /// <summary>
    /// <c>gih batch</c> ended without a failure but not complete: some items were skipped (budget,
    /// unknown price) or are unknown (submitted, id never received, possibly charged).
    /// </summary>
    public const int Incomplete = 10;

    /// <summary>Cancelled by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    /// <summary>The codes in one line, for <c>gih --help</c>: a script's author finds them where they look first.</summary>
    public static string Summary { get; } =
        $"Exit codes: {Ok} done, {Failure} local error (a file not written, an unexpected error), {Usage} usage, {Auth} API key missing or refused, "
        + $"{Credits} not enough credits, {NotFound} no such generation, {GenerationFailed} generation failed (refunded), {Timeout} gave up waiting (the job may still finish), "
        + $"{Network} service unreachable, {Service} other service error, {Incomplete} batch items skipped or unknown, {Cancelled} Ctrl+C.";
}
