using System.Threading.Tasks;
using Xunit;
using EscapeTest = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.ExceptionEscapesWorkerAnalyzer>;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The sixth round of issue 14's false positives (docs/analyzers-on-real-code.md), from codebases measured out of sample:
/// each must-not-flag test failed before its fix, and each has a companion that stays reported.
/// </summary>
public class RealCodeRound6Tests
{
    // EXG002: a wait on an event that nothing ever disposes (ManualResetEventSlim.Wait(), WaitOne()) fails only with an
    // ObjectDisposedException, so it cannot fail: a ring buffer's timeout thread that first waits for its predecessor to
    // end, on an event of its private state object.
    private const string TimeoutThread = """
        using System;
        using System.Threading;

        public sealed class TimeoutWaiter
        {
            private sealed class ThreadState
            {
                public ManualResetEventSlim PreviousStateCompleted { get; } = new ManualResetEventSlim();
                public ManualResetEventSlim Completed { get; } = new ManualResetEventSlim();
                public volatile bool IsRunning = true;
            }

            private ThreadState _state = new ThreadState();

            public void Restart()
            {
                var previous = _state;
                var state = new ThreadState();
                _state = state;
                previous.IsRunning = false;
                previous.Completed.Wait(100);
                state.PreviousStateCompleted.Set();
                new Thread(() => Run(state)) { IsBackground = true }.Start();
            }

            private static void Run(ThreadState state)
            {
                state.PreviousStateCompleted.Wait();
                try
                {
                    while (state.IsRunning)
                        Thread.Sleep(10);
                }
                catch (Exception ex)
                {
                    Console.Error.WriteLine(ex);
                }
                finally
                {
                    state.Completed.Set();
                }
            }
        }
        """;

    [Fact]
    public Task Wait_on_an_event_nothing_disposes_is_not_reported() => new EscapeTest(TimeoutThread).RunAsync();

    // The companions: the owner disposes the event (the wait can then fail), or the event is reachable from outside the
    // type (anyone may dispose it).
    [Fact]
    public Task Wait_on_an_event_its_owner_disposes_is_reported() => new EscapeTest(TimeoutThread
        .With("state.PreviousStateCompleted.Wait();", "{|EXG002:state.PreviousStateCompleted.Wait()|};")
        .With("public void Restart()", "public void Stop() => _state.PreviousStateCompleted.Dispose(); public void Restart()")).RunAsync();

    [Fact]
    public Task Wait_on_an_event_others_can_reach_is_reported() => new EscapeTest(TimeoutThread
        .With("private sealed class ThreadState", "public sealed class ThreadState")
        .With("private ThreadState _state", "public ThreadState State => _state; private ThreadState _state")
        .With("private static void Run(ThreadState state)", "public static void Run(ThreadState state)")
        .With("state.PreviousStateCompleted.Wait();", "{|EXG002:state.PreviousStateCompleted.Wait()|};")).RunAsync();
}
