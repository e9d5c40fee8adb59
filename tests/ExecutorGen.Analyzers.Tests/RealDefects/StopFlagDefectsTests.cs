using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.StopFlagTest;

namespace ExecutorGen.Analyzers.Tests.RealDefects;

/// <summary>EXG006: plain bool stop flags of real worker loops (reduced models, no third-party code).</summary>
public class StopFlagDefectsTests
{
    // Defect 01. quartznet/quartznet, fix 22a250f8dca97bd026963c6738758dd9a6dcbe25 (parent 4fcec8af),
    // src/Quartz/Impl/AdoJobStore/JobStoreSupport.cs: before 3490 `private bool shutdown;`, 3510 Shutdown() sets it,
    // 3539 `while (!shutdown)` in the misfire handler's Run(); after 3504: `private volatile bool shutdown;`.
    // Cross-type: the thread is created in the base class (src/Quartz/QuartzThread.cs, `new Thread(new ThreadStart(Run))`
    // with a virtual Run), the loop is the override in a nested subclass, and Shutdown() is called by the outer store.
    private const string PeriodicThread = """
        using System.Threading;

        public class PeriodicThread
        {
            private readonly Thread _thread;

            public PeriodicThread() => _thread = new Thread(new ThreadStart(Run));

            public virtual void Run() { }

            public void Start() => _thread.Start();
            public void Interrupt() => _thread.Interrupt();
            public void Join() => _thread.Join();
            public bool IsBackground { get => _thread.IsBackground; set => _thread.IsBackground = value; }
        }
        """;

    private const string RecordStore = """
        using System;
        using System.Threading;

        public class RecordStore
        {
            private RecoveryLoop _recovery;

            public void Initialize()
            {
                _recovery = new RecoveryLoop(this);
                _recovery.Start();
            }

            public void Shutdown()
            {
                if (_recovery != null)
                    _recovery.Shutdown();
            }

            internal int RecoverOverdueRecords() => 0;

            internal sealed class RecoveryLoop : PeriodicThread
            {
                private readonly RecordStore _store;
                FLAG
                private int _failures;

                public RecoveryLoop(RecordStore store)
                {
                    _store = store;
                    IsBackground = true;
                }

                public void Shutdown()
                {
                    _shutdown = true;
                    Interrupt();
                }

                public override void Run()
                {
                    while (!LOOP)
                    {
                        try { _store.RecoverOverdueRecords(); _failures = 0; }
                        catch (Exception) { _failures++; }

                        if (!_shutdown)
                        {
                            try { Thread.Sleep(TimeSpan.FromMilliseconds(50)); }
                            catch (ThreadInterruptedException) { }
                        }
                    }
                }
            }
        }
        """;

    [Fact]
    public Task Recovery_loop_flag_set_by_the_owning_store_before_is_flagged() =>
        new Test(RecordStore.Replace("FLAG", "private bool _shutdown;").Replace("LOOP", "{|EXG006:_shutdown|}"))
            .RunWith(PeriodicThread);

    [Fact]
    public Task Recovery_loop_flag_set_by_the_owning_store_after_is_silent() =>
        new Test(RecordStore.Replace("FLAG", "private volatile bool _shutdown;").Replace("LOOP", "_shutdown"))
            .RunWith(PeriodicThread);

    // Defect 10. glebteterin/Lando, fix bab155a8f78fce04c86b7d88ad18019bd18f2c36 (parent 6adaa050, PR #1),
    // src/Lando/Watcher/Watcher.cs: before 24 `private bool _started;`, 96 `while (_started)` in Watch() run by
    // `new Thread(Watch)` (89-91), 50 Stop() sets it false; after 24 `private volatile bool _started;`. Single type.
    private const string CardWatcher = """
        using System.Threading;

        public class CardWatcher
        {
            FLAG
            private Thread _workingThread;

            public void Start()
            {
                _started = true;
                _workingThread = new Thread(Watch);
                _workingThread.IsBackground = true;
                _workingThread.Start();
            }

            public void Stop()
            {
                if (_started)
                    _started = false;
            }

            private void Watch()
            {
                while (LOOP)
                {
                    PollReaders();
                    Thread.Sleep(100);
                }
            }

            private static void PollReaders() { }
        }
        """;

    [Fact]
    public Task Card_watcher_started_flag_before_is_flagged() =>
        new Test(CardWatcher.Replace("FLAG", "private bool _started;").Replace("LOOP", "{|EXG006:_started|}")).RunAsync();

    [Fact]
    public Task Card_watcher_started_flag_after_is_silent() =>
        new Test(CardWatcher.Replace("FLAG", "private volatile bool _started;").Replace("LOOP", "_started")).RunAsync();
}
