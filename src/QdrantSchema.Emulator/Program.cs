using System.Globalization;
using QdrantSchema.Testing;

// The standalone emulator. Its command line is a contract that scripts and deployment recipes rely on:
//   dotnet run --project src/QdrantSchema.Emulator -- --grpc-port 6334 --http-port 6333 [--api-key KEY] [--read-only-api-key KEY] [--data-dir DIR]
// It prints one line once both ports accept connections and stops cleanly on SIGTERM or Ctrl+C.
return await EmulatorCommand.RunAsync(args).ConfigureAwait(false);

internal static class EmulatorCommand
{
    private const string Usage =
        "usage: QdrantSchema.Emulator [--grpc-port PORT] [--http-port PORT] [--api-key KEY] [--read-only-api-key KEY] [--data-dir DIR]";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new QdrantEmulatorOptions();
        var grpcPort = 6334;
        var httpPort = 6333;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                Console.WriteLine(Usage);
                return 0;
            }

            if (i + 1 >= args.Length)
            {
                return Fail($"option '{name}' needs a value");
            }

            var value = args[++i];
            switch (name)
            {
                case "--grpc-port" when TryPort(value, out var port):
                    grpcPort = port;
                    break;
                case "--http-port" when TryPort(value, out var port):
                    httpPort = port;
                    break;
                case "--grpc-port" or "--http-port":
                    return Fail($"option '{name}' takes a port from 0 to 65535, not '{value}'");
                case "--api-key":
                    options.ApiKey = value;
                    break;
                case "--read-only-api-key":
                    options.ReadOnlyApiKey = value;
                    break;
                case "--data-dir":
                    options.DataDirectory = value;
                    break;
                default:
                    return Fail($"unknown option '{name}'");
            }
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM,
            context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });

        QdrantEmulator emulator;
        try
        {
            emulator = new QdrantEmulator(options);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"qdrant-emulator: cannot open the data directory: {ex.Message}");
            return 1;
        }

        await using (emulator.ConfigureAwait(false))
        {
            QdrantEmulatorServer server;
            try
            {
                server = await emulator.StartServerAsync(grpcPort, httpPort, stop.Token).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                Console.Error.WriteLine($"qdrant-emulator: cannot listen: {ex.Message}");
                return 1;
            }

            await ServeAsync(server, options, stop.Token).ConfigureAwait(false);
        }

        Console.WriteLine("Qdrant emulator stopped");
        return 0;
    }

    private static async Task ServeAsync(QdrantEmulatorServer server, QdrantEmulatorOptions options, CancellationToken stop)
    {
        await using (server.ConfigureAwait(false))
        {
            var storage = options.DataDirectory is null ? "in memory" : $"data in {Path.GetFullPath(options.DataDirectory)}";
            Console.WriteLine($"Qdrant emulator listening: gRPC {server.GrpcEndpoint} REST {server.HttpEndpoint} ({storage})");
            try
            {
                await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // SIGTERM or Ctrl+C: fall through to a clean stop.
            }
        }
    }

    private static bool TryPort(string value, out int port) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"qdrant-emulator: {message}");
        Console.Error.WriteLine(Usage);
        return 2;
    }
}
