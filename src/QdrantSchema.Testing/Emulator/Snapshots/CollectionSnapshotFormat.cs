using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Engine;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Snapshots;

/// <summary>
/// The emulator's collection snapshot: an opaque, versioned, streamed binary file that round-trips one collection
/// exactly. Real Qdrant writes a tar of segment files (QDRANT.md §8.2); only the emulator reads these, so the layout is
/// our own:
/// <list type="bullet">
/// <item>8 bytes magic <c>QEMUSNAP</c>, then the format version (int32, little endian);</item>
/// <item>one length-delimited <see cref="CollectionInfo"/> carrying the <see cref="CollectionConfig"/> (with metadata),
/// the payload index schema (<see cref="PayloadSchemaInfo"/> per field) and the creation time;</item>
/// <item>per point, in id order: a record byte <c>1</c>, the point version (uint64) and a length-delimited
/// <see cref="PointStruct"/> whose vectors are always a <see cref="NamedVectors"/> map keyed by column name
/// (<c>""</c> for the unnamed vector) with dense, sparse or multi-dense values, as stored (cosine vectors are already
/// normalised);</item>
/// <item>a record byte <c>0</c> and the point count (int64), so a truncated file is detected.</item>
/// </list>
/// Every length is an int32 little endian. Points are written and read one at a time, so a file of any size streams.
/// </summary>
internal static class CollectionSnapshotFormat
{
    public const int FormatVersion = 1;

    private const byte PointRecord = 1;
    private const byte EndRecord = 0;

    private static ReadOnlySpan<byte> Magic => "QEMUSNAP"u8;

    /// <summary>Writes <paramref name="collection"/> to <paramref name="output"/>. Call under the engine lock.</summary>
    public static void Write(Stream output, CollectionStore collection)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(collection);
        var writer = new FrameWriter(output);
        writer.WriteRaw(Magic);
        writer.WriteInt32(FormatVersion);

        var info = new CollectionInfo
        {
            Config = collection.Config.Clone(),
            CreatedAt = Timestamp.FromDateTimeOffset(collection.CreatedAt),
            PointsCount = (ulong)collection.Points.Count,
        };
        foreach (var (field, schema) in collection.PayloadSchema)
        {
            info.PayloadSchema[field] = schema.Clone();
        }

        writer.WriteMessage(info);

        long count = 0;
        var points = collection.Points;
        foreach (var id in points.IdsFrom(null))
        {
            var slot = points.TryGetSlot(id, out var s) ? s : throw new InvalidOperationException("Point order and slots disagree.");
            writer.WriteByte(PointRecord);
            writer.WriteUInt64(points.GetVersion(slot));
            writer.WriteMessage(ToPointStruct(points, id, slot));
            count++;
        }

        writer.WriteByte(EndRecord);
        writer.WriteInt64(count);
        writer.Flush();
    }

    /// <summary>
    /// Reads a collection written by <see cref="Write"/>. Vector columns come from the stored config
    /// (<see cref="CollectionStore.FromConfig"/>), then every point is loaded as stored.
    /// </summary>
    /// <param name="input">The snapshot stream, positioned at the header.</param>
    /// <param name="name">The name the restored collection gets.</param>
    /// <param name="createdAt">The creation time to use, or null for the one in the snapshot.</param>
    /// <exception cref="InvalidDataException">The stream is not an emulator snapshot, or is truncated or corrupt.</exception>
    public static CollectionStore Read(Stream input, string name, DateTimeOffset? createdAt)
    {
        ArgumentNullException.ThrowIfNull(input);
        var reader = new FrameReader(input);
        Span<byte> magic = stackalloc byte[8];
        reader.ReadExactly(magic);
        if (!magic.SequenceEqual(Magic))
        {
            throw new InvalidDataException("Not a QdrantSchema emulator snapshot");
        }

        var version = reader.ReadInt32();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Unsupported emulator snapshot format version {version}");
        }

        var info = reader.ReadMessage(CollectionInfo.Parser);
        var config = info.Config ?? throw new InvalidDataException("The snapshot has no collection config");
        var stored = info.CreatedAt is null ? DateTimeOffset.UnixEpoch : info.CreatedAt.ToDateTimeOffset();
        var collection = CollectionStore.FromConfig(name, config, createdAt ?? stored);
        foreach (var (field, schema) in info.PayloadSchema)
        {
            schema.ClearPoints();
            collection.PayloadSchema[field] = schema;
        }

        long count = 0;
        while (true)
        {
            var kind = reader.ReadByte();
            if (kind == EndRecord)
            {
                var expected = reader.ReadInt64();
                return expected == count
                    ? collection
                    : throw new InvalidDataException($"The snapshot declares {expected} points but holds {count}");
            }

            if (kind != PointRecord)
            {
                throw new InvalidDataException($"Unknown snapshot record {kind}");
            }

            var pointVersion = reader.ReadUInt64();
            var point = reader.ReadMessage(PointStruct.Parser);
            AddPoint(collection.Points, point, pointVersion);
            count++;
        }
    }

    private static PointStruct ToPointStruct(PointStore points, PointKey id, int slot)
    {
        var point = new PointStruct { Id = id.ToProto(), Vectors = new Vectors { Vectors_ = new NamedVectors() } };
        var payload = points.GetPayloadBytes(slot);
        if (payload is { Length: > 0 })
        {
            point.Payload.Add(PayloadCodec.Decode(payload));
        }

        var named = point.Vectors.Vectors_.Vectors;
        foreach (var (vectorName, column) in points.Vectors)
        {
            if (!column.Has(slot))
            {
                continue;
            }

            named[vectorName] = column switch
            {
                DenseVectorColumn dense => new Vector { Dense = new DenseVector { Data = { dense.Get(slot).ToArray() } } },
                MultiDenseVectorColumn multi => new Vector { MultiDense = ToMultiDense(multi.Get(slot), multi.Dimension) },
                SparseVectorColumn sparse => new Vector
                {
                    Sparse = new SparseVector { Indices = { sparse.Get(slot).Indices }, Values = { sparse.Get(slot).Values } },
                },
                _ => throw new InvalidOperationException($"Unknown vector column type {column.GetType().Name}"),
            };
        }

        return point;
    }

    private static MultiDenseVector ToMultiDense(float[] flattened, int dimension)
    {
        var result = new MultiDenseVector();
        for (var offset = 0; offset + dimension <= flattened.Length && dimension > 0; offset += dimension)
        {
            result.Vectors.Add(new DenseVector { Data = { flattened.AsSpan(offset, dimension).ToArray() } });
        }

        return result;
    }

    private static void AddPoint(PointStore points, PointStruct point, ulong version)
    {
        var id = PointKey.FromProto(point.Id);
        var slot = points.GetOrAdd(id, out var added);
        if (!added)
        {
            throw new InvalidDataException($"The snapshot holds point {id} twice");
        }

        points.SetVersion(slot, version);
        points.SetPayloadBytes(slot, point.Payload.Count == 0 ? PayloadCodec.Empty : PayloadCodec.Encode(point.Payload));
        if (point.Vectors?.Vectors_ is not { } named)
        {
            return;
        }

        foreach (var (vectorName, vector) in named.Vectors)
        {
            if (!points.Vectors.TryGetValue(vectorName, out var column))
            {
                throw new InvalidDataException($"The snapshot's point {id} has vector '{vectorName}' that its config does not declare");
            }

            switch (column)
            {
                case DenseVectorColumn dense when vector.VectorCase == Vector.VectorOneofCase.Dense && vector.Dense.Data.Count == dense.Dimension:
                    // Stored values are already normalised for Cosine: keep them bit for bit.
                    dense.Set(slot, ToArray(vector.Dense.Data), normalize: false);
                    break;
                case MultiDenseVectorColumn multi when vector.VectorCase == Vector.VectorOneofCase.MultiDense:
                    multi.Set(slot, Flatten(vector.MultiDense, multi.Dimension));
                    break;
                case SparseVectorColumn sparse when vector.VectorCase == Vector.VectorOneofCase.Sparse &&
                                                    vector.Sparse.Indices.Count == vector.Sparse.Values.Count:
                    sparse.Set(slot, new SparseValue([.. vector.Sparse.Indices], [.. vector.Sparse.Values]));
                    break;
                default:
                    throw new InvalidDataException($"The snapshot's point {id} has a vector '{vectorName}' that does not fit its column");
            }
        }
    }

    private static float[] ToArray(Google.Protobuf.Collections.RepeatedField<float> values)
    {
        var result = new float[values.Count];
        values.CopyTo(result, 0);
        return result;
    }

    private static float[] Flatten(MultiDenseVector multi, int dimension)
    {
        var result = new float[multi.Vectors.Count * dimension];
        for (var i = 0; i < multi.Vectors.Count; i++)
        {
            var row = multi.Vectors[i].Data;
            if (row.Count != dimension)
            {
                throw new InvalidDataException("A multivector row does not match the configured dimension");
            }

            row.CopyTo(result, i * dimension);
        }

        return result;
    }

    /// <summary>Writes frames through a small buffer; messages go through a pooled array, never the whole file.</summary>
    internal sealed class FrameWriter(Stream output)
    {
        private readonly byte[] _scratch = new byte[8];

        public void WriteRaw(ReadOnlySpan<byte> bytes) => output.Write(bytes);

        public void WriteByte(byte value) => output.WriteByte(value);

        public void WriteInt32(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_scratch, value);
            output.Write(_scratch, 0, 4);
        }

        public void WriteInt64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_scratch, value);
            output.Write(_scratch, 0, 8);
        }

        public void WriteUInt64(ulong value)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_scratch, value);
            output.Write(_scratch, 0, 8);
        }

        public void WriteString(string value)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(value);
            WriteInt32(bytes.Length);
            output.Write(bytes);
        }

        public void WriteMessage(IMessage message)
        {
            var size = message.CalculateSize();
            WriteInt32(size);
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
            try
            {
                message.WriteTo(buffer.AsSpan(0, size));
                output.Write(buffer, 0, size);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        public void Flush() => output.Flush();
    }

    /// <summary>Reads what <see cref="FrameWriter"/> wrote; a short read is <see cref="InvalidDataException"/>.</summary>
    internal sealed class FrameReader(Stream input)
    {
        private readonly byte[] _scratch = new byte[8];

        public void ReadExactly(Span<byte> target)
        {
            try
            {
                input.ReadExactly(target);
            }
            catch (EndOfStreamException ex)
            {
                throw new InvalidDataException("The snapshot is truncated", ex);
            }
        }

        public byte ReadByte()
        {
            var value = input.ReadByte();
            return value < 0 ? throw new InvalidDataException("The snapshot is truncated") : (byte)value;
        }

        public int ReadInt32()
        {
            ReadExactly(_scratch.AsSpan(0, 4));
            return BinaryPrimitives.ReadInt32LittleEndian(_scratch);
        }

        public long ReadInt64()
        {
            ReadExactly(_scratch.AsSpan(0, 8));
            return BinaryPrimitives.ReadInt64LittleEndian(_scratch);
        }

        public ulong ReadUInt64()
        {
            ReadExactly(_scratch.AsSpan(0, 8));
            return BinaryPrimitives.ReadUInt64LittleEndian(_scratch);
        }

        public string ReadString()
        {
            var length = ReadInt32();
            if (length < 0)
            {
                throw new InvalidDataException("Negative string length");
            }

            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
            try
            {
                ReadExactly(buffer.AsSpan(0, length));
                return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        public T ReadMessage<T>(MessageParser<T> parser)
            where T : IMessage<T>
        {
            var length = ReadInt32();
            if (length < 0)
            {
                throw new InvalidDataException("Negative message length");
            }

            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
            try
            {
                ReadExactly(buffer.AsSpan(0, length));
                try
                {
                    return parser.ParseFrom(buffer.AsSpan(0, length));
                }
                catch (InvalidProtocolBufferException ex)
                {
                    throw new InvalidDataException("The snapshot holds a corrupt record", ex);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}

/// <summary>Helpers shared by the snapshot and persistence code.</summary>
internal static class SnapshotErrors
{
    /// <summary>A snapshot file the emulator cannot read. Real Qdrant fails the tar unpack with a service error.</summary>
    public static EmulatorException Unreadable(string detail) =>
        new(EmulatorErrorKind.ServiceError, "Failed to read snapshot: " + detail);
}
