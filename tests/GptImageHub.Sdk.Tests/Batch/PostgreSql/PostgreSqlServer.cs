using System.Diagnostics;
using GptImageHub.Sdk.Tests.Infrastructure;
using Npgsql;

namespace GptImageHub.Sdk.Tests.Batch.PostgreSql;

/// <summary>
/// A PostgreSQL server for the fleet store's tests: the one GIH_TEST_POSTGRES names, or else a throwaway
/// cluster made here (initdb and pg_ctl in a temporary folder, a free loopback port, its Unix socket in that
/// folder), run as <c>nobody</c> when the tests run as root since PostgreSQL refuses root, and deleted at
/// the end. Without either, the tests skip with the reason, or fail when GIH_REQUIRE_POSTGRES=1 (CI).
/// </summary>
public sealed class PostgreSqlServer : IAsyncLifetime
{
    private const string ConnectionVariable = "GIH_TEST_POSTGRES";
    private const string RequireVariable = "GIH_REQUIRE_POSTGRES";

    private string? _folder;
    private string? _bin;
    private int _port;
    private bool _asNobody;

    /// <summary>The server's connection string (database <c>postgres</c>), or null with <see cref="SkipReason"/>.</summary>
    public string? ConnectionString { get; private set; }

    /// <summary>Why there is no server.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>Whether the tests may stop and start the server (only one they made themselves).</summary>
    public bool CanRestart => _folder is not null;

    public async ValueTask InitializeAsync()
    {
        var given = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(given))
        {
            // The store waits through outages without end, so an unreachable server is found out here,
            // once, rather than as a hung test.
            try
            {
                await using var dataSource = NpgsqlDataSource.Create(given);
                await using var command = dataSource.CreateCommand("SELECT 1");
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await command.ExecuteScalarAsync(timeout.Token);
                ConnectionString = given;
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or ArgumentException)
            {
                SkipReason = $"no PostgreSQL server: {ConnectionVariable} names one that does not answer: {ex.Message}";
            }

            return;
        }

        _bin = FindBinaries();
        if (_bin is null)
        {
            SkipReason = $"no PostgreSQL server: {ConnectionVariable} is not set and no /usr/lib/postgresql/*/bin/initdb was found (apt-get install postgresql-15)";
            return;
        }

        _asNobody = Environment.UserName == "root";
        if (_asNobody && !File.Exists("/usr/sbin/runuser") && !File.Exists("/usr/bin/runuser"))
        {
            SkipReason = "no PostgreSQL server: running as root and runuser is missing, and PostgreSQL refuses to run as root";
            return;
        }

        _folder = Directory.CreateTempSubdirectory("gih-pg-").FullName;
        try
        {
            if (_asNobody)
            {
                await RunAsync("chown", ["nobody", _folder], asNobody: false);
            }

            await RunAsync(Path.Combine(_bin, "initdb"), ["-D", DataFolder, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"], _asNobody);
            _port = LoopbackPort.Unused();
            await StartAsync();
            ConnectionString = $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Timeout=5;Command Timeout=30";
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            SkipReason = $"no PostgreSQL server: the throwaway cluster did not start: {ex.Message}";
            await DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_folder is null)
        {
            return;
        }

        try
        {
            await RunAsync(Path.Combine(_bin!, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"], _asNobody, check: false);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
            }

            _folder = null;
        }
    }

    /// <summary>Skips the calling test (or fails it on CI) when there is no server.</summary>
    public void Require()
    {
        if (SkipReason is null)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
        {
            Assert.Fail($"{RequireVariable}=1 but {SkipReason}");
        }

        Assert.Skip(SkipReason);
    }

    /// <summary>Skips the calling test (or fails it on CI) when the server is not the tests' own.</summary>
    public void RequireRestartable()
    {
        Require();
        if (!CanRestart)
        {
            Assert.Skip($"the outage tests stop and start the server, which they do only to a server they made ({ConnectionVariable} gives one)");
        }
    }

    /// <summary>Stops the server at once (fast shutdown: open connections get 57P01 and are cut).</summary>
    public Task StopAsync() =>
        RunAsync(Path.Combine(_bin!, "pg_ctl"), ["-D", DataFolder, "-m", "fast", "-w", "stop"], _asNobody);

    /// <summary>Starts the server on its port, waiting until it accepts connections.</summary>
    public Task StartAsync() =>
        RunAsync(
            Path.Combine(_bin!, "pg_ctl"),
            [
                "-D", DataFolder, "-l", Path.Combine(_folder!, "server.log"), "-w", "-t", "60",
                // fsync off: a throwaway cluster need not survive a power cut, and the tests run faster.
                "-o", $"-p {_port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                "start",
            ],
            _asNobody);

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString!);
        await using var command = dataSource.CreateCommand($"CREATE DATABASE \"{name}\"");
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database <see cref="CreateDatabaseAsync"/> made, closing its connections.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        NpgsqlConnection.ClearAllPools();
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString!);
        await using var command = dataSource.CreateCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        await command.ExecuteNonQueryAsync();
    }

    private string DataFolder => Path.Combine(_folder!, "data");

    private static string? FindBinaries()
    {
        var preferred = "/usr/lib/postgresql/15/bin";
        if (File.Exists(Path.Combine(preferred, "initdb")))
        {
            return preferred;
        }

        if (!Directory.Exists("/usr/lib/postgresql"))
        {
            return null;
        }

        return Directory.GetDirectories("/usr/lib/postgresql")
            .Select(version => Path.Combine(version, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
            .OrderDescending(StringComparer.Ordinal)
            .FirstOrDefault();
    }


    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asNobody, bool check = true)
    {
        var start = new ProcessStartInfo(asNobody ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asNobody)
        {
            foreach (var argument in new[] { "-u", "nobody", "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error} {await output}");
        }
    }
}

/// <summary>The PostgreSQL tests share one server and run one at a time (the machine has two cores).</summary>
[CollectionDefinition(Name)]
public sealed class PostgreSqlTests : ICollectionFixture<PostgreSqlServer>
{
    public const string Name = "PostgreSql";

    /// <summary>
    /// A worker whose lease is long enough that a test suite loading both cores cannot starve its heartbeat into a
    /// false takeover; the options of every worker that is not meant to die.
    /// </summary>
    public static readonly GptImageHub.Sdk.Batch.PostgreSql.PostgreSqlBatchStoreOptions Steady = new()
    {
        LeaseDuration = TimeSpan.FromSeconds(20),
        HeartbeatInterval = TimeSpan.FromSeconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(500),
    };
}
