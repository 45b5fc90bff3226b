using QdrantSchema.Testing.Emulator.Engine;
using QdrantSchema.Testing.Emulator.Transport;

namespace QdrantSchema.Testing.Emulator.Persistence;

/// <summary>
/// Keeps an engine's state in a data directory (<c>--data-dir</c>): <c>state.checkpoint</c> (the full state at some
/// point, see <see cref="EmulatorCheckpoint"/>), <c>journal.log</c> (every journaled call since, see
/// <see cref="EmulatorJournal"/>), <c>snapshots/</c> (snapshot files) and <c>.lock</c> (held while an emulator uses the
/// directory). Acknowledged writes survive a killed process.
/// </summary>
internal static class EmulatorPersistence
{
    public const string LockFileName = ".lock";

    /// <summary>
    /// Loads the directory's state into <paramref name="engine"/> (the checkpoint, then the journal replayed through
    /// <see cref="EmulatorEngine.Invoke"/> with full access; a call that failed originally fails again the same way and
    /// leaves the same partial effects; a torn last record is dropped), writes a fresh checkpoint, and from then on
    /// journals every mutating call.
    /// </summary>
    /// <exception cref="IOException">Another emulator uses the directory, or it cannot be read or written.</exception>
    /// <exception cref="InvalidDataException">The checkpoint is corrupt.</exception>
    public static void Attach(EmulatorEngine engine, string dataDirectory, long compactionThreshold = EmulatorJournal.DefaultCompactionThreshold)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        Directory.CreateDirectory(dataDirectory);

        FileStream lockFile;
        try
        {
            lockFile = new FileStream(Path.Combine(dataDirectory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"The data directory {dataDirectory} is in use by another emulator", ex);
        }

        try
        {
            SnapshotsCleanup(engine.Options.SnapshotsPath);
            engine.Journal = null;
            var sequence = engine.Write(() => EmulatorCheckpoint.Load(engine, dataDirectory));
            var records = EmulatorJournal.ReadAll(Path.Combine(dataDirectory, EmulatorJournal.FileName), out _);
            foreach (var record in records)
            {
                if (record.Sequence <= sequence)
                {
                    continue;
                }

                Replay(engine, record);
                sequence = record.Sequence;
            }

            var journal = new EmulatorJournal(engine, dataDirectory, sequence, lockFile) { CompactionThreshold = compactionThreshold };
            engine.Write(() =>
            {
                journal.Checkpoint();
                return true;
            });
            engine.Journal = journal;
        }
        catch
        {
            engine.Journal = null;
            lockFile.Dispose();
            throw;
        }
    }

    private static void Replay(EmulatorEngine engine, JournalRecord record)
    {
        if (!GrpcMethodCatalog.TryGet(record.Method, out var method))
        {
            return;
        }

        Google.Protobuf.IMessage request;
        try
        {
            request = GrpcMethodCatalog.ParseRequest(method, record.Request.Span);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return;
        }

        try
        {
            engine.Invoke(record.Method, request, EmulatorCallContext.Full);
        }
#pragma warning disable CA1031 // The call failed when it first ran too: replaying it reproduces the same outcome.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>Removes temporary files a crash left behind in the snapshots directory.</summary>
    private static void SnapshotsCleanup(string snapshotsPath)
    {
        if (!Directory.Exists(snapshotsPath))
        {
            return;
        }

        foreach (var temp in Directory.EnumerateFiles(snapshotsPath, ".*.tmp*", SearchOption.AllDirectories))
        {
            Snapshots.SnapshotStorage.TryDelete(temp);
        }
    }
}
