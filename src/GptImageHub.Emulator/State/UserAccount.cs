namespace GptImageHub.Emulator.State;

/// <summary>A user of the emulated service; its balance is read and written only under the ledger's lock.</summary>
internal sealed class UserAccount(string id, long credits, string accountType)
{
    public string Id { get; } = id;

    public string AccountType { get; } = accountType;

    public long Credits { get; set; } = credits;

    /// <summary>Always null: the emulator's credits never expire, and the provider's example shows null.</summary>
    public DateTimeOffset? NextExpiration { get; init; }
}
