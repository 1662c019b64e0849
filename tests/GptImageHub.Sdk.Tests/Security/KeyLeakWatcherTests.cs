using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Security;

public sealed class KeyLeakWatcherTests
{
    [Fact]
    public void The_watcher_sees_exceptions_thrown_in_the_test_process()
    {
        var before = KeyLeakWatcher.Inspected;

        Assert.Throws<MissingApiKeyException>(void () => throw new MissingApiKeyException("no key"));

        Assert.True(KeyLeakWatcher.Inspected > before);
        Assert.DoesNotContain(KeyLeakWatcher.Found, leak => leak.Contains(TestKeys.ApiKey, StringComparison.Ordinal));
    }
}
