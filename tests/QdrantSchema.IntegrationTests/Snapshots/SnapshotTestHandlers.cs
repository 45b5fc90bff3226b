using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;

namespace QdrantSchema.IntegrationTests.Snapshots;

/// <summary>Records every request (method, path and whether the api-key header carried the expected key) before passing it on.</summary>
internal sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public ConcurrentQueue<(HttpMethod Method, string Path, string? ApiKey)> Requests { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = request.Headers.TryGetValues("api-key", out var values) ? values.FirstOrDefault() : null;
        Requests.Enqueue((request.Method, request.RequestUri!.AbsolutePath, key));
        return base.SendAsync(request, cancellationToken);
    }

    public int Count(string pathContains) => Requests.Count(r => r.Path.Contains(pathContains, StringComparison.Ordinal));
}

/// <summary>Answers the first <c>failures</c> matching requests with the given status and a Qdrant error envelope, without sending them.</summary>
internal sealed class FailingHandler(HttpMessageHandler inner, Func<HttpRequestMessage, bool> matches, int failures, HttpStatusCode status, string error)
    : DelegatingHandler(inner)
{
    private int _remaining = failures;

    public int Matched { get; private set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!matches(request))
        {
            return base.SendAsync(request, cancellationToken);
        }

        Matched++;
        if (Interlocked.Decrement(ref _remaining) < 0)
        {
            return base.SendAsync(request, cancellationToken);
        }

        var body = $$"""{"status":{"error":"{{error}}"},"time":0.0}""";
        return Task.FromResult(new HttpResponseMessage(status)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            RequestMessage = request,
        });
    }
}

/// <summary>Flips one byte in the body of every snapshot download (not the .checksum sidecar): corruption in transit.</summary>
internal sealed class CorruptingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public int Corrupted { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        if (request.Method != HttpMethod.Get || !response.IsSuccessStatusCode || !path.EndsWith(".snapshot", StringComparison.Ordinal))
        {
            return response;
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        bytes[bytes.Length / 2] ^= 0x5A;
        Corrupted++;
        var content = new ByteArrayContent(bytes);
        foreach (var header in response.Content.Headers)
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = content;
        return response;
    }
}

/// <summary>A logger factory that keeps every formatted message and exception text.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(string Category, EventId Id, LogLevel Level, string Text)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                text += " | " + string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"));
            }

            if (exception is not null)
            {
                text += " | " + exception;
            }

            owner.Entries.Enqueue((category, eventId, logLevel, text));
        }
    }
}
