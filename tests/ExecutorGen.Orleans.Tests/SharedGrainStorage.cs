using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace ExecutorGen.Orleans.Tests;

/// <summary>
/// Grain storage that every silo of the process shares and that outlives any one of them: the stand-in for a real
/// database (ADO.NET, Redis) in the silo-failure test. The in-box memory storage keeps state in grains, which die with
/// their silo. State is stored serialized, with an ETag checked on every write, as a real provider does.
/// </summary>
public sealed class SharedGrainStorage : IGrainStorage
{
    private static readonly ConcurrentDictionary<(string State, GrainId Grain), (byte[] Data, string ETag)> s_records = new();
    private readonly Serializer _serializer;

    public SharedGrainStorage(Serializer serializer) => _serializer = serializer;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (s_records.TryGetValue((stateName, grainId), out var record))
        {
            grainState.State = _serializer.Deserialize<T>(record.Data);
            grainState.ETag = record.ETag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        var next = (_serializer.SerializeToArray(grainState.State), Guid.NewGuid().ToString("N"));
        bool written = grainState.ETag is null
            ? s_records.TryAdd(key, next)
            : s_records.TryGetValue(key, out var current) && current.ETag == grainState.ETag && s_records.TryUpdate(key, next, current);
        if (!written)
            throw new InconsistentStateException($"ETag mismatch writing {stateName} of {grainId}.");
        grainState.ETag = next.Item2;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        s_records.TryRemove((stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
