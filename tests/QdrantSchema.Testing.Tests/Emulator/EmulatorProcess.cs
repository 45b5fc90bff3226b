using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace QdrantSchema.Testing.Tests.Emulator;

/// <summary>
/// The standalone emulator (<c>src/QdrantSchema.Emulator</c>) as a child process, started through its command-line
/// contract (<c>--grpc-port 0 --http-port 0 [...]</c>) and read through the one line it prints once it listens.
/// </summary>
internal sealed partial class EmulatorProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly Task _pump;

    private EmulatorProcess(Process process, Uri grpcAddress, Uri restAddress, string listeningLine)
    {
        _process = process;
        GrpcAddress = grpcAddress;
        RestAddress = restAddress;
        _output.Add(listeningLine);
        _pump = Task.Run(async () =>
        {
            // The listening line was read with ReadLineAsync; keep reading the same way (the two styles cannot mix).
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_output)
                {
                    _output.Add(line);
                }
            }
        });
    }

    public Uri GrpcAddress { get; }

    public Uri RestAddress { get; }

    /// <summary>Everything the process printed on standard output so far, the listening line first.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    /// <summary>Starts the emulator on ephemeral ports with a data directory, as the crash tests do.</summary>
    public static Task<EmulatorProcess> StartAsync(string dataDirectory, CancellationToken cancellationToken) =>
        StartAsync(["--grpc-port", "0", "--http-port", "0", "--data-dir", dataDirectory], cancellationToken);

    /// <summary>Starts the emulator with <paramref name="arguments"/> and waits for its listening line.</summary>
    public static async Task<EmulatorProcess> StartAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var process = Process.Start(StartInfo(arguments)) ?? throw new InvalidOperationException("dotnet did not start");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                // "Qdrant emulator listening: gRPC http://127.0.0.1:PORT/ REST http://127.0.0.1:PORT/ (...)"
                var match = ListeningLine().Match(line);
                if (match.Success)
                {
                    return new EmulatorProcess(process, new Uri(match.Groups["grpc"].Value), new Uri(match.Groups["rest"].Value), line);
                }
            }
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }

        process.Dispose();
        throw new InvalidOperationException("The emulator exited before it listened");
    }

    /// <summary>Runs the emulator to completion (for arguments it refuses) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunToExitAsync(
        IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        using var process = Process.Start(StartInfo(arguments)) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>SIGKILL: no clean shutdown, no flush beyond what the emulator already handed to the OS.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    /// <summary>SIGTERM, as a container runtime stops a process; returns the exit code once it has stopped.</summary>
    public async Task<int> TerminateAsync(CancellationToken cancellationToken)
    {
        if (SendSignal(_process.Id, 15) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        await _pump.WaitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(LocateEmulator());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>
    /// The emulator project is built (not referenced) with this one, so its output sits beside ours under the
    /// artifacts <c>bin</c> directory: <c>bin/QdrantSchema.Emulator/{pivot}/QdrantSchema.Emulator.dll</c>.
    /// </summary>
    private static string LocateEmulator()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var bin = output.Parent?.Parent;
        var candidates = new List<string>();
        if (bin is not null)
        {
            candidates.Add(Path.Combine(bin.FullName, "QdrantSchema.Emulator", output.Name, "QdrantSchema.Emulator.dll"));
            var emulatorBin = Path.Combine(bin.FullName, "QdrantSchema.Emulator");
            if (Directory.Exists(emulatorBin))
            {
                candidates.AddRange(Directory.EnumerateFiles(emulatorBin, "QdrantSchema.Emulator.dll", SearchOption.AllDirectories));
            }
        }

        candidates.Add(Path.Combine(AppContext.BaseDirectory, "QdrantSchema.Emulator.dll"));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("QdrantSchema.Emulator.dll was not found; build src/QdrantSchema.Emulator first", candidates[0]);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);

    [GeneratedRegex(@"listening: gRPC (?<grpc>\S+) REST (?<rest>\S+)")]
    private static partial Regex ListeningLine();
}
