using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using Npgsql;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A PostgreSQL worker's "submitting" record commits, but the connection is cut before its answer, and the outage
/// outlasts the worker's lease: another worker takes it for dead and turns the item unknown ("WorkerLost, it may have
/// been charged"). The worker's retry of the same statement found the item unknown and answered claim lost: no POST was
/// ever made, yet the worker reported that "another worker holds this item now ... it is that worker's to post" (none
/// does), and the store kept it unknown, possibly charged, never posted again, its reservation counted spent against
/// the fleet's budget. Running a statement again after a lost answer must change nothing the first run did.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostilePostgreSqlLostBeginAnswerTests(PostgreSqlServer server)
    : PostgreSqlEmulatorTestBase(server, TimeSpan.FromMilliseconds(50), ShortLease)
{
    [Fact]
    public async Task A_submit_record_whose_answer_was_lost_while_another_worker_took_the_item_over_is_posted_once_and_its_budget_kept()
    {
        Server.Require();
        var name = $"hostile-lost-begin-{Guid.NewGuid():N}";
        using var client = NewClient(credits: 1000);
        var item = Items(1, "lost-begin")[0];
        await using var takerStore = Store(name);
        await using var taker = await takerStore.OpenAsync(new BatchRunSettings { CreditBudget = 1000 }, Ct);
        await using var proxy = new CuttingProxy(new NpgsqlConnectionStringBuilder(Server.ConnectionString!));
        await using var cutStore = new PostgreSqlBatchStore(proxy.ConnectionString, name, Lease);
        BatchStoreSession? worker = null;
        var store = new ArmingStore(cutStore, session => { worker = session; proxy.Armed = true; });

        // The begin's answer is cut; the outage outlasts the lease, and the other worker takes this one for dead.
        proxy.Meanwhile = async () =>
        {
            var lapsed = (PostgreSqlBatchSession)worker!;
            await SetLeaseAsync(lapsed.WorkerId, "'-infinity'");
            for (var deadline = DateTime.UtcNow + RunBound; DateTime.UtcNow < deadline && await StateAsync(name, item.Key) != "unknown"; await Task.Delay(100, Ct))
            {
                _ = await taker.ClaimAsync(1, Ct);
            }

            Assert.Equal("unknown", await StateAsync(name, item.Key));

            // The connection comes back, and so does the worker's lease.
            await SetLeaseAsync(lapsed.WorkerId, "now() + interval '1 hour'");
        };

        var results = await CollectAsync(client.GenerateBatchAsync([item], new BatchOptions { Store = store, CreditBudget = 1000, MaxConcurrency = 1 }, Ct)).WaitAsync(RunBound, Ct);

        Assert.True(proxy.Cut, "the begin's answer was never cut");
        var result = Assert.Single(results);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(item.Request.Prompt));
        Assert.Equal(BatchItemStatus.Succeeded, result.Status);
        Assert.Equal("succeeded", await StateAsync(name, item.Key));

        // Spent: the job's credits once, nothing left reserved.
        var status = await takerStore.GetStatusAsync(Ct);
        Assert.Equal(0, status.CreditsReserved);
        Assert.Equal(result.Generation!.Usage!.Credits, status.CreditsSpent);
    }

    private async Task<string> StateAsync(string name, string key)
    {
        await using var dataSource = NpgsqlDataSource.Create(Server.ConnectionString!);
        await using var command = dataSource.CreateCommand("SELECT state FROM gih_batch_items WHERE batch_name = $1 AND key = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        return (string)(await command.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>Forwards to a store's session, and arms the proxy just before the submit record.</summary>
    private sealed class ArmingStore(BatchStore inner, Action<BatchStoreSession> arm) : ForwardingBatchStore(inner)
    {
        protected override BatchStoreSession Wrap(BatchStoreSession session) => new Session(session, arm);

        private sealed class Session(BatchStoreSession inner, Action<BatchStoreSession> arm) : ForwardingBatchSession(inner)
        {
            public override ValueTask<BatchSubmitStart> BeginSubmitAsync(string key, long? credits, CancellationToken cancellationToken)
            {
                arm(Inner);
                return Inner.BeginSubmitAsync(key, credits, cancellationToken);
            }
        }
    }

    /// <summary>
    /// A loopback proxy to PostgreSQL. Armed, it drops the first connection whose server sends a data row (the answer of
    /// a statement that has committed already), runs <see cref="Meanwhile"/>, and only then lets connections through again.
    /// </summary>
    private sealed class CuttingProxy : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly string _host;
        private readonly int _port;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;
        private readonly SemaphoreSlim _open = new(1, 1);
        private readonly System.Collections.Concurrent.ConcurrentDictionary<TcpClient, TcpClient> _pipes = new();
        private int _cut;

        public CuttingProxy(NpgsqlConnectionStringBuilder target)
        {
            _host = target.Host!;
            _port = target.Port;
            _listener.Start();
            ConnectionString = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Host = "127.0.0.1", Port = ((IPEndPoint)_listener.LocalEndpoint).Port, SslMode = SslMode.Disable }.ConnectionString;
            _accepting = AcceptAsync();
        }

        public string ConnectionString { get; }

        public volatile bool Armed;

        public Func<Task> Meanwhile { get; set; } = () => Task.CompletedTask;

        public bool Cut => Volatile.Read(ref _cut) == 1;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var accepted = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = Task.Run(() => PipeAsync(accepted));
            }
        }

        private async Task PipeAsync(TcpClient accepted)
        {
            using var front = accepted;
            using var back = new TcpClient();
            _pipes[front] = back;
            try
            {
                // Held while the cut's "meanwhile" runs: the outage lasts until it is done.
                await _open.WaitAsync(_stop.Token);
                _open.Release();
                await back.ConnectAsync(_host, _port, _stop.Token);
                var up = front.GetStream().CopyToAsync(back.GetStream(), _stop.Token);
                var down = DownAsync(back.GetStream(), front.GetStream());
                await Task.WhenAny(up, down);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
            finally
            {
                _pipes.TryRemove(front, out _);
            }
        }

        /// <summary>Forwards the server's messages; armed, the first data row closes both ends instead.</summary>
        private async Task DownAsync(Stream server, Stream client)
        {
            var header = new byte[5];
            while (true)
            {
                await server.ReadExactlyAsync(header, _stop.Token);
                var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)) - 4];
                await server.ReadExactlyAsync(body, _stop.Token);
                if (header[0] == (byte)'D' && Armed && Interlocked.CompareExchange(ref _cut, 1, 0) == 0)
                {
                    Armed = false;
                    await _open.WaitAsync(_stop.Token);
                    try
                    {
                        // The whole database is out: every connection goes, and none comes back until the outage ends.
                        client.Close();
                        server.Close();
                        foreach (var (front, back) in _pipes)
                        {
                            front.Close();
                            back.Close();
                        }

                        await Meanwhile();
                    }
                    finally
                    {
                        _open.Release();
                    }

                    return;
                }

                await client.WriteAsync(header, _stop.Token);
                await client.WriteAsync(body, _stop.Token);
            }
        }
    }
}
