using Google.Protobuf;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Engine;

/// <summary>
/// The in-memory Qdrant. It speaks gRPC semantics: every operation takes and returns the official client's protobuf
/// messages, keyed by the gRPC method's full name (<c>/qdrant.Points/Upsert</c>). The in-process invoker and the
/// loopback gRPC server call it directly; the REST front end translates REST requests into the same calls.
/// </summary>
/// <remarks>
/// Concurrency: reads run concurrently under a shared lock; every mutation runs alone under the exclusive lock, so
/// each collection applies its updates in one order and a conditional upsert is a per-point test-and-set, as on a
/// single-shard Qdrant whose one update worker applies the WAL in order. Handlers are synchronous: all state is in
/// memory. Area files (<c>EmulatorEngine.*.cs</c>) register their handlers.
/// </remarks>
internal sealed partial class EmulatorEngine : IDisposable
{
    private readonly Dictionary<string, MethodEntry> _methods = new(StringComparer.Ordinal);
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);

    public EmulatorEngine(EmulatorEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        RegisterServiceHandlers();
        RegisterCollectionHandlers();
        RegisterPointHandlers();
        RegisterSnapshotHandlers();
    }

    public EmulatorEngineOptions Options { get; }

    public TimeProvider Time => Options.TimeProvider;

    /// <summary>Collections by exact name. Guarded by the engine lock.</summary>
    internal Dictionary<string, CollectionStore> Collections { get; } = new(StringComparer.Ordinal);

    /// <summary>Aliases: alias name to collection name. Guarded by the engine lock.</summary>
    internal Dictionary<string, string> Aliases { get; } = new(StringComparer.Ordinal);

    /// <summary>Receives every mutating call after it ran (also when it failed part-way), for <c>--data-dir</c>.</summary>
    internal IEmulatorJournal? Journal { get; set; }

    public bool IsImplemented(string methodFullName) => _methods.ContainsKey(methodFullName);

    /// <summary>Runs one call. Throws <see cref="EmulatorException"/> with Qdrant's status and text on failure.</summary>
    public IMessage Invoke(string methodFullName, IMessage request, EmulatorCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (!_methods.TryGetValue(methodFullName, out var entry))
        {
            throw EmulatorErrors.Unimplemented($"Method {methodFullName}");
        }

        Authorize(entry.Requirement, context.Access);
        if (!entry.Mutates)
        {
            _lock.EnterReadLock();
            try
            {
                return entry.Handler(request, context);
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }

        _lock.EnterWriteLock();
        try
        {
            try
            {
                return entry.Handler(request, context);
            }
            finally
            {
                if (entry.Journaled)
                {
                    Journal?.Append(methodFullName, request);
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Runs <paramref name="action"/> under the shared (read) lock.</summary>
    internal T Read<T>(Func<T> action)
    {
        _lock.EnterReadLock();
        try
        {
            return action();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Runs <paramref name="action"/> under the exclusive (write) lock.</summary>
    internal T Write<T>(Func<T> action)
    {
        _lock.EnterWriteLock();
        try
        {
            return action();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Finds a collection by name or alias. Aliases are looked up first, as <c>TableOfContent::resolve_name</c> does.
    /// Call under the engine lock.
    /// </summary>
    internal CollectionStore Resolve(string nameOrAlias)
    {
        if (Aliases.TryGetValue(nameOrAlias, out var target) && Collections.TryGetValue(target, out var aliased))
        {
            return aliased;
        }

        return Collections.TryGetValue(nameOrAlias, out var collection)
            ? collection
            : throw EmulatorErrors.CollectionNotFound(nameOrAlias);
    }

    public static void Authorize(EmulatorRequirement requirement, EmulatorAccess access)
    {
        switch (requirement)
        {
            case EmulatorRequirement.Anonymous:
                return;
            case EmulatorRequirement.Read when access >= EmulatorAccess.Read:
                return;
            case EmulatorRequirement.Manage when access == EmulatorAccess.Manage:
                return;
            case EmulatorRequirement.Manage when access == EmulatorAccess.Read:
                throw EmulatorErrors.ManageAccessRequired();
            default:
                throw new EmulatorException(EmulatorErrorKind.Unauthenticated, "Must provide an API key or an Authorization bearer token");
        }
    }

    public void Dispose()
    {
        Journal?.Dispose();
        _lock.Dispose();
    }

    /// <summary>Registers a handler for a gRPC method (full name, e.g. <c>/qdrant.Collections/Create</c>).</summary>
    /// <param name="methodFullName">The method's full name.</param>
    /// <param name="requirement">The access the caller needs.</param>
    /// <param name="mutates">True when the call changes state: it then runs under the exclusive lock.</param>
    /// <param name="handler">The handler. It must not keep references to the request (the in-process transport passes the caller's objects) and must return objects it does not keep.</param>
    /// <param name="journaled">False for mutations whose effect lives outside the in-memory state (snapshot files).</param>
    private void Register<TRequest, TResponse>(
        string methodFullName,
        EmulatorRequirement requirement,
        bool mutates,
        Func<TRequest, EmulatorCallContext, TResponse> handler,
        bool journaled = true)
        where TRequest : class, IMessage
        where TResponse : class, IMessage
    {
        _methods[methodFullName] = new MethodEntry(
            (request, context) => handler((TRequest)request, context),
            requirement,
            mutates,
            mutates && journaled);
    }

    partial void RegisterServiceHandlers();

    partial void RegisterCollectionHandlers();

    partial void RegisterPointHandlers();

    partial void RegisterSnapshotHandlers();

    private sealed record MethodEntry(
        Func<IMessage, EmulatorCallContext, IMessage> Handler,
        EmulatorRequirement Requirement,
        bool Mutates,
        bool Journaled);
}

/// <summary>Settings of one emulator instance.</summary>
internal sealed class EmulatorEngineOptions
{
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The version the emulator reports (health check, <c>GET /</c>).</summary>
    public string ServerVersion { get; init; } = "1.19.0";

    /// <summary>Where collection and full snapshots are written: <c>{SnapshotsPath}/{collection}/</c>.</summary>
    public required string SnapshotsPath { get; init; }

    /// <summary>The peer id used in snapshot names (<c>{collection}-{peer_id}-{timestamp}.snapshot</c>).</summary>
    public ulong PeerId { get; init; } = 1;
}

/// <summary>Receives mutating calls in the order they were applied (the <c>--data-dir</c> write-ahead journal).</summary>
internal interface IEmulatorJournal : IDisposable
{
    void Append(string methodFullName, IMessage request);
}
