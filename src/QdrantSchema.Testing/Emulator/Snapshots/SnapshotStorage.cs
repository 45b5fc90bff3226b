using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf.WellKnownTypes;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Engine;

namespace QdrantSchema.Testing.Emulator.Snapshots;

/// <summary>
/// Snapshot files on disk as Qdrant's local snapshot storage keeps them
/// (<c>lib/collection/src/common/snapshots_manager.rs @ v1.19.0</c>): <c>{dir}/{name}.snapshot</c> with a
/// <c>{name}.snapshot.checksum</c> sidecar holding the SHA-256 hex.
/// </summary>
internal static class SnapshotStorage
{
    public const string Extension = ".snapshot";
    public const string ChecksumExtension = ".checksum";

    /// <summary>Qdrant's timestamp in snapshot names: <c>chrono ... format("%Y-%m-%d-%H-%M-%S")</c>, UTC.</summary>
    public static string Timestamp(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyy-MM-dd-HH-mm-ss", CultureInfo.InvariantCulture);

    public static string ChecksumPath(string snapshotPath) => snapshotPath + ChecksumExtension;

    /// <summary>
    /// Resolves a snapshot name inside <paramref name="directory"/> like <c>SnapshotStorageLocalFS::get_snapshot_path</c>:
    /// the name must be a plain file name (<c>validate_snapshot_name</c>), the directory must exist and the file must be a
    /// regular file inside it. Each failure is <c>Not found: Snapshot {name} not found</c>, except a missing directory:
    /// <c>Not found: Snapshot directory: {dir} not found</c>.
    /// </summary>
    public static string ResolveExisting(string directory, string snapshotName)
    {
        if (snapshotName.Length == 0 || Path.GetFileName(snapshotName) != snapshotName || snapshotName is "." or "..")
        {
            throw NotFound(snapshotName);
        }

        if (!Directory.Exists(directory))
        {
            throw EmulatorErrors.NotFound($"Snapshot directory: {directory} not found");
        }

        var path = Path.Combine(directory, snapshotName);
        return File.Exists(path) ? path : throw NotFound(snapshotName);
    }

    public static EmulatorException NotFound(string snapshotName) => EmulatorErrors.NotFound($"Snapshot {snapshotName} not found");

    /// <summary>
    /// Lists every <c>*.snapshot</c> file of a directory, an empty list when the directory is missing
    /// (<c>SnapshotStorageLocalFS::list_snapshots</c>). Qdrant returns them in directory order, which no caller can rely
    /// on; the emulator sorts by name only to be deterministic.
    /// </summary>
    public static List<SnapshotDescription> List(string directory)
    {
        var result = new List<SnapshotDescription>();
        if (!Directory.Exists(directory))
        {
            return result;
        }

        var files = Directory.GetFiles(directory, "*" + Extension, SearchOption.TopDirectoryOnly);
        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (file.EndsWith(Extension, StringComparison.Ordinal) && Describe(file) is { } description)
            {
                result.Add(description);
            }
        }

        return result;
    }

    /// <summary>
    /// <c>get_snapshot_description</c>: name, creation time (whole seconds, UTC; the emulator stamps the file's write
    /// time from its clock when it creates the file), size and the checksum sidecar's text when present.
    /// </summary>
    public static SnapshotDescription? Describe(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }

        var written = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
        var description = new SnapshotDescription
        {
            Name = info.Name,
            CreationTime = new Timestamp { Seconds = written.ToUnixTimeSeconds() },
            Size = info.Length,
        };
        try
        {
            var checksumPath = ChecksumPath(path);
            if (File.Exists(checksumPath))
            {
                description.Checksum = File.ReadAllText(checksumPath);
            }
        }
        catch (IOException)
        {
            // Qdrant reads the sidecar with `.ok()`: an unreadable checksum is simply absent.
        }

        return description;
    }

    /// <summary>
    /// Writes a snapshot file through <paramref name="write"/> into a temporary file hashing as it goes, then writes
    /// the checksum sidecar and moves both into place (replacing a file of the same name, as Qdrant's
    /// <c>store_file</c> does with <c>TempPath::persist</c>, a rename). The file's time is set from
    /// <paramref name="now"/>.
    /// </summary>
    public static SnapshotDescription Store(string directory, string snapshotName, DateTimeOffset now, Action<Stream> write)
    {
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, snapshotName);
        var temp = Path.Combine(directory, "." + snapshotName + "." + Guid.NewGuid().ToString("N") + ".tmp");
        var checksumTemp = temp + ChecksumExtension;
        try
        {
            string checksum;
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var hashing = new HashingStream(file);
                using var buffered = new BufferedStream(hashing, 1 << 16);
                write(buffered);
                buffered.Flush();
                checksum = hashing.HashHex();
                file.Flush(flushToDisk: true);
            }

            File.WriteAllText(checksumTemp, checksum);
            File.SetLastWriteTimeUtc(temp, now.UtcDateTime);
            File.Move(temp, target, overwrite: true);
            File.Move(checksumTemp, ChecksumPath(target), overwrite: true);
            return Describe(target) ?? throw new IOException($"Snapshot {target} vanished after it was written");
        }
        finally
        {
            TryDelete(temp);
            TryDelete(checksumTemp);
        }
    }

    /// <summary>Deletes a snapshot and its checksum sidecar (a missing sidecar is ignored, as in Qdrant).</summary>
    public static void Delete(string path, string snapshotName)
    {
        try
        {
            File.Delete(path);
        }
        catch (FileNotFoundException)
        {
            throw NotFound(snapshotName);
        }

        TryDelete(ChecksumPath(path));
    }

    /// <summary>SHA-256 hex of a file, lowercase, as Qdrant's <c>sha_256::hash_file</c>.</summary>
    public static string HashFile(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    /// <summary><c>sha_256::hashes_equal</c>: case-insensitive comparison of hex digests.</summary>
    public static bool HashesEqual(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort clean-up of a temporary file.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort clean-up of a temporary file.
        }
    }

    /// <summary>A write-only pass-through stream that hashes what goes through it.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public string HashHex() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
