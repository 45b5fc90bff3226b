using QdrantSchema.Tests.Backends;

// One server backend and one in-process emulator for the whole run; tests isolate themselves by collection name.
[assembly: AssemblyFixture(typeof(ServerBackend))]
[assembly: AssemblyFixture(typeof(InProcessBackend))]
