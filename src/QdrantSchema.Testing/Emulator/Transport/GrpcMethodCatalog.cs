using System.Collections.Frozen;
using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace QdrantSchema.Testing.Emulator.Transport;

/// <summary>
/// The gRPC methods of Qdrant, read from the official client's own file descriptors (the <c>Qdrant.Client</c>
/// assembly carries them), so no <c>.proto</c> file is copied into this repository and the wire shapes are exactly
/// the client's.
/// </summary>
internal static class GrpcMethodCatalog
{
    private static readonly Lazy<FrozenDictionary<string, MethodDescriptor>> Methods = new(Load);

    /// <summary>Finds a method by its full name (<c>/qdrant.Points/Upsert</c>).</summary>
    public static bool TryGet(string fullName, out MethodDescriptor method) => Methods.Value.TryGetValue(fullName, out method!);

    public static IEnumerable<string> FullNames => Methods.Value.Keys;

    public static IMessage ParseRequest(MethodDescriptor method, ReadOnlySpan<byte> bytes) =>
        method.InputType.Parser.ParseFrom(bytes);

    private static FrozenDictionary<string, MethodDescriptor> Load()
    {
        var result = new Dictionary<string, MethodDescriptor>(StringComparer.Ordinal);
        var assembly = typeof(Qdrant.Client.Grpc.PointId).Assembly;
        foreach (var type in assembly.GetTypes())
        {
            if (!type.Name.EndsWith("Reflection", StringComparison.Ordinal) ||
                type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is not FileDescriptor file)
            {
                continue;
            }

            foreach (var service in file.Services)
            {
                foreach (var method in service.Methods)
                {
                    result["/" + service.FullName + "/" + method.Name] = method;
                }
            }
        }

        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
