using Google.Protobuf;

namespace QdrantSchema.Internal;

internal static class ProtoClone
{
    /// <summary>A deep copy of <paramref name="message"/>, or null (protobuf messages are mutable; never keep a caller's instance).</summary>
    public static T? CloneOrNull<T>(T? message)
        where T : class, IDeepCloneable<T>
        => message?.Clone();
}
