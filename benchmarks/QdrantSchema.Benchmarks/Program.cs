using QdrantSchema.Benchmarks;

// A harness that prints throughput and ratios against baselines measured in the same run.
// Usage: dotnet run -c Release --project benchmarks/QdrantSchema.Benchmarks -- emulator [--points N] [--rounds R]
//        dotnet run -c Release --project benchmarks/QdrantSchema.Benchmarks -- lock [--cycles N] [--rounds R]
var command = args.Length > 0 ? args[0] : "emulator";
var points = ArgValue(args, "--points", 20_480);
var rounds = ArgValue(args, "--rounds", 3);
switch (command)
{
    case "emulator":
        await EmulatorThroughput.RunAsync(points, rounds);
        return 0;
    case "lock":
        await LockingBenchmark.RunAsync(ArgValue(args, "--cycles", 300), rounds);
        return 0;
    default:
        Console.Error.WriteLine($"unknown benchmark '{command}'; known: emulator, lock");
        return 2;
}

static int ArgValue(string[] args, string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}
