using QdrantSchema.Benchmarks;

// A harness that prints throughput and ratios against baselines measured in the same run.
// Usage: dotnet run -c Release --project benchmarks/QdrantSchema.Benchmarks -- emulator [--points N] [--rounds R]
var command = args.Length > 0 ? args[0] : "emulator";
var points = ArgValue(args, "--points", 20_480);
var rounds = ArgValue(args, "--rounds", 3);
switch (command)
{
    case "emulator":
        await EmulatorThroughput.RunAsync(points, rounds);
        return 0;
    default:
        Console.Error.WriteLine($"unknown benchmark '{command}'; known: emulator");
        return 2;
}

static int ArgValue(string[] args, string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}
