namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    // Whether workers may start requests (Pause, Resume): written under _lock and every scheduler's lock; read under a
    // scheduler's lock before a start (a snapshot reads it without one).
    private volatile bool _paused;

    /// <summary>
    /// Pauses the executor: workers finish what they run and start nothing new until <see cref="Resume"/>; requests are
    /// still accepted, up to the capacity (then <see cref="ExecutorOptions.FullMode"/> applies). Once it returns, no
    /// worker takes another request (one taken just before may still be entering its handler). Nothing happens once
    /// shutdown has begun (a Drain shutdown resumes first; a Cancel shutdown reports the queued requests unprocessed).
    /// </summary>
    public void Pause()
    {
        lock (_lock)
        {
            if (_state == EngineState.Running)
                SetPausedLocked(true);
        }
    }

    /// <summary>Resumes a paused executor: the queued requests start again, each key's in order. Nothing happens when it is not paused.</summary>
    public void Resume()
    {
        lock (_lock)
            SetPausedLocked(false);
    }

    /// <summary>
    /// Sets <see cref="_paused"/> under every scheduler's lock, where workers read it before they start a request, so
    /// once this returns no worker starts one while paused; on resume every idle worker is woken, each under the lock
    /// it registered under, so none misses it.
    /// </summary>
    private void SetPausedLocked(bool paused)
    {
        if (_paused == paused)
            return;
        foreach (var scheduler in _schedulers)
        {
            lock (scheduler.Sync)
            {
                _paused = paused;
                if (!paused)
                    scheduler.WakeIdleLocked();
            }
        }
        if (!paused && _sharedIdle is not null)
        {
            lock (_sharedIdle.Sync!)
                _sharedIdle.WakeAll();
        }
    }
}
