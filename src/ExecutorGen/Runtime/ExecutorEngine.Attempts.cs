using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    private readonly Func<Exception, bool>? _retryFilter;
    private readonly TimeSpan? _handlerTimeout;
    private long _timedOut;

    /// <summary>
    /// Runs one request to its outcome: every attempt isolated, retries after backoff on the same worker (so
    /// the key waits for its retry while other keys go on), then completed, dead-lettered or cancelled. A first
    /// attempt that completes synchronously, the common case of a CPU-bound handler, is booked here without an
    /// async state machine; anything else continues in <see cref="ExecuteAttemptsAsync"/>.
    /// </summary>
    private ValueTask<Outcome> ExecuteAsync(WorkerState worker, QueuedRequest request)
    {
        string handler = _dispatcher.GetHandlerName(request.Envelope);
        for (var item = request; item is not null; item = item.NextInBatch)
            RecordSeconds(_telemetry.QueueTime, item.StartedAt - item.EnqueuedAt, handler);
        if (request.IsBatch)
            CountBatch(request, handler);
        var attempt = StartAttempt(request, handler, 1, out var activity, out var deadline);
        if (!attempt.IsCompletedSuccessfully || deadline is not null)
            return ExecuteAttemptsAsync(worker, request, handler, attempt, activity, deadline);
        activity?.Dispose();
        Succeeded(request, handler);
        RecordFinished(request, handler);
        return new ValueTask<Outcome>(Outcome.Completed);
    }

    /// <summary>
    /// The rest of <see cref="ExecuteAsync"/>: awaits the first attempt, then retries while attempts are left and the
    /// <see cref="ExecutorOptions.RetryFilter"/> agrees. An attempt that outlived its
    /// <see cref="ExecutorOptions.HandlerTimeout"/> failed with the <see cref="TimeoutException"/> its deadline reported,
    /// whatever it did afterwards.
    /// </summary>
    private async ValueTask<Outcome> ExecuteAttemptsAsync(
        WorkerState worker, QueuedRequest request, string handler, ValueTask pending, Activity? activity, AttemptDeadline? deadline)
    {
        var shutdown = _handlersCancelled.Token;
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                Exception? failure = null;
                try
                {
                    await pending.ConfigureAwait(false);
                }
                catch (Exception exception)
                {
                    failure = exception;
                }

                bool retryable;
                if (deadline is null || deadline.TryEnd())
                {
                    deadline?.Dispose();
                    if (failure is null)
                    {
                        activity?.Dispose();
                        Succeeded(request, handler);
                        return Outcome.Completed;
                    }
                    MarkFailed(activity, failure);
                    activity?.Dispose();
                    if (failure is OperationCanceledException && shutdown.IsCancellationRequested)
                        return Cancelled(request);
                    retryable = IsRetryable(attempt, failure);
                    CountFailedAttempt(request, handler, attempt, failure, retryable);
                }
                else
                {
                    // Timed out: the deadline has counted and reported the failure (see OnAttemptTimedOut).
                    var expiry = deadline.Expired!;
                    failure = expiry.Failure;
                    retryable = expiry.Retryable;
                    deadline.Dispose();
                    MarkFailed(activity, failure);
                    activity?.Dispose();
                }
                worker.AttemptFailed(request.BatchSize);

                if (!retryable)
                {
                    await DeadLetterAsync(request, failure, attempt).ConfigureAwait(false);
                    Record(_telemetry.DeadLettered, handler, request.BatchSize);
                    return Outcome.DeadLettered;
                }
                if (shutdown.IsCancellationRequested || !await BackoffAsync(attempt, shutdown).ConfigureAwait(false))
                    return Cancelled(request); // a Cancel shutdown arrived while attempts were left
                Interlocked.Add(ref _retried, request.BatchSize);
                Record(_telemetry.Retried, handler, request.BatchSize);
                pending = StartAttempt(request, handler, attempt + 1, out activity, out deadline);
            }
        }
        finally
        {
            RecordFinished(request, handler);
        }
    }

    /// <summary>
    /// Starts an attempt: its activity, its deadline when <see cref="ExecutorOptions.HandlerTimeout"/> is set (the
    /// handler then gets a token cancelled by the deadline or by a Cancel shutdown), and the handler call.
    /// </summary>
    private ValueTask StartAttempt(QueuedRequest request, string handler, int attempt, out Activity? activity, out AttemptDeadline? deadline)
    {
        activity = StartAttemptActivity(request, handler, attempt);
        deadline = _handlerTimeout is { } timeout ? new AttemptDeadline(this, request, handler, attempt, timeout) : null;
        if (deadline is not null && request.Completion is IGatedCompletion gated)
            gated.Gate = deadline; // a result the handler returns after its deadline is not the caller's
        return Dispatch(request, deadline?.Token ?? _handlersCancelled.Token);
    }

    /// <summary>
    /// An attempt succeeded: counted, and a batch's callers told (a single request's caller has its result from the
    /// dispatcher already).
    /// </summary>
    private void Succeeded(QueuedRequest request, string handler)
    {
        Record(_telemetry.Completed, handler, request.BatchSize);
        if (request.NextInBatch is not null)
            CompleteBatch(request);
    }

    /// <summary>Calls the handler; one that throws before its first await fails the attempt like one that throws later.</summary>
    private ValueTask Dispatch(QueuedRequest request, CancellationToken cancellationToken)
    {
        try
        {
            if (request.NextInBatch is not null)
                return DispatchBatch(request, cancellationToken);
            return _dispatcher.DispatchAsync(request.Envelope, request.Completion, cancellationToken);
        }
        catch (Exception exception)
        {
            return new ValueTask(Task.FromException(exception));
        }
    }

    /// <summary>
    /// Whether a failed attempt gets another: attempts are left, and the retry filter, if any, agrees. A filter that
    /// throws counts as a no: the request is dead-lettered with the handler's exception.
    /// </summary>
    private bool IsRetryable(int attempt, Exception failure)
    {
        if (attempt >= _maxAttempts)
            return false;
        if (_retryFilter is null)
            return true;
        try
        {
            return _retryFilter(failure);
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>Counts a failed attempt and tells the <c>AttemptFailed</c> subscribers whether it will be retried.</summary>
    private void CountFailedAttempt(QueuedRequest request, string handler, int attempt, Exception failure, bool retryable)
    {
        Interlocked.Add(ref _failed, request.BatchSize);
        Record(_telemetry.Failed, handler, request.BatchSize);
        if (_events.HasAttemptFailedSubscribers)
        {
            bool willRetry = retryable && !_handlersCancelled.IsCancellationRequested;
            _events.PostAttemptFailed(new AttemptFailedEventArgs(handler, request.HasKey ? request.Key : null, attempt, willRetry, failure));
        }
    }

    /// <summary>
    /// An attempt ran past its deadline (seen by the deadline's timer, while the handler may still run, or when the
    /// attempt ended): the attempt has failed, and is counted and reported now, also when the handler cannot be stopped.
    /// </summary>
    private void OnAttemptTimedOut(AttemptDeadline deadline, AttemptDeadline.Expiry expiry)
    {
        Interlocked.Add(ref _timedOut, deadline.Request.BatchSize);
        Record(_telemetry.TimedOut, deadline.Handler, deadline.Request.BatchSize);
        CountFailedAttempt(deadline.Request, deadline.Handler, deadline.Attempt, expiry.Failure, expiry.Retryable);
    }

    /// <summary>
    /// The end of a request's execution (all attempts). Histograms and the worker's figures are booked with the
    /// outcome, under the lock (FinishLocked).
    /// </summary>
    private void RecordFinished(QueuedRequest request, string handler)
    {
        request.FinishedAt = Stopwatch.GetTimestamp();
        RecordSeconds(_telemetry.Duration, request.FinishedAt - request.StartedAt, handler);
    }

    private Outcome Cancelled(QueuedRequest request)
    {
        Interlocked.Add(ref _cancelled, request.BatchSize);
        for (var item = request; item is not null; item = item.NextInBatch)
            item.Completion?.TrySetCanceled();
        return Outcome.Cancelled;
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

    /// <summary>A request's (or a batch's) last attempt failed: a dead letter for each request, in order.</summary>
    private async ValueTask DeadLetterAsync(QueuedRequest request, Exception failure, int attempts)
    {
        Interlocked.Add(ref _deadLettered, request.BatchSize);
        request.Failure = failure; // the callers' tasks fault once the outcome is booked (Finish)
        for (var item = request; item is not null; item = item.NextInBatch)
        {
            var letter = LetterFor(item.Envelope, item.HasKey, item.Key, DeadLetterReason.Failed, failure, attempts);
            if (letter is not null)
                await WriteDeadLetterAsync(letter).ConfigureAwait(false);
        }
    }

    /// <summary>A dead letter for the sink, or <see langword="null"/> when there is no sink (nothing to allocate).</summary>
    private DeadLetter? LetterFor(in TEnvelope envelope, bool hasKey, TKey key, DeadLetterReason reason, Exception? failure = null, int attempts = 0)
    {
        if (_deadLetters is null)
            return null;
        return new DeadLetter(_dispatcher.GetHandlerName(envelope), hasKey ? key : null, _dispatcher.GetArguments(envelope), failure, attempts, reason)
        {
            Replay = new Replay(this, envelope),
        };
    }

    private async ValueTask WriteDeadLetterAsync(DeadLetter letter)
    {
        try
        {
            await _deadLetters!.WriteAsync(letter, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _deadLetterSinkFailures);
        }
    }

    /// <summary>
    /// One attempt's <see cref="ExecutorOptions.HandlerTimeout"/>: a timer, and the token the handler gets, cancelled by
    /// the timer or by a Cancel shutdown. Whether the attempt ended in time or timed out is decided once: by the timer,
    /// or when the attempt ends (<see cref="TryEnd"/>: when an <c>InvokeAsync</c> caller's result is handed over, else
    /// when the worker sees it end), by the time it took, so a timer that runs late on a busy thread pool changes
    /// nothing.
    /// </summary>
    /// <remarks>
    /// The decision is one compare-and-swap of <see cref="_end"/>. Whoever finds the attempt timed out waits until the
    /// failure has been judged (retry or not) and counted (<see cref="Expiry.Reported"/>), so it reads the decision
    /// complete and the counts are booked before the request's outcome.
    /// </remarks>
    private sealed class AttemptDeadline : IAttemptGate, IDisposable
    {
        private static readonly object s_inTime = new();

        private readonly ExecutorEngine<TKey, TEnvelope, TDispatcher> _engine;
        private readonly CancellationTokenSource _source;
        private readonly Timer _timer;
        private readonly TimeSpan _timeout;
        private readonly long _startedAt = Stopwatch.GetTimestamp();
        private object? _end; // null while running, then s_inTime or an Expiry

        public AttemptDeadline(ExecutorEngine<TKey, TEnvelope, TDispatcher> engine, QueuedRequest request, string handler, int attempt, TimeSpan timeout)
        {
            _engine = engine;
            Request = request;
            Handler = handler;
            Attempt = attempt;
            _timeout = timeout;
            _source = CancellationTokenSource.CreateLinkedTokenSource(engine._handlersCancelled.Token);
            Token = _source.Token;
            // The timer carries no ExecutionContext: the worker's (its handler scope above all) is not the timer's business.
            bool suppress = !ExecutionContext.IsFlowSuppressed();
            var flow = suppress ? ExecutionContext.SuppressFlow() : default;
            try
            {
                _timer = new Timer(static state => ((AttemptDeadline)state!).TryExpire(byTimer: true), this, timeout, Timeout.InfiniteTimeSpan);
            }
            finally
            {
                if (suppress)
                    flow.Undo();
            }
        }

        public QueuedRequest Request { get; }

        public string Handler { get; }

        public int Attempt { get; }

        public CancellationToken Token { get; }

        /// <summary>Once timed out, the attempt's failure and whether the request gets another attempt; else <see langword="null"/>.</summary>
        public Expiry? Expired => Volatile.Read(ref _end) as Expiry;

        /// <summary>The attempt has ended: <see langword="true"/> when in time, <see langword="false"/> when it had timed out.</summary>
        public bool TryEnd()
        {
            // Called once when the caller's result is handed over and again when the worker sees the attempt end.
            if (Volatile.Read(ref _end) is null && Stopwatch.GetElapsedTime(_startedAt) >= _timeout)
                TryExpire(byTimer: false);
            if ((Interlocked.CompareExchange(ref _end, s_inTime, null) ?? s_inTime) is not Expiry expiry)
                return true;
            var wait = new SpinWait();
            while (!expiry.Reported)
                wait.SpinOnce();
            return false;
        }

        private void TryExpire(bool byTimer)
        {
            if (Volatile.Read(ref _end) is not null)
                return;
            var expiry = new Expiry(new TimeoutException($"Handler '{Handler}' ran longer than its timeout of {_timeout}."), byTimer);
            if (Interlocked.CompareExchange(ref _end, expiry, null) is not null)
                return; // decided meanwhile
            try
            {
                expiry.Retryable = _engine.IsRetryable(Attempt, expiry.Failure);
                _engine.OnAttemptTimedOut(this, expiry);
            }
            catch (Exception)
            {
                // A metrics listener that throws must not end the process from a timer thread (nor re-run the request
                // from a worker, as an engine fault would): the failure stands, counted or not.
            }
            finally
            {
                expiry.Reported = true;
            }
            if (!byTimer)
                return; // the attempt is over: nothing left to cancel
            // After the report: the handler may end inside Cancel, on this thread, and pass TryEnd. The source is this
            // thread's to dispose (see Dispose).
            try
            {
                _source.Cancel();
            }
            catch (AggregateException)
            {
                // A callback registered on the handler's token threw: the handler's business, as with any token.
            }
            finally
            {
                _source.Dispose();
            }
        }

        /// <summary>Once the attempt has ended. The token source of an attempt the timer expired is the timer's to dispose.</summary>
        public void Dispose()
        {
            _timer.Dispose();
            if (Expired is not { ByTimer: true })
                _source.Dispose();
        }

        /// <summary>
        /// How a timed-out attempt failed, and whether it is retried (decided after the attempt was claimed, so the retry
        /// filter runs only for attempts that did time out; read once <see cref="Reported"/>).
        /// </summary>
        public sealed class Expiry(TimeoutException failure, bool byTimer)
        {
            public TimeoutException Failure { get; } = failure;

            public bool Retryable { get; set; }

            public bool ByTimer { get; } = byTimer;

            public volatile bool Reported;
        }
    }
}
