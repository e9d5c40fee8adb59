using System.Diagnostics;
using System.Threading.Channels;

namespace ClusterSessions;

/// <summary>
/// <c>--processes</c>: another instance of this program in a role (<c>--silo</c>, <c>--client</c>), with its standard
/// streams connected: its output is echoed with its name in front and can be waited for line by line; a line can be sent
/// to its input. <see cref="Kill"/> (and <see cref="Dispose"/>) ends it with SIGKILL, no shutdown of any kind.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    private ChildProcess(string name, IEnumerable<string> arguments)
    {
        Name = name;
        // The same program as this one: its apphost (dotnet run), or dotnet with this assembly (dotnet ClusterSessions.dll).
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown");
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                _lines.Writer.TryComplete();
                return;
            }
            Console.WriteLine($"  [{Name}] {line.Data}");
            _lines.Writer.TryWrite(line.Data);
        };
        _process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
                Console.WriteLine($"  [{Name}] {line.Data}");
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Id => _process.Id;

    public static ChildProcess Start(string name, params string[] arguments) => new(name, arguments);

    /// <summary>Waits for the next output line that starts with <paramref name="prefix"/>; returns it.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        using var expiry = new CancellationTokenSource(timeout);
        try
        {
            await foreach (string line in _lines.Reader.ReadAllAsync(expiry.Token))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                    return line;
            }
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name} printed no '{prefix}' line within {timeout.TotalSeconds:F0} s");
        }
        throw new InvalidOperationException($"{Name} ended before it printed a '{prefix}' line");
    }

    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the process to end; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} did not finish within {timeout.TotalSeconds:F0} s");
        }
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the process ends at once, without running another instruction.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
