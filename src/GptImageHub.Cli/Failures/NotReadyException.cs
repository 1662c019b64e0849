namespace GptImageHub.Cli.Failures;

/// <summary>A generation asked to be downloaded has not finished yet: exit code 1, with a hint to wait for it.</summary>
internal sealed class NotReadyException : Exception
{
    public NotReadyException()
    {
    }

    public NotReadyException(string message)
        : base(message)
    {
    }

    public NotReadyException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
