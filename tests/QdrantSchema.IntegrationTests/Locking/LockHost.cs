using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace QdrantSchema.IntegrationTests.Locking;

/// <summary>One <c>QdrantSchema.LockTestHost</c> process (<c>dotnet QdrantSchema.LockTestHost.dll ...</c>).</summary>
internal sealed class LockHost : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(Regex Pattern, TaskCompletionSource<string> Match)> _waiters = [];

    private LockHost(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Locate());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            }
        };
        _process.Exited += (_, _) => _exited.TrySetResult();
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int ExitCode => _process.ExitCode;

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>Count mode: takes the lock <paramref name="iterations"/> times and increments a counter point in each critical section.</summary>
    public static LockHost Start(int grpcPort, string lockName, int iterations, TimeSpan lease, string lockCollection, string counterCollection) =>
        new([Text(grpcPort), lockName, Text(iterations), Text((int)lease.TotalMilliseconds), lockCollection, counterCollection]);

    /// <summary>Hold mode: takes the lock, prints <c>HELD token</c>, and keeps renewing until killed.</summary>
    public static LockHost Hold(int grpcPort, string lockName, TimeSpan lease, string lockCollection) =>
        new(["hold", Text(grpcPort), lockName, Text((int)lease.TotalMilliseconds), lockCollection]);

    /// <summary>Waits for the process to exit and returns everything it printed.</summary>
    public async Task<string> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _exited.Task.WaitAsync(timeout, cancellationToken);
        await _process.WaitForExitAsync(cancellationToken); // drains the redirected streams
        lock (_output)
        {
            return _output.ToString();
        }
    }

    /// <summary>Waits for a line matching <paramref name="pattern"/> and returns its <c>value</c> group.</summary>
    public Task<string> WaitForLineAsync(Regex pattern, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var match = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            foreach (var line in _output.ToString().Split('\n'))
            {
                if (pattern.Match(line.TrimEnd('\r')) is { Success: true } m)
                {
                    return Task.FromResult(m.Groups["value"].Value);
                }
            }

            _waiters.Add((pattern, match));
        }

        return match.Task.WaitAsync(timeout, cancellationToken)
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : throw new InvalidOperationException($"no line matching {pattern}; stderr: {Errors}", t.Exception), TaskScheduler.Default);
    }

    /// <summary>SIGKILL: no release, no last renewal.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            foreach (var (pattern, match) in _waiters)
            {
                if (pattern.Match(line) is { Success: true } m)
                {
                    match.TrySetResult(m.Groups["value"].Value);
                }
            }
        }
    }

    /// <summary>
    /// The host project is built (not referenced) with this one, so its output sits beside ours under the artifacts
    /// <c>bin</c> directory: <c>bin/QdrantSchema.LockTestHost/{pivot}/QdrantSchema.LockTestHost.dll</c>.
    /// </summary>
    private static string Locate()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var bin = output.Parent?.Parent;
        var candidates = new List<string>();
        if (bin is not null)
        {
            candidates.Add(Path.Combine(bin.FullName, "QdrantSchema.LockTestHost", output.Name, "QdrantSchema.LockTestHost.dll"));
            var hostBin = Path.Combine(bin.FullName, "QdrantSchema.LockTestHost");
            if (Directory.Exists(hostBin))
            {
                candidates.AddRange(Directory.EnumerateFiles(hostBin, "QdrantSchema.LockTestHost.dll", SearchOption.AllDirectories));
            }
        }

        candidates.Add(Path.Combine(AppContext.BaseDirectory, "QdrantSchema.LockTestHost.dll"));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("QdrantSchema.LockTestHost.dll was not found; build tests/QdrantSchema.LockTestHost first", candidates[0]);
    }
}
