using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace ExecutorGen.Orleans;

/// <summary>
/// Grain storage held in this process and shared by every silo in it, so it outlives any one silo: for tests and
/// one-process demos that run several silos and take one down (Orleans' memory storage keeps state in grains, which
/// die with their silo). Everything is lost when the process exits: a real cluster uses a shared database (ADO.NET,
/// Redis, …) instead. State is stored serialized, with an ETag checked on every write, as a real provider does.
/// </summary>
public sealed class SharedMemoryGrainStorage : IGrainStorage
{
    private static readonly ConcurrentDictionary<(string Storage, string State, GrainId Grain), (byte[] Data, string ETag)> s_records = new();
    private readonly string _name;
    private readonly Serializer _serializer;

    /// <summary>Creates a view of the process-wide store under a storage name.</summary>
    /// <param name="name">The storage name; silos that use the same name share records.</param>
    /// <param name="serializer">The silo's serializer.</param>
    public SharedMemoryGrainStorage(string name, Serializer serializer)
    {
        _name = name ?? throw new ArgumentNullException(nameof(name));
        _serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
    }

    /// <summary>Registers the shared store as the silo's <see cref="ClusterHandlers.StorageName"/> grain storage.</summary>
    /// <param name="services">The silo's service collection.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddForClusterHandlers(IServiceCollection services)
    {
        if (services is null)
            throw new ArgumentNullException(nameof(services));
        return services.AddKeyedSingleton<IGrainStorage>(ClusterHandlers.StorageName,
            (provider, _) => new SharedMemoryGrainStorage(ClusterHandlers.StorageName, provider.GetRequiredService<Serializer>()));
    }

    /// <inheritdoc/>
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (s_records.TryGetValue((_name, stateName, grainId), out var record))
        {
            grainState.State = _serializer.Deserialize<T>(record.Data);
            grainState.ETag = record.ETag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (_name, stateName, grainId);
        var next = (Data: _serializer.SerializeToArray(grainState.State), ETag: Guid.NewGuid().ToString("N"));
        bool written = grainState.ETag is null
            ? s_records.TryAdd(key, next)
            : s_records.TryGetValue(key, out var current) && current.ETag == grainState.ETag && s_records.TryUpdate(key, next, current);
        if (!written)
            throw new InconsistentStateException($"ETag mismatch writing {stateName} of {grainId}: another activation wrote it first.");
        grainState.ETag = next.ETag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        s_records.TryRemove((_name, stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
