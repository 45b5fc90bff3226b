using System.Globalization;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Locking;

// A holder for the cross-process lock tests and the lock benchmark.
//   count: QdrantSchema.LockTestHost <grpcPort> <lockName> <iterations> <leaseMs> <lockCollection> <counterCollection>
//          takes the lock <iterations> times; each time reads a counter point, waits a little, writes it + 1, releases.
//   hold:  QdrantSchema.LockTestHost hold <grpcPort> <lockName> <leaseMs> <lockCollection>
//          takes the lock, prints "HELD <token>", and keeps it (renewing) until killed.
//   migrate: QdrantSchema.LockTestHost migrate <grpcPort> <leaseMs> <race|slow> [gateFile]
//          migrates the family "race" under the lease lock (see MigrateMode).
// Output lines: "ACQUIRED <token> <waitMs>", "HELD <token>", "RESULT sections=<n> lost=<n>"; errors on stderr, exit 1.
if (args.Length > 0 && args[0] == "migrate")
{
    return await QdrantSchema.LockTestHost.MigrateMode.RunAsync(args[1..]);
}

var hold = args.Length > 0 && args[0] == "hold";
var a = hold ? args[1..] : args;
if ((hold && a.Length < 4) || (!hold && a.Length < 6))
{
    Console.Error.WriteLine("usage: <grpcPort> <lockName> <iterations> <leaseMs> <lockCollection> <counterCollection> | hold <grpcPort> <lockName> <leaseMs> <lockCollection>");
    return 2;
}

var port = int.Parse(a[0], CultureInfo.InvariantCulture);
var lockName = a[1];
var iterations = hold ? 1 : int.Parse(a[2], CultureInfo.InvariantCulture);
var leaseMs = int.Parse(hold ? a[2] : a[3], CultureInfo.InvariantCulture);
var lockCollection = hold ? a[3] : a[4];
var counterCollection = hold ? null : a[5];

using var client = new QdrantClient("127.0.0.1", port);
var lease = TimeSpan.FromMilliseconds(leaseMs);
var schemaLock = new QdrantLeaseLock(client, new QdrantLeaseLockOptions
{
    LockName = lockName,
    HistoryCollection = lockCollection,
    LeaseDuration = lease,
    ClockSkewMargin = lease / 10,
    AllowShortLeaseForTesting = true,
});

try
{
    if (hold)
    {
        var held = await schemaLock.AcquireAsync(TimeSpan.FromSeconds(60));
        Console.WriteLine($"HELD {held.FencingToken}");
        await Task.Delay(Timeout.InfiniteTimeSpan, held.HandleLostToken);
        return 0;
    }

    var counterId = new PointId { Num = 1 };
    var sections = 0;
    var lost = 0;
    for (var i = 0; i < iterations; i++)
    {
        var started = TimeProvider.System.GetTimestamp();
        var handle = await schemaLock.AcquireAsync(TimeSpan.FromSeconds(60));
        await using (handle)
        {
            Console.WriteLine($"ACQUIRED {handle.FencingToken} {TimeProvider.System.GetElapsedTime(started).TotalMilliseconds:F0}");
            var points = await client.RetrieveAsync(counterCollection!, counterId, withPayload: true);
            var value = points.Count == 0 ? 0 : points[0].Payload["value"].IntegerValue;
            await Task.Delay(5);
            try
            {
                // What the engine does before every history write: prove the lock is still ours.
                await handle.EnsureHeldAsync(CancellationToken.None);
            }
            catch (QdrantSchema.QdrantSchemaLockLostException e)
            {
                Console.Error.WriteLine($"LOST {e.Message}");
                lost++;
                continue;
            }

            var point = new PointStruct { Id = counterId, Vectors = new Vectors { Vectors_ = new NamedVectors() } };
            point.Payload["value"] = value + 1;
            await client.UpsertAsync(counterCollection!, [point], wait: true);
            sections++;
        }
    }

    Console.WriteLine($"RESULT sections={sections} lost={lost}");
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine(e.ToString());
    return 1;
}
