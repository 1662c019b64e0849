namespace GptImageHub.Sdk.Batch.PostgreSql;

/// <summary>How a <see cref="PostgreSqlBatchStore"/> worker holds its lease and rides out database outages.</summary>
public sealed class PostgreSqlBatchStoreOptions
{
    /// <summary>How long a worker's lease lasts without a heartbeat before the other workers take its items over.</summary>
    /// <value>30 seconds. At least one second, and more than <see cref="HeartbeatInterval"/>.</value>
    /// <remarks>
    /// A shorter lease hands a dead worker's jobs over sooner; a longer one tolerates longer pauses (a stalled
    /// process, a network cut between a worker and the database) before a live worker's items are taken from it.
    /// </remarks>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a session renews its lease, in the background.</summary>
    /// <value>10 seconds. Positive and shorter than <see cref="LeaseDuration"/>; a third of it leaves room for two missed beats.</value>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two tries of a call that failed because the database could not be reached.</summary>
    /// <value>5 seconds. The first retry waits 50 milliseconds and each later one doubles, up to this.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A name for this worker in the <c>gih_batch_workers</c> table, for people reading it.</summary>
    /// <value>Null: the machine name and the process id, such as <c>host-1:4242</c>.</value>
    public string? WorkerName { get; set; }

    internal void Validate()
    {
        if (LeaseDuration < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(LeaseDuration), LeaseDuration, "The lease must last at least one second.");
        }

        if (HeartbeatInterval <= TimeSpan.Zero || HeartbeatInterval >= LeaseDuration)
        {
            throw new ArgumentOutOfRangeException(nameof(HeartbeatInterval), HeartbeatInterval, "The heartbeat interval must be positive and shorter than the lease.");
        }

        if (MaxRetryDelay <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetryDelay), MaxRetryDelay, "The retry delay must be positive.");
        }
    }

    internal PostgreSqlBatchStoreOptions Clone() => (PostgreSqlBatchStoreOptions)MemberwiseClone();
}
