namespace QdrantSchema.Testing;

/// <summary>Settings of a <see cref="QdrantEmulator"/>.</summary>
public sealed class QdrantEmulatorOptions
{
    /// <summary>
    /// Gets or sets the read-write API key. When this or <see cref="ReadOnlyApiKey"/> is set, every call but the
    /// health checks must present a key in the <c>api-key</c> header or as <c>Authorization: Bearer</c>, as on a
    /// Qdrant server with <c>service.api_key</c>. Default: <see langword="null"/> (no authentication).
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets the read-only API key: reads are allowed, writes answer <c>Forbidden: Global manage access is
    /// required</c>. Default: <see langword="null"/>.
    /// </summary>
    public string? ReadOnlyApiKey { get; set; }

    /// <summary>
    /// Gets or sets the directory that keeps the emulator's data across restarts. Acknowledged writes survive a kill of
    /// the process; snapshot files live under <c>{DataDirectory}/snapshots/{collection}/</c>. Default:
    /// <see langword="null"/>: data lives in memory only and snapshots go to a temporary directory removed on dispose.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>Gets or sets the Qdrant version the emulator reports. Default: <c>1.19.0</c>.</summary>
    public string ServerVersion { get; set; } = "1.19.0";

    /// <summary>Gets or sets the clock used for snapshot names and creation times. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
