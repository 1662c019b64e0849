namespace GptImageHub.Cli.Failures;

/// <summary>A mistake in what the user asked for, found after parsing (a malformed URL, an unreadable config file): exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
