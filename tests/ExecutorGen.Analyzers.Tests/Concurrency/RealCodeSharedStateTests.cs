using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// EXG001 false positives issue 14 found in real code: locks held by every caller, double-checked and incidental reads,
/// state published by starting the thread that reads it (must not flag), with companions that must stay reported.
/// The misses are in <see cref="RealCodeSharedStateMissTests"/>.
/// </summary>
public class RealCodeSharedStateTests
{
    // Issue 14, FP shape 3
    [Fact]
    public Task Private_helper_whose_every_caller_holds_the_lock_is_not_reported() => new Test("""
        using System.Collections.Generic;
        using System.Threading;
        using ExecutorGen;

        public sealed record Job(int Id, string Payload);

        public sealed class Scheduler
        {
            private readonly object _sync = new();
            private readonly List<Job> _ready = new();
            private readonly Dictionary<int, Job> _byId = new();
            private int _version;

            [RequestHandler]
            public void Submit(Job job)
            {
                lock (_sync)
                {
                    Enqueue(job);
                }
            }

            [RequestHandler]
            public bool TryCancel(int id)
            {
                if (!Monitor.TryEnter(_sync, 50))
                    return false;
                try
                {
                    return Remove(id);
                }
                finally
                {
                    Monitor.Exit(_sync);
                }
            }

            private void Enqueue(Job job)
            {
                _ready.Add(job);
                _byId[job.Id] = job;
                _version++;
            }

            private bool Remove(int id)
            {
                if (!_byId.Remove(id, out var job))
                    return false;
                _ready.Remove(job);
                _version++;
                return true;
            }
        }
        """).RunAsync();

    // Issue 14, FP shape 3 (companion: still reported)
    [Fact]
    public Task Helper_called_both_inside_and_outside_the_lock_is_still_reported() => new Test("""
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed record Job(int Id, string Payload);

        public sealed class Scheduler
        {
            private readonly object _sync = new();
            private readonly List<Job> _ready = new();

            [RequestHandler]
            public void Submit(Job job)
            {
                lock (_sync)
                {
                    Enqueue(job);
                }
            }

            [RequestHandler]
            public void SubmitUrgent(Job job) => Enqueue(job);

            private void Enqueue(Job job)
            {
                {|EXG001:_ready.Add(job)|};
            }
        }
        """).RunAsync();

    // Issue 14, FP shape 4
    [Fact]
    public Task Double_checked_bool_flag_rechecked_under_the_lock_is_not_reported() => new Test("""
        using System;
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed class Outbox
        {
            private readonly object _sync = new();
            private readonly List<string> _pending = new();
            private bool _closed;

            [RequestHandler]
            public void Post(string message)
            {
                if (_closed)
                    return;
                lock (_sync)
                {
                    if (_closed)
                        return;
                    _pending.Add(message);
                }
            }

            [RequestHandler]
            public void Close(int reason)
            {
                lock (_sync)
                {
                    _closed = true;
                    _pending.Clear();
                }
            }
        }
        """).RunAsync();

    // Issue 14, FP shape 4 (companion: still reported)
    [Fact]
    public Task Unlocked_check_not_repeated_under_the_lock_is_still_reported() => new Test("""
        using System;
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed class Outbox
        {
            private readonly object _sync = new();
            private readonly List<string> _pending = new();
            private bool _closed;

            [RequestHandler]
            public void Post(string message)
            {
                if ({|EXG010:_closed|})
                    return;
                lock (_sync)
                {
                    _pending.Add(message);
                }
            }

            [RequestHandler]
            public void Close(int reason)
            {
                lock (_sync)
                {
                    _closed = true;
                    _pending.Clear();
                }
            }
        }
        """).RunAsync();

    // Issue 14, FP shape 4
    [Fact]
    public Task Provisional_value_recomputed_under_the_lock_is_not_reported() => new Test("""
        using System;
        using ExecutorGen;

        public sealed class LogBuffer
        {
            private readonly object _sync = new();
            private byte[] _buffer = new byte[4096];
            private int _length;

            [RequestHandler]
            public void Append(byte[] data)
            {
                // Allocate outside the lock when the buffer looks too small; decided again under the lock.
                int needed = _length + data.Length;
                byte[] bigger = needed > 4096 ? new byte[needed * 2] : null;
                lock (_sync)
                {
                    needed = _length + data.Length;
                    if (needed > _buffer.Length)
                    {
                        if (bigger == null || bigger.Length < needed)
                            bigger = new byte[needed * 2];
                        Array.Copy(_buffer, bigger, _length);
                        _buffer = bigger;
                    }
                    Array.Copy(data, 0, _buffer, _length, data.Length);
                    _length = needed;
                }
            }
        }
        """).RunAsync();

    // Issue 14, FP shape 4
    [Fact]
    public Task Field_read_inside_an_unrelated_lock_does_not_make_it_guarded() => new Test("""
        using System;
        using System.IO;
        using System.Threading;
        using ExecutorGen;

        public sealed class Uplink
        {
            private readonly object _logSync = new();
            private readonly TextWriter _log = Console.Out;
            private string _state = "connecting";

            public void Start() => new Thread(ReadLoop) { IsBackground = true }.Start();

            private void ReadLoop()
            {
                _state = "connected";
                Log("up");
                // ... read frames until the peer closes ...
                _state = "closed";
                Log("down");
            }

            [RequestHandler]
            public string Status(int probe) => probe + ": " + _state;

            private void Log(string message)
            {
                lock (_logSync)
                {
                    _log.WriteLine($"{DateTime.UtcNow:O} [{_state}] {message}");
                }
            }
        }
        """).RunAsync();

    // Issue 14, FP shape 4
    [Fact]
    public Task Reference_assigned_before_the_timer_that_reads_it_is_started_is_not_reported() => new Test("""
        using System;
        using System.Threading;

        public sealed class HealthProbe : IDisposable
        {
            private readonly object _sync = new();
            private Uri _endpoint;
            private Timer _timer;

            public void Start(Uri endpoint)
            {
                lock (_sync)
                {
                    if (_timer != null)
                        throw new InvalidOperationException("already started");
                    _endpoint = endpoint;
                    _timer = new Timer(_ => Probe(), null, 0, 10_000);
                }
            }

            private void Probe()
            {
                Console.WriteLine($"probing {_endpoint}");
            }

            public void Dispose()
            {
                lock (_sync)
                    _timer?.Dispose();
            }
        }
        """).RunAsync();

    // Issue 14, FP shape 4
    [Fact]
    public Task Reference_assigned_before_the_thread_that_reads_it_is_started_is_not_reported() => new Test("""
        using System;
        using System.IO;
        using System.Threading;

        public sealed class LineReader
        {
            private readonly object _sync = new();
            private TextReader _source;
            private Thread _thread;

            public void Open(TextReader source)
            {
                lock (_sync)
                {
                    if (_thread != null)
                        throw new InvalidOperationException("already open");
                    _source = source;
                    _thread = new Thread(Pump) { IsBackground = true };
                    _thread.Start();
                }
            }

            private void Pump()
            {
                string line;
                while ((line = _source.ReadLine()) != null)
                    Console.WriteLine(line);
            }
        }
        """).RunAsync();
}
