namespace GptImageHub.Sdk;

/// <summary>
/// Settings for <see cref="GptImageHubClient"/>. The client copies them when it is created. Each
/// property's documentation gives its bounds; the client's constructor and <c>AddGptImageHub</c>'s
/// start-up validation check them all and report every setting out of range at once.
/// </summary>
public sealed class GptImageHubClientOptions
{
    /// <summary>
    /// The configuration values <c>AddGptImageHub(section)</c> could not convert, by path (never by value), reported with
    /// the other settings' failures when the host starts; null when bound from code.
    /// </summary>
    internal List<string>? BindingFailures { get; set; }

    /// <summary>
    /// Where the registration that made these options takes the key from, as messages name it: the configuration path
    /// (<c>GptImageHub:ApiKey</c>) for <c>AddGptImageHub(section)</c>, the delegate for <c>AddGptImageHub(o => ...)</c>;
    /// null for options built in code (<see cref="ApiKey"/> is named then).
    /// </summary>
    internal string? ApiKeySetting { get; set; }

    /// <summary>The environment variable read when <see cref="ApiKey"/> is not set.</summary>
    public const string ApiKeyEnvironmentVariable = "GPTIMAGEHUB_API_KEY";

    /// <summary>The environment variable read when <see cref="BaseAddress"/> is not set, such as <c>http://127.0.0.1:5000/</c> for the local emulator.</summary>
    public const string BaseAddressEnvironmentVariable = "GPTIMAGEHUB_BASE_URL";

    /// <summary>The public service's address.</summary>
    public static Uri DefaultBaseAddress { get; } = new("https://www.gptimagehub.com/");

    /// <summary>The API key (<c>gih_live_...</c>), sent as a bearer token to the API origin only.</summary>
    /// <value>
    /// The default is null, which reads <c>GPTIMAGEHUB_API_KEY</c>. <see cref="IGptImageHubClient.GetModelsAsync"/> needs no key.
    /// Printable ASCII without spaces, at most 256 characters, not wrapped in quotes (surrounding white space is trimmed);
    /// anything else is refused when the client is made, without the key in the message.
    /// </value>
    public string? ApiKey { get; set; }

    /// <summary>The service's address; a self-hosted deployment or the local emulator has its own.</summary>
    /// <value>
    /// The default is null, which reads <c>GPTIMAGEHUB_BASE_URL</c>, else uses <see cref="DefaultBaseAddress"/>
    /// (<c>https://www.gptimagehub.com/</c>). Plain <c>http://</c> is accepted only for loopback addresses unless <see cref="AllowInsecureHttp"/> is set.
    /// </value>
    public Uri? BaseAddress { get; set; }

    /// <summary>How <see cref="IGptImageHubClient.GenerateImageAsync"/> waits for the images.</summary>
    /// <value>The default is <see cref="GenerationMode.Polling"/>.</value>
    public GenerationMode GenerationMode { get; set; } = GenerationMode.Polling;

    /// <summary>The time limit of one ordinary call (models, credits, a poll, a submit, a download), from send to the last byte read.</summary>
    /// <value>
    /// The default is 100 seconds. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> turns the limit off.
    /// A submit with reference images gets one more second per megabyte uploaded.
    /// </value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The time limit of a generation in <see cref="GenerationMode.ServerWait"/> mode.</summary>
    /// <value>The default is 900 seconds: the service may hold the request for 800 s. Positive, or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>.</value>
    public TimeSpan ServerWaitTimeout { get; set; } = TimeSpan.FromSeconds(900);

    /// <summary>How many times a call that is safe to repeat is retried after a transient failure.</summary>
    /// <value>
    /// The default is 3; between 0 and 10. 0 turns the SDK's retries off (do that when your own <c>HttpClient</c> handlers retry).
    /// Every GET is retried on connection failures, timeouts, 408, 429, 500 without <c>generationFailed</c>,
    /// 502, 503 and 504. A generation submit is retried only when it cannot have reached the service
    /// (connection refused, name resolution failure) or on 429: never after a timeout, a reset or a 5xx.
    /// </value>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The largest JSON response the SDK reads; a larger one is refused with <see cref="InvalidResponseException"/> before it fills memory.</summary>
    /// <value>The default is 4 MiB, hundreds of times the largest documented answer. At least 1 KiB.</value>
    public long MaxResponseBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The most a single generation request may cost. A request whose estimate is higher, or cannot be estimated, is refused with <see cref="CreditLimitExceededException"/> before it is sent.</summary>
    /// <value>The default is null: no limit. Not negative. Estimates read the cached <c>/models</c> price list.</value>
    public long? MaxCreditsPerRequest { get; set; }

    /// <summary>Whether every generation first reads <c>/credits</c> and refuses, with <see cref="InsufficientCreditsException"/>, a request whose estimate is above the balance.</summary>
    /// <value>The default is <see langword="false"/>: the service checks the balance itself; this saves the upload of large reference images that would be refused.</value>
    public bool CheckBalanceBeforeSubmit { get; set; }

    /// <summary>How long a <c>/models</c> answer is reused for estimates and reference-image limits.</summary>
    /// <value>The default is 10 minutes. Not negative; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> keeps the list for the client's lifetime.</value>
    public TimeSpan ModelCacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The model used by features that generate without naming one: <c>AsIImageGenerator()</c> in
    /// GptImageHub.Sdk.Extensions.AI, and <c>gih generate</c> / <c>gih batch</c> without <c>--model</c> when
    /// neither <c>GPTIMAGEHUB_DEFAULT_MODEL</c> nor the gih config file's <c>defaultModel</c> names one.
    /// Set it in code or configuration (<c>GptImageHub:DefaultModel</c>) to pin the model your
    /// application uses; callers never compile a model id in.
    /// </summary>
    /// <value>
    /// The default is <c>gpt-image-2</c>, the service's general-purpose model when this version was
    /// released. Null makes every such caller name a model. Not empty or white space.
    /// </value>
    public string? DefaultModel { get; set; } = "gpt-image-2";

    /// <summary>How waits poll a generation job.</summary>
    /// <value>The defaults of <see cref="PollingOptions"/>.</value>
    public PollingOptions Polling { get; set; } = new();

    /// <summary>Whether a non-loopback <c>http://</c> <see cref="BaseAddress"/> is accepted, which sends the key in clear text.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>The clock every delay and timeout runs on; tests pass a fake one.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Describes the settings without the key.</summary>
    /// <remarks>
    /// The address without its user info, query and fragment (which the client refuses, and where a key pasted into the
    /// address would be), and with the key masked if it is written in the rest.
    /// </remarks>
    public override string ToString() =>
        $"GptImageHubClientOptions {{ BaseAddress = {(BaseAddress is null ? "(not set)" : Errors.SecretRedaction.ShownAddress(BaseAddress, ApiKey))}, ApiKey = {(string.IsNullOrEmpty(ApiKey) ? "(not set)" : "(set)")}, GenerationMode = {GenerationMode} }}";
}
