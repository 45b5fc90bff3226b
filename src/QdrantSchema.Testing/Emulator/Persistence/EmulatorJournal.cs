using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using QdrantSchema.Testing.Emulator.Engine;

namespace QdrantSchema.Testing.Emulator.Persistence;

/// <summary>Something that can record the engine's whole state now (a checkpoint), for changes made outside Invoke.</summary>
internal interface IEmulatorCheckpointSink
{
    /// <summary>Writes a checkpoint of the current state. Call under the engine's exclusive lock.</summary>
    void Checkpoint();
}

/// <summary>
/// The write-ahead journal of a data directory. Each journaled call becomes one record
/// <c>[int32 length][uint32 crc32][uint64 sequence][int32 method length][method utf8][request protobuf]</c>
/// (little endian; length and CRC cover everything after the CRC), written with one unbuffered write so it is in the
/// operating system's hands before the call is acknowledged: a killed process cannot lose it (a power cut can: the
/// emulator does not fsync every record). When the journal passes <see cref="CompactionThreshold"/> bytes, a checkpoint
/// replaces it.
/// </summary>
internal sealed class EmulatorJournal : IEmulatorJournal, IEmulatorCheckpointSink
{
    public const string FileName = "journal.log";
    public const long DefaultCompactionThreshold = 64L * 1024 * 1024;

    private const int HeaderSize = 4 + 4;

    private readonly EmulatorEngine _engine;
    private readonly string _dataDirectory;
    private readonly FileStream _file;
    private readonly FileStream _lockFile;
    private ulong _sequence;
    private bool _disposed;

    public EmulatorJournal(EmulatorEngine engine, string dataDirectory, ulong lastSequence, FileStream lockFile)
    {
        _engine = engine;
        _dataDirectory = dataDirectory;
        _sequence = lastSequence;
        _lockFile = lockFile;

        // bufferSize 0: every Write is a write(2) of the whole record.
        _file = new FileStream(Path.Combine(dataDirectory, FileName), FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, bufferSize: 0);
        _file.Seek(0, SeekOrigin.End);
    }

    /// <summary>Journal size that triggers a checkpoint (and so a truncation of the journal).</summary>
    public long CompactionThreshold { get; init; } = DefaultCompactionThreshold;

    public long Length => _file.Length;

    /// <summary>Called by the engine under its exclusive lock after every journaled call.</summary>
    public void Append(string methodFullName, IMessage request)
    {
        ArgumentNullException.ThrowIfNull(methodFullName);
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var record = Encode(++_sequence, methodFullName, request);
        _file.Write(record);
        if (_file.Length > CompactionThreshold)
        {
            Checkpoint();
        }
    }

    /// <summary>Writes a checkpoint of the current state and empties the journal. Call under the exclusive lock.</summary>
    public void Checkpoint()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        EmulatorCheckpoint.Write(_engine, _dataDirectory, _sequence);

        // A crash between the rename above and this truncation is harmless: replay skips records the checkpoint holds.
        _file.SetLength(0);
        _file.Seek(0, SeekOrigin.Begin);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _file.Dispose();
        _lockFile.Dispose();
    }

    public static byte[] Encode(ulong sequence, string methodFullName, IMessage request)
    {
        var methodLength = Encoding.UTF8.GetByteCount(methodFullName);
        var messageLength = request.CalculateSize();
        var bodyLength = 8 + 4 + methodLength + messageLength;
        var record = new byte[HeaderSize + bodyLength];
        var body = record.AsSpan(HeaderSize);
        BinaryPrimitives.WriteUInt64LittleEndian(body, sequence);
        BinaryPrimitives.WriteInt32LittleEndian(body[8..], methodLength);
        Encoding.UTF8.GetBytes(methodFullName, body.Slice(12, methodLength));
        request.WriteTo(body[(12 + methodLength)..]);
        BinaryPrimitives.WriteInt32LittleEndian(record, bodyLength);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Crc32.Compute(body));
        return record;
    }

    /// <summary>
    /// Reads the records of a journal file in order. Stops at the first incomplete or corrupt record (a write torn by a
    /// crash) and reports the offset where the intact prefix ends.
    /// </summary>
    public static List<JournalRecord> ReadAll(string path, out long intactLength)
    {
        var records = new List<JournalRecord>();
        intactLength = 0;
        if (!File.Exists(path))
        {
            return records;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        Span<byte> header = stackalloc byte[HeaderSize];
        while (true)
        {
            if (file.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize)
            {
                return records;
            }

            var bodyLength = BinaryPrimitives.ReadInt32LittleEndian(header);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (bodyLength < 12 || bodyLength > file.Length - file.Position)
            {
                return records;
            }

            var body = new byte[bodyLength];
            file.ReadExactly(body);
            if (Crc32.Compute(body) != crc)
            {
                return records;
            }

            var sequence = BinaryPrimitives.ReadUInt64LittleEndian(body);
            var methodLength = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(8));
            if (methodLength < 0 || methodLength > bodyLength - 12)
            {
                return records;
            }

            var method = Encoding.UTF8.GetString(body, 12, methodLength);
            records.Add(new JournalRecord(sequence, method, body.AsMemory(12 + methodLength)));
            intactLength = file.Position;
        }
    }
}

/// <summary>One journaled call.</summary>
internal readonly record struct JournalRecord(ulong Sequence, string Method, ReadOnlyMemory<byte> Request);

/// <summary>CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) for journal records.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
