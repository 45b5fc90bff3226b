namespace QdrantSchema.Testing.Emulator.Engine;

/// <summary>What a caller may do, as Qdrant's RBAC decides it from the API key (QDRANT.md §2).</summary>
internal enum EmulatorAccess
{
    /// <summary>Health endpoints only; nothing was presented and a key is required.</summary>
    None,

    /// <summary>Global read (the read-only key).</summary>
    Read,

    /// <summary>Global manage (a read-write key, or no key configured at all).</summary>
    Manage,
}

/// <summary>The access a method needs.</summary>
internal enum EmulatorRequirement
{
    /// <summary>Whitelisted: health checks.</summary>
    Anonymous,

    /// <summary>Reads: collection info, scroll, query, count, list.</summary>
    Read,

    /// <summary>Writes and management: every mutation.</summary>
    Manage,
}

/// <summary>Per-call facts the transports pass to the engine.</summary>
internal sealed record EmulatorCallContext(EmulatorAccess Access)
{
    public static EmulatorCallContext Full { get; } = new(EmulatorAccess.Manage);
}

/// <summary>Decides a caller's access from what it presented, as Qdrant's <c>src/common/auth/mod.rs</c> does.</summary>
internal sealed class EmulatorAuthenticator(string? apiKey, string? readOnlyApiKey)
{
    public bool Enabled => apiKey is not null || readOnlyApiKey is not null;

    /// <summary>
    /// Takes the key from <c>api-key</c>, else from <c>authorization: Bearer</c>; a read-write key gives manage
    /// access, the read-only key read access; anything else is a 401 (JWT is not emulated).
    /// </summary>
    public EmulatorAccess Authenticate(string? apiKeyHeader, string? authorizationHeader)
    {
        if (!Enabled)
        {
            return EmulatorAccess.Manage;
        }

        var presented = apiKeyHeader;
        if (presented is null && authorizationHeader is not null &&
            authorizationHeader.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorizationHeader["Bearer ".Length..].Trim();
        }

        if (presented is null)
        {
            throw new EmulatorException(EmulatorErrorKind.Unauthenticated, "Must provide an API key or an Authorization bearer token");
        }

        if (apiKey is not null && FixedTimeEquals(presented, apiKey))
        {
            return EmulatorAccess.Manage;
        }

        if (readOnlyApiKey is not null && FixedTimeEquals(presented, readOnlyApiKey))
        {
            return EmulatorAccess.Read;
        }

        throw new EmulatorException(EmulatorErrorKind.Unauthenticated, "Invalid API key or JWT");
    }

    private static bool FixedTimeEquals(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));
}
