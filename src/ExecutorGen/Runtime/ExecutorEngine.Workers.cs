using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    /// <summary>
    /// A worker: takes its queue's requests in order and runs each to its outcome before the next, so
    /// requests routed to one worker keep their submission order (retries included). It ends when its
    /// queue is completed and empty. Nothing a handler does can end it: every call is isolated.
    /// </summary>
    private async Task RunWorkerAsync(WorkerState worker, ChannelReader<Entry> reader)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var entry))
            {
                // The decision to start or to report unprocessed is made before the request leaves the
                // queue count, so shutdown can wait for every dequeued request to be decided (see ShutdownCoreAsync).
                if (_cancelQueued)
                {
                    ReportUnprocessed(entry);
                    OnDequeued();
                    continue;
                }
                OnDequeued();
                await ExecuteAsync(worker, entry).ConfigureAwait(false);
            }
        }
    }

    private void OnDequeued()
    {
        long depth = Interlocked.Decrement(ref _queued);
        _slots.Release();
        OnQueueDepthChanged(depth);
    }

    private async ValueTask ExecuteAsync(WorkerState worker, Entry entry)
    {
        long started = Stopwatch.GetTimestamp();
        _queueTime.Record(started - entry.EnqueuedAt);
        worker.Started();
        Interlocked.Increment(ref _busy);
        var cancellationToken = _handlersCancelled.Token;
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                Exception failure;
                try
                {
                    await _dispatcher.DispatchAsync(entry.Envelope, entry.Completion, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _completed);
                    return;
                }
                catch (Exception exception)
                {
                    failure = exception;
                }

                if (failure is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    MarkCancelled(entry);
                    return;
                }

                Interlocked.Increment(ref _failed);
                worker.AttemptFailed();
                if (attempt >= _maxAttempts)
                {
                    await DeadLetterAsync(entry, failure, attempt).ConfigureAwait(false);
                    return;
                }
                if (cancellationToken.IsCancellationRequested || !await BackoffAsync(attempt, cancellationToken).ConfigureAwait(false))
                {
                    // A Cancel shutdown arrived while the request still had attempts left.
                    MarkCancelled(entry);
                    return;
                }
                Interlocked.Increment(ref _retried);
            }
        }
        finally
        {
            _processingTime.Record(Stopwatch.GetTimestamp() - started);
            _completions.Record();
            Interlocked.Decrement(ref _busy);
            worker.Finished();
        }
    }

    /// <summary>Waits before the next attempt: the base delay doubled per retry, plus up to 20 % jitter.</summary>
    private async ValueTask<bool> BackoffAsync(int failedAttempt, CancellationToken cancellationToken)
    {
        if (_retryBackoff <= TimeSpan.Zero)
            return true;
        double factor = Math.Pow(2, Math.Min(failedAttempt - 1, 16)) * (1 + 0.2 * Random.Shared.NextDouble());
        var delay = TimeSpan.FromTicks((long)Math.Min(_retryBackoff.Ticks * factor, TimeSpan.FromHours(1).Ticks));
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void MarkCancelled(in Entry entry)
    {
        Interlocked.Increment(ref _cancelled);
        entry.Completion?.TrySetCanceled();
    }

    private async ValueTask DeadLetterAsync(Entry entry, Exception failure, int attempts)
    {
        Interlocked.Increment(ref _deadLettered);
        entry.Completion?.TrySetException(failure);
        if (_deadLetters is null)
            return;
        try
        {
            var letter = new DeadLetter(
                _dispatcher.GetHandlerName(entry.Envelope),
                entry.HasKey ? entry.Key : null,
                _dispatcher.GetArguments(entry.Envelope),
                failure,
                attempts,
                DeadLetterReason.Failed);
            await _deadLetters.WriteAsync(letter, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _deadLetterSinkFailures);
        }
    }

    private void ReportUnprocessed(in Entry entry)
    {
        _unprocessed.Enqueue(new UnprocessedRequest(
            _dispatcher.GetHandlerName(entry.Envelope),
            entry.HasKey ? entry.Key : null,
            _dispatcher.GetArguments(entry.Envelope)));
        entry.Completion?.TrySetCanceled();
    }
}
