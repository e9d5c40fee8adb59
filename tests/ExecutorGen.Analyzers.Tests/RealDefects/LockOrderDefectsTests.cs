using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.LockOrderAnalyzer>;

namespace ExecutorGen.Analyzers.Tests.RealDefects;

/// <summary>EXG003: lock-order inversions fixed in real code (reduced models, no third-party code).</summary>
public class LockOrderDefectsTests
{
    // Defect 09. quartznet/quartznet, fix e8acf314a65652f82419265f4c0b1f839f2e37df (parent 9c73067c, QRTZNET-103),
    // src/Quartz/Simpl/RAMJobStore.cs: before StoreTrigger takes triggerLock (332) then pausedTriggerGroups (348);
    // PauseTriggerGroup takes pausedTriggerGroups (972) and then, through GetTriggerNames (786) and PauseTrigger (948),
    // triggerLock; after: every pausedTriggerGroups (and jobLock) region locks triggerLock instead. Same type, through
    // calls.
    private const string StoreBefore = """
        using System.Collections.Generic;
        using System.Linq;

        public enum EntryState { Waiting, Paused }

        public sealed class TriggerEntry
        {
            public string Key { get; set; }
            public string Group { get; set; }
            public EntryState State { get; set; }
        }

        public class MemoryJobStore
        {
            private readonly object _triggerLock = new object();
            private readonly HashSet<string> _pausedTriggerGroups = new HashSet<string>();
            private readonly Dictionary<string, TriggerEntry> _triggersByKey = new Dictionary<string, TriggerEntry>();

            public void StoreTrigger(TriggerEntry trigger)
            {
                lock (_triggerLock)
                {
                    _triggersByKey[trigger.Key] = trigger;
                    lock ({|EXG003:_pausedTriggerGroups|})
                    {
                        if (_pausedTriggerGroups.Contains(trigger.Group))
                            trigger.State = EntryState.Paused;
                    }
                }
            }

            public void PauseTriggerGroup(string group)
            {
                lock (_pausedTriggerGroups)
                {
                    if (!_pausedTriggerGroups.Add(group))
                        return;

                    foreach (var key in GetTriggerKeys(group))
                        PauseTrigger(key);
                }
            }

            public string[] GetTriggerKeys(string group)
            {
                lock (_triggerLock)
                    return _triggersByKey.Values.Where(t => t.Group == group).Select(t => t.Key).ToArray();
            }

            public void PauseTrigger(string key)
            {
                lock (_triggerLock)
                {
                    if (_triggersByKey.TryGetValue(key, out var trigger))
                        trigger.State = EntryState.Paused;
                }
            }
        }
        """;

    private const string StoreAfter = """
        using System.Collections.Generic;
        using System.Linq;

        public enum EntryState { Waiting, Paused }

        public sealed class TriggerEntry
        {
            public string Key { get; set; }
            public string Group { get; set; }
            public EntryState State { get; set; }
        }

        public class MemoryJobStore
        {
            private readonly object _triggerLock = new object();
            private readonly HashSet<string> _pausedTriggerGroups = new HashSet<string>();
            private readonly Dictionary<string, TriggerEntry> _triggersByKey = new Dictionary<string, TriggerEntry>();

            public void StoreTrigger(TriggerEntry trigger)
            {
                lock (_triggerLock)
                {
                    _triggersByKey[trigger.Key] = trigger;
                    if (_pausedTriggerGroups.Contains(trigger.Group))
                        trigger.State = EntryState.Paused;
                }
            }

            public void PauseTriggerGroup(string group)
            {
                lock (_triggerLock)
                {
                    if (!_pausedTriggerGroups.Add(group))
                        return;

                    foreach (var key in GetTriggerKeys(group))
                        PauseTrigger(key);
                }
            }

            public string[] GetTriggerKeys(string group)
            {
                lock (_triggerLock)
                    return _triggersByKey.Values.Where(t => t.Group == group).Select(t => t.Key).ToArray();
            }

            public void PauseTrigger(string key)
            {
                lock (_triggerLock)
                {
                    if (_triggersByKey.TryGetValue(key, out var trigger))
                        trigger.State = EntryState.Paused;
                }
            }
        }
        """;

    [Fact]
    public Task Trigger_lock_and_paused_groups_lock_in_opposite_orders_before_is_flagged() =>
        new Test(StoreBefore).RunAsync();

    [Fact]
    public Task Trigger_lock_and_paused_groups_lock_in_opposite_orders_after_is_silent() =>
        new Test(StoreAfter).RunAsync();

    // Defect 20. quartznet/quartznet, fix e25120d2fbcce77dfebe66584714fcd30a5f34a4 (parent 2197468a),
    // src/Quartz/Core/QuartzSchedulerThread.cs: before 372-378 the scheduler thread holds sigLock while it calls
    // qsRsrcs.JobStore.TriggerFired (IJobStore), which takes the store's triggerLock (src/Quartz/Simpl/RAMJobStore.cs
    // 1336); a job thread completing a stateful job holds triggerLock (RAMJobStore.cs 1425) and calls
    // signaler.SignalSchedulingChange (1463, ISchedulerSignaler -> src/Quartz/Core/SchedulerSignalerImpl.cs 83-85 ->
    // QuartzSchedulerThread.SignalSchedulingChange 207-209), which takes sigLock; after 372-381 the halted flag is read
    // under sigLock and TriggerFired is called outside it.
    // Cross-type: three classes, both legs through interface calls. (In the AFTER snapshot the scheduler thread still
    // calls JobStore.ReleaseAcquiredTrigger inside a sigLock region, about line 334; the model keeps only the fixed leg.)
    private const string SchedulerThreadBefore = """
        using System;
        using System.Threading;

        public sealed class SchedulerThread
        {
            private readonly object _sigLock = new object();
            private readonly IJobStore _jobStore;
            private bool _halted;
            private bool _signaled;

            public SchedulerThread(IJobStore jobStore) => _jobStore = jobStore;

            public void SignalSchedulingChange()
            {
                lock (_sigLock)
                {
                    _signaled = true;
                    Monitor.PulseAll(_sigLock);
                }
            }

            public FiredBundle Fire(Trigger trigger)
            {
                FiredBundle bundle = null;
                lock (_sigLock)
                {
                    if (!_halted)
                    {
                        try
                        {
                            bundle = {|EXG003:_jobStore.TriggerFired(trigger)|};
                        }
                        catch (Exception e)
                        {
                            Console.Error.WriteLine("Firing trigger " + trigger.Name + " failed: " + e);
                        }
                    }
                }

                return bundle;
            }

            public void Halt()
            {
                lock (_sigLock)
                    _halted = true;
            }
        }
        """;

    private const string SchedulerThreadAfter = """
        using System;
        using System.Threading;

        public sealed class SchedulerThread
        {
            private readonly object _sigLock = new object();
            private readonly IJobStore _jobStore;
            private bool _halted;
            private bool _signaled;

            public SchedulerThread(IJobStore jobStore) => _jobStore = jobStore;

            public void SignalSchedulingChange()
            {
                lock (_sigLock)
                {
                    _signaled = true;
                    Monitor.PulseAll(_sigLock);
                }
            }

            public FiredBundle Fire(Trigger trigger)
            {
                FiredBundle bundle = null;
                bool goAhead;
                lock (_sigLock)
                    goAhead = !_halted;

                if (goAhead)
                {
                    try
                    {
                        bundle = _jobStore.TriggerFired(trigger);
                    }
                    catch (Exception e)
                    {
                        Console.Error.WriteLine("Firing trigger " + trigger.Name + " failed: " + e);
                    }
                }

                return bundle;
            }

            public void Halt()
            {
                lock (_sigLock)
                    _halted = true;
            }
        }
        """;

    private const string JobStore = """
        using System.Collections.Generic;

        public sealed class Trigger
        {
            public string Name { get; set; }
            public string JobName { get; set; }
        }

        public sealed class JobDetail
        {
            public string Name { get; set; }
            public bool Stateful { get; set; }
        }

        public sealed class FiredBundle
        {
            public FiredBundle(Trigger trigger) => Trigger = trigger;
            public Trigger Trigger { get; }
        }

        public interface IJobStore
        {
            FiredBundle TriggerFired(Trigger trigger);
            void TriggeredJobComplete(Trigger trigger, JobDetail job);
        }

        public interface ISchedulerSignaler
        {
            void SignalSchedulingChange();
        }

        public sealed class InMemoryJobStore : IJobStore
        {
            private readonly object _triggerLock = new object();
            private readonly HashSet<string> _blockedJobs = new HashSet<string>();
            private readonly ISchedulerSignaler _signaler;

            public InMemoryJobStore(ISchedulerSignaler signaler) => _signaler = signaler;

            public FiredBundle TriggerFired(Trigger trigger)
            {
                lock (_triggerLock)
                {
                    _blockedJobs.Add(trigger.JobName);
                    return new FiredBundle(trigger);
                }
            }

            public void TriggeredJobComplete(Trigger trigger, JobDetail job)
            {
                lock (_triggerLock)
                {
                    if (job.Stateful)
                    {
                        _blockedJobs.Remove(job.Name);
                        _signaler.SignalSchedulingChange();
                    }
                }
            }
        }
        """;

    private const string Signaler = """
        public sealed class SchedulerSignaler : ISchedulerSignaler
        {
            private readonly SchedulerThread _schedulerThread;

            public SchedulerSignaler(SchedulerThread schedulerThread) => _schedulerThread = schedulerThread;

            public void SignalSchedulingChange() => _schedulerThread.SignalSchedulingChange();
        }

        public sealed class JobRunShell
        {
            private readonly IJobStore _jobStore;

            public JobRunShell(IJobStore jobStore) => _jobStore = jobStore;

            public void Run(Trigger trigger, JobDetail job)
            {
                // ... the job runs here, on a pool thread ...
                _jobStore.TriggeredJobComplete(trigger, job);
            }
        }
        """;

    [Fact]
    public Task Scheduler_signal_lock_and_job_store_lock_through_interfaces_before_is_flagged() =>
        // Each order is taken at one place, so both are reported: the scheduler thread's call and the job store's call back.
        new Test(SchedulerThreadBefore).RunWith(JobStore.Replace("_signaler.SignalSchedulingChange();", "{|EXG003:_signaler.SignalSchedulingChange()|};"), Signaler);

    [Fact]
    public Task Scheduler_signal_lock_and_job_store_lock_through_interfaces_after_is_silent() =>
        new Test(SchedulerThreadAfter).RunWith(JobStore, Signaler);
}
