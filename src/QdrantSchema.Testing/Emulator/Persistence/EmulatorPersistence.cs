using QdrantSchema.Testing.Emulator.Engine;

namespace QdrantSchema.Testing.Emulator.Persistence;

/// <summary>Keeps an engine's state in a data directory. (Placeholder: persistence is being written.)</summary>
internal static class EmulatorPersistence
{
    public static void Attach(EmulatorEngine engine, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(engine);
        throw EmulatorErrors.Unimplemented("Persistence to " + dataDirectory);
    }
}
