using QdrantSchema.Testing.Emulator.Engine;
using QdrantSchema.Testing.Emulator.Snapshots;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Persistence;

/// <summary>
/// The full state of an engine in one file: the journal sequence number it includes, every collection in the
/// collection snapshot format (<see cref="CollectionSnapshotFormat"/>) with its name and operation counter, and the
/// aliases. Written to a temporary file, flushed to disk and renamed over the previous checkpoint, so a crash leaves
/// either the old or the new one.
/// </summary>
internal static class EmulatorCheckpoint
{
    public const string FileName = "state.checkpoint";
    public const int FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => "QEMUCKPT"u8;

    private static ReadOnlySpan<byte> Trailer => "QEMUEND!"u8;

    /// <summary>Writes the engine's state atomically. Call under the engine's exclusive lock.</summary>
    public static void Write(EmulatorEngine engine, string dataDirectory, ulong sequence)
    {
        var target = Path.Combine(dataDirectory, FileName);
        var temp = target + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            using (var buffered = new BufferedStream(file, 1 << 16))
            {
                var writer = new CollectionSnapshotFormat.FrameWriter(buffered);
                writer.WriteRaw(Magic);
                writer.WriteInt32(FormatVersion);
                writer.WriteUInt64(sequence);
                writer.WriteInt32(engine.Collections.Count);
                foreach (var collection in engine.Collections.Values)
                {
                    writer.WriteString(collection.Name);
                    writer.WriteUInt64(collection.PeekOperationId);
                    CollectionSnapshotFormat.Write(buffered, collection);
                }

                writer.WriteInt32(engine.Aliases.Count);
                foreach (var (alias, collection) in engine.Aliases)
                {
                    writer.WriteString(alias);
                    writer.WriteString(collection);
                }

                writer.WriteRaw(Trailer);
                buffered.Flush();
                file.Flush(flushToDisk: true);
            }
        }

        File.Move(temp, target, overwrite: true);
    }

    /// <summary>
    /// Loads a checkpoint into the (empty) engine and returns the journal sequence number it includes, or 0 when there
    /// is none. Call under the engine's exclusive lock.
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint is corrupt.</exception>
    public static ulong Load(EmulatorEngine engine, string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return 0;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var buffered = new BufferedStream(file, 1 << 16);
        var reader = new CollectionSnapshotFormat.FrameReader(buffered);
        Span<byte> magic = stackalloc byte[8];
        reader.ReadExactly(magic);
        if (!magic.SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path} is not an emulator checkpoint");
        }

        var version = reader.ReadInt32();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"{path} has unsupported checkpoint format version {version}");
        }

        var sequence = reader.ReadUInt64();
        var collections = reader.ReadInt32();
        var loaded = new List<CollectionStore>(Math.Max(collections, 0));
        for (var i = 0; i < collections; i++)
        {
            var name = reader.ReadString();
            var nextOperationId = reader.ReadUInt64();
            var collection = CollectionSnapshotFormat.Read(buffered, name, createdAt: null);
            collection.PeekOperationId = nextOperationId;
            loaded.Add(collection);
        }

        var aliases = reader.ReadInt32();
        var aliasPairs = new List<(string Alias, string Collection)>(Math.Max(aliases, 0));
        for (var i = 0; i < aliases; i++)
        {
            aliasPairs.Add((reader.ReadString(), reader.ReadString()));
        }

        reader.ReadExactly(magic);
        if (!magic.SequenceEqual(Trailer))
        {
            throw new InvalidDataException($"{path} is truncated");
        }

        engine.Collections.Clear();
        engine.Aliases.Clear();
        foreach (var collection in loaded)
        {
            engine.Collections[collection.Name] = collection;
        }

        foreach (var (alias, collection) in aliasPairs)
        {
            engine.Aliases[alias] = collection;
        }

        return sequence;
    }
}
