using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using QdrantSchema.Snapshots;

namespace QdrantSchema.Rest;

/// <summary>
/// The REST client's resilience pipeline (Polly v8), outermost first: a total time budget, retries of transient
/// failures with exponential backoff and jitter (honouring <c>Retry-After</c>), and a per-attempt timeout.
/// </summary>
internal static class RestResilience
{
    /// <summary>The longest wait between two attempts, whatever the backoff or <c>Retry-After</c> says.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>The operation name ("download snapshot", …) for retry logs.</summary>
    public static readonly ResiliencePropertyKey<string> OperationKey = new("qdrant_schema.rest.operation");

    /// <summary>The collection the call is about, for retry logs.</summary>
    public static readonly ResiliencePropertyKey<string> CollectionKey = new("qdrant_schema.rest.collection");

    public static ResiliencePipeline<HttpResponseMessage> Create(QdrantRestClientOptions options, ILogger logger, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        builder.AddTimeout(options.TotalTimeout);
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                MaxDelay = MaxDelay,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time)),
                OnRetry = args =>
                {
                    var reason = args.Outcome.Result is { } response
                        ? $"HTTP {(int)response.StatusCode}"
                        : args.Outcome.Exception?.GetType().Name ?? "a transient failure";
                    logger.RestRetrying(
                        args.Context.Properties.GetValue(OperationKey, "REST call"),
                        args.Context.Properties.GetValue(CollectionKey, string.Empty),
                        reason,
                        args.AttemptNumber + 1,
                        args.RetryDelay.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    /// <summary>
    /// Transient: a connection failure, a body cut short, an attempt timing out, 408, 429, and 5xx except 501 (Qdrant's
    /// "not implemented") and 507 (Qdrant's <c>Insufficient storage</c>: waiting does not free disk). Everything else,
    /// notably every 4xx Qdrant answers for bad input, fails at once. Caller cancellation is never retried.
    /// </summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or HttpIOException or TimeoutRejectedException } => true,
        { Exception: null, Result: { } response } => IsTransient(response.StatusCode),
        _ => false,
    };

    public static bool IsTransient(HttpStatusCode status) => status switch
    {
        HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => true,
        HttpStatusCode.NotImplemented or HttpStatusCode.InsufficientStorage => false,
        _ => (int)status is >= 500 and <= 599,
    };

    /// <summary>The server's <c>Retry-After</c> (seconds or a date), capped at <see cref="MaxDelay"/>; null: the backoff decides.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        if (response?.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        var delay = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - time.GetUtcNow() : null);
        if (delay is not { } value)
        {
            return null;
        }

        return value < TimeSpan.Zero ? TimeSpan.Zero : value > MaxDelay ? MaxDelay : value;
    }
}
