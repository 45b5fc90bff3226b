using System.Globalization;
using Grpc.Core;
using Qdrant.Client;

namespace QdrantSchema.Execution;

/// <summary>
/// Asks the connected Qdrant for its version once (gRPC <c>HealthCheck</c>, QDRANT.md §10) and caches the answer for
/// the lifetime of the probe. A failed probe is not cached, so the next call asks again.
/// </summary>
internal sealed class ServerInfoProbe
{
    private readonly QdrantClient _client;
    private ServerInfo? _cached;

    public ServerInfoProbe(QdrantClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <summary>The server's version and what it supports.</summary>
    /// <exception cref="QdrantSchemaException">The server could not be reached or reported a version that is not one.</exception>
    public async Task<ServerInfo> GetAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } cached)
        {
            return cached;
        }

        string reported;
        try
        {
            var reply = await _client.HealthAsync(cancellationToken).ConfigureAwait(false);
            reported = reply.Version;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The server version probe was cancelled.", e, cancellationToken);
        }
        catch (RpcException e)
        {
            throw new QdrantSchemaException(
                $"Could not read the Qdrant server version (HealthCheck failed: {e.StatusCode}: {e.Status.Detail}). " +
                "Check that the server is reachable at the configured address and that the API key is valid.",
                e);
        }

        var info = new ServerInfo(ParseVersion(reported));
        _cached = info;
        return info;
    }

    /// <summary>
    /// Parses a reported version such as <c>1.19.0</c>, <c>1.19.1-dev</c> or <c>v1.20</c>: the leading
    /// <c>major.minor[.patch]</c>; a suffix after the numbers is ignored.
    /// </summary>
    /// <exception cref="QdrantSchemaException">The text does not start with a version.</exception>
    public static Version ParseVersion(string? reported)
    {
        if (!TryParseVersion(reported, out var version))
        {
            throw new QdrantSchemaException(
                $"The Qdrant server reported the version '{reported}', which is not a version number (expected e.g. 1.19.0). " +
                "Check that the address points at a Qdrant server (not a proxy or another service).");
        }

        return version;
    }

    public static bool TryParseVersion(string? reported, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Version? version)
    {
        version = null;
        if (string.IsNullOrWhiteSpace(reported))
        {
            return false;
        }

        var text = reported.Trim();
        if (text.StartsWith('v') || text.StartsWith('V'))
        {
            text = text[1..];
        }

        var parts = new int[3];
        var count = 0;
        var position = 0;
        while (count < 3)
        {
            var start = position;
            while (position < text.Length && char.IsAsciiDigit(text[position]))
            {
                position++;
            }

            if (position == start
                || !int.TryParse(text.AsSpan(start, position - start), NumberStyles.None, CultureInfo.InvariantCulture, out parts[count]))
            {
                break;
            }

            count++;
            if (position < text.Length && text[position] == '.' && count < 3)
            {
                position++;
                continue;
            }

            break;
        }

        if (count < 2)
        {
            return false;
        }

        version = new Version(parts[0], parts[1], parts[2]);
        return true;
    }
}
