using System.Net;
using System.Net.Sockets;

namespace GptImageHub.Sdk.Tests.Infrastructure;

/// <summary>
/// A loopback port the system just handed out and took back: nothing listens there (a connection is refused) until
/// someone binds it (a server a test starts).
/// </summary>
internal static class LoopbackPort
{
    public static int Unused()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
