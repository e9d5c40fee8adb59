using System.Threading;
using System.Threading.Tasks;

namespace ExecutorGen.Hosting;

/// <summary>Logs each dead letter (rate-limited), then hands it to the configured sink, if any.</summary>
internal sealed class LoggingDeadLetterSink : IDeadLetterSink
{
    private readonly ExecutorLog _log;

    public LoggingDeadLetterSink(IDeadLetterSink? inner, ExecutorLog log)
    {
        Inner = inner;
        _log = log;
    }

    /// <summary>The sink that was configured, which still receives every letter.</summary>
    public IDeadLetterSink? Inner { get; }

    public ValueTask WriteAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        _log.DeadLettered(letter);
        return Inner is null ? default : Inner.WriteAsync(letter, cancellationToken);
    }
}
