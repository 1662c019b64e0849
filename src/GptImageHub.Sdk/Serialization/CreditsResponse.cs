namespace GptImageHub.Sdk.Serialization;

/// <summary>
/// The <c>/credits</c> answer, whose shape the provider does not print: the balance fields at the
/// top level (inherited from <see cref="CreditBalanceWire"/>, so each is named once), or a balance
/// object wrapped in <c>balance</c> or <c>data</c>.
/// </summary>
internal sealed class CreditsResponse : CreditBalanceWire
{
    public CreditBalance? Balance { get; set; }

    public CreditBalance? Data { get; set; }

    /// <summary>The balance at the top level if its credits are there, else the wrapped one, else none.</summary>
    public CreditBalance? ToCreditBalance() => Credits is not null ? ToRecord() : Balance ?? Data;
}
