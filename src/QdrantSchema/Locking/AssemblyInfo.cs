using System.Runtime.CompilerServices;

// The cross-process lock tests and the lock benchmark run many short-lease holders
// (QdrantLeaseLockOptions.AllowShortLeaseForTesting) from their own executables.
[assembly: InternalsVisibleTo("QdrantSchema.LockTestHost")]
[assembly: InternalsVisibleTo("QdrantSchema.Benchmarks")]
