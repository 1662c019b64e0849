namespace GptImageHub.Sdk.Tests.Cli;

/// <summary>A StringWriter a test may read while the command still writes to it from another thread.</summary>
internal sealed class CapturedWriter : StringWriter
{
    private readonly Lock _gate = new();

    public CapturedWriter()
    {
        NewLine = "\n";
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            base.Write(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            base.Write(value);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_gate)
        {
            base.Write(buffer, index, count);
        }
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        lock (_gate)
        {
            base.Write(buffer);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_gate)
        {
            base.WriteLine(value);
        }
    }

    public override void WriteLine(ReadOnlySpan<char> buffer)
    {
        lock (_gate)
        {
            base.WriteLine(buffer);
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return base.ToString();
        }
    }
}
