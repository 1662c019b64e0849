using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A gzip answer through the client's own handler (which decompresses): the cap applies to the
/// decompressed body, so a small compressed answer that inflates past MaxResponseBytes is refused
/// after reading just over the cap, and an honest one is read.
/// </summary>
public sealed class HostileCompressionTests
{
    [Theory]
    [InlineData(1_000, true)]
    [InlineData(16 * 1024 * 1024, false)]
    public async Task A_gzip_answer_is_held_to_the_cap_after_decompression(int padding, bool readable)
    {
        var json = Encoding.UTF8.GetBytes("""{"credits":112,"account_type":"PRO","pad":""" + "\"" + new string(' ', padding) + "\"}");
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(json);
        }

        var body = compressed.ToArray();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serving = ServeOnceAsync(listener, body);
        using var client = new GptImageHubClient(new GptImageHubClientOptions
        {
            ApiKey = TestKeys.ApiKey,
            BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/"),
            MaxRetries = 0,
            MaxResponseBytes = 1024 * 1024,
        });

        if (readable)
        {
            Assert.Equal(112, (await client.GetCreditsAsync(TestContext.Current.CancellationToken)).Credits);
        }
        else
        {
            Assert.True(body.Length < 1024 * 1024, "the compressed answer is under the cap");
            var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));
            Assert.Contains("larger than MaxResponseBytes (1048576 bytes)", ex.Message, StringComparison.Ordinal);
        }

        listener.Stop();
        await Task.WhenAny(serving, Task.Delay(2000, TestContext.Current.CancellationToken));
    }

    private static async Task ServeOnceAsync(TcpListener listener, byte[] body)
    {
        try
        {
            using var socket = await listener.AcceptSocketAsync();
            using var stream = new NetworkStream(socket);
            var head = new StringBuilder();
            var one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
            {
                head.Append((char)one[0]);
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
            await stream.WriteAsync(body);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The client stops reading an answer over the cap and closes the connection.
        }
    }
}
