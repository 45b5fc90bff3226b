using QdrantSchema.Internal;

namespace QdrantSchema.Snapshots;

/// <summary>
/// How <see cref="QdrantSnapshotManager"/> reaches Qdrant's REST API, which it needs because download, recover and upload
/// exist only over REST (QDRANT.md §8.1). Create, list and delete use the gRPC client given to the manager.
/// </summary>
public sealed class QdrantSnapshotOptions
{
    /// <summary>The default history collection, never snapshotted or restored along with user data.</summary>
    public const string DefaultHistoryCollection = "__qdrant_schema";

    /// <summary>
    /// Gets or sets Qdrant's REST base address, e.g. <c>http://localhost:6333</c> or <c>https://qdrant.example:6333</c>
    /// (a path prefix behind a proxy is kept). Required.
    /// </summary>
    public Uri? RestBaseAddress { get; set; }

    /// <summary>
    /// Gets or sets the API key, sent as the <c>api-key</c> header (the same key as the gRPC client's; recover and upload
    /// need a read-write key). Never logged and never part of an exception message. Default: none.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets the time limit of one REST attempt, including streaming a snapshot's body. Default: 10 minutes; raise it
    /// for very large snapshots or slow links.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the time limit of one REST call including all retries and waits. Default: 30 minutes.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Gets or sets how many times a transient REST failure (connection error, timeout, 408, 429, 5xx other than 501 and
    /// 507) is retried. Default: 3; 0 turns retries off.
    /// </summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>
    /// Gets or sets the first retry delay; later ones double, with jitter, up to 30 seconds. A <c>Retry-After</c> header
    /// wins. Default: 1 second.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the handler REST requests go through: TLS settings (client certificates, a custom CA), a proxy, or
    /// an in-process test server. It is not disposed by the manager. Default: a new <see cref="SocketsHttpHandler"/>
    /// that trusts the system's certificate store.
    /// </summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>
    /// Gets or sets the server's snapshots directory as the <em>server</em> sees it (Qdrant's <c>storage.snapshots_path</c>,
    /// made absolute; <c>/qdrant/snapshots</c> in the official image). Qdrant recovers from <c>file://</c> URLs only
    /// inside it, so restoring a server-side snapshot by name needs it. When it is not set, such a restore downloads the
    /// snapshot (verified) and uploads it instead. Default: not set.
    /// </summary>
    public string? ServerSnapshotsPath { get; set; }

    /// <summary>
    /// Gets or sets the migration history collection. It is never captured with user data, and restoring into it is
    /// refused. Default: <c>__qdrant_schema</c>.
    /// </summary>
    public string HistoryCollection { get; set; } = DefaultHistoryCollection;

    internal QdrantSnapshotOptions Clone() => (QdrantSnapshotOptions)MemberwiseClone();

    /// <summary>Requires <see cref="RestBaseAddress"/> (the public manager needs it; the migrator, which only creates, lists and deletes over gRPC, does not).</summary>
    internal void ValidateRestAddressSet()
    {
        if (RestBaseAddress is null)
        {
            throw new ArgumentException("QdrantSnapshotOptions.RestBaseAddress must be set to Qdrant's REST address, e.g. http://localhost:6333.", nameof(RestBaseAddress));
        }
    }

    /// <summary>Checks every option; a missing <see cref="RestBaseAddress"/> is checked by <see cref="ValidateRestAddressSet"/>.</summary>
    internal void Validate()
    {

        if (RestBaseAddress is not null && (!RestBaseAddress.IsAbsoluteUri || (RestBaseAddress.Scheme != Uri.UriSchemeHttp && RestBaseAddress.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException("QdrantSnapshotOptions.RestBaseAddress must be an absolute http:// or https:// address.", nameof(RestBaseAddress));
        }

        // Polly's timeout strategy accepts 10 ms .. 24 h.
        if (Timeout < TimeSpan.FromMilliseconds(10) || Timeout > TimeSpan.FromHours(24))
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "QdrantSnapshotOptions.Timeout must be between 10 ms and 24 h (default 10 minutes).");
        }

        if (TotalTimeout < Timeout || TotalTimeout > TimeSpan.FromHours(24))
        {
            throw new ArgumentOutOfRangeException(nameof(TotalTimeout), TotalTimeout, "QdrantSnapshotOptions.TotalTimeout must be at least Timeout and at most 24 h (default 30 minutes).");
        }

        if (MaxRetryAttempts is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetryAttempts), MaxRetryAttempts, "QdrantSnapshotOptions.MaxRetryAttempts must be between 0 and 100 (default 3).");
        }

        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), RetryDelay, "QdrantSnapshotOptions.RetryDelay must be between 0 and 1 minute (default 1 second).");
        }

        if (ServerSnapshotsPath is { } path && !(path.StartsWith('/') || (path.Length >= 3 && char.IsAsciiLetter(path[0]) && path[1] == ':' && path[2] is '\\' or '/')))
        {
            throw new ArgumentException(
                $"QdrantSnapshotOptions.ServerSnapshotsPath '{path}' must be an absolute path on the server (Qdrant recovers only from absolute file:// paths).",
                nameof(ServerSnapshotsPath));
        }

        if (HistoryCollection is null || QdrantNames.CollectionNameProblem(HistoryCollection) is not null)
        {
            throw new ArgumentException($"QdrantSnapshotOptions.HistoryCollection must be a valid collection name (default \"{DefaultHistoryCollection}\").", nameof(HistoryCollection));
        }
    }
}
