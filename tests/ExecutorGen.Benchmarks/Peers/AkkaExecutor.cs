using Akka.Actor;
using Akka.Configuration;
using Akka.Routing;
using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Peers;

/// <summary>
/// Akka.NET as its routing documentation recommends for keyed work: a <see cref="ConsistentHashingPool"/>
/// of <c>workerCount</c> routees with a hash mapping on the key (a key always reaches the same actor, so
/// its requests run in order), fed with <c>Tell</c>. Akka mailboxes are unbounded; the same bounded
/// capacity with waiting producers is kept with credits: a producer takes one before <c>Tell</c> (waiting
/// asynchronously when none is left) and the actor returns it after handling the request.
/// </summary>
public sealed class AkkaExecutor<THandler> : IBenchExecutor
    where THandler : struct, IWorkHandler
{
    private static readonly Config s_config = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        """);

    private readonly ActorSystem _system;
    private readonly IActorRef _router;
    private readonly SemaphoreSlim _credits;
    private long _completed;
    private long _failed;

    /// <summary>Starts an actor system with a pool of <paramref name="workerCount"/> routees and <paramref name="capacity"/> credits.</summary>
    public AkkaExecutor(int workerCount, int capacity, THandler handler)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workerCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _credits = new SemaphoreSlim(capacity, capacity);
        _system = ActorSystem.Create("bench", s_config);
        var pool = new ConsistentHashingPool(workerCount).WithHashMapping(message => ((BenchRequest)message).Key);
        _router = _system.ActorOf(Props.Create(() => new WorkerActor(handler, this)).WithRouter(pool), "workers");
    }

    /// <inheritdoc />
    public long CompletedCount => Interlocked.Read(ref _completed);

    /// <inheritdoc />
    public long FailedCount => Interlocked.Read(ref _failed);

    /// <inheritdoc />
    public ValueTask SubmitAsync(BenchRequest request)
    {
        if (_credits.Wait(0))
        {
            _router.Tell(request, ActorRefs.NoSender);
            return default;
        }
        return WaitAndTellAsync(request);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _system.Terminate().ConfigureAwait(false);
        _credits.Dispose();
    }

    private async ValueTask WaitAndTellAsync(BenchRequest request)
    {
        await _credits.WaitAsync().ConfigureAwait(false);
        _router.Tell(request, ActorRefs.NoSender);
    }

    private void Handled(bool succeeded)
    {
        Interlocked.Increment(ref succeeded ? ref _completed : ref _failed);
        _credits.Release();
    }

    /// <summary>A routee: handles its keys' requests one at a time, in mailbox order.</summary>
    private sealed class WorkerActor : ReceiveActor
    {
        public WorkerActor(THandler handler, AkkaExecutor<THandler> owner)
        {
            if (handler.IsSynchronous)
            {
                Receive<BenchRequest>(request =>
                {
                    bool succeeded = true;
                    try
                    {
                        handler.HandleAsync(request).GetAwaiter().GetResult();
                    }
                    catch (Exception)
                    {
                        succeeded = false;
                    }
                    owner.Handled(succeeded);
                });
            }
            else
            {
                // ReceiveAsync suspends the mailbox until the handler's task completes: per-key order holds.
                ReceiveAsync<BenchRequest>(async request =>
                {
                    bool succeeded = true;
                    try
                    {
                        await handler.HandleAsync(request).ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        succeeded = false;
                    }
                    owner.Handled(succeeded);
                });
            }
        }
    }
}
