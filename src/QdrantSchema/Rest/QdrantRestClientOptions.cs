namespace QdrantSchema.Rest;

/// <summary>How <see cref="QdrantRestClient"/> reaches Qdrant's REST API and how hard it retries.</summary>
internal sealed class QdrantRestClientOptions
{
    /// <summary>Gets the REST base address, e.g. <c>http://localhost:6333</c> (a path prefix is kept).</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>Gets the API key sent as the <c>api-key</c> header, or null for none. Never logged or quoted.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Gets the limit of one attempt, including streaming the body.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets the limit of one call including every retry and wait.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Gets how many times a transient failure is retried (0: never).</summary>
    public int MaxRetryAttempts { get; init; } = 3;

    /// <summary>Gets the first backoff delay; it doubles each retry, with jitter.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets the handler to send through (TLS settings, test handlers); not disposed by the client. Null: a new <see cref="SocketsHttpHandler"/>.</summary>
    public HttpMessageHandler? Handler { get; init; }
}
