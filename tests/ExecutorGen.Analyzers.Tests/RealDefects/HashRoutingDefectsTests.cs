using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.HashRoutingAnalyzer>;

namespace ExecutorGen.Analyzers.Tests.RealDefects;

/// <summary>EXG005: hash reductions that went negative in real code (reduced models, no third-party code).</summary>
public class HashRoutingDefectsTests
{
    // Defect 02. asynkron/protoactor-dotnet, fix 65479a99c57e27fac41337b4934220145ceedbce (parent 2de9dd90; PR #597,
    // squash f32c9edd), src/Proto.Actor/HashedConcurrentDictionary.cs: before 32
    // `var hash = Math.Abs(key.GetHashCode()) % HashSize;` (OverflowException for int.MinValue); after 32
    // `key.GetHashCode() & 0x7FFFFFFF % HashSize` (which, by precedence, masks with 0x7FFFFFFF % HashSize = 1023).
    private const string Registry = """
        using System;
        using System.Collections.Generic;

        internal sealed class PartitionedRegistry
        {
            private const int PartitionCount = 1024;
            private readonly Dictionary<string, object>[] _partitions = new Dictionary<string, object>[PartitionCount];

            public PartitionedRegistry()
            {
                for (var i = 0; i < _partitions.Length; i++)
                    _partitions[i] = new Dictionary<string, object>();
            }

            private Dictionary<string, object> GetPartition(string key)
            {
                var index = INDEX;
                return _partitions[index];
            }

            public bool TryAdd(string key, object value)
            {
                var partition = GetPartition(key);
                lock (partition)
                    return partition.TryAdd(key, value);
            }
        }
        """;

    [Fact]
    public Task Partition_index_from_Math_Abs_of_the_hash_before_is_flagged() =>
        new Test(Registry.Replace("INDEX", "{|EXG005:Math.Abs(key.GetHashCode())|} % PartitionCount")).RunAsync();

    [Fact]
    public Task Partition_index_from_Math_Abs_of_the_hash_after_is_silent() =>
        new Test(Registry.Replace("INDEX", "key.GetHashCode() & 0x7FFFFFFF % PartitionCount")).RunAsync();

    // Defect 15. dotliquid/dotliquid, fix e6da90417ca665c14cafd7d1d21b3489ea23130b (parent bdb59405; PR #58),
    // src/DotLiquid/Util/WeakTable.cs: before 34, 42, 55 `int i = key.GetHashCode() % _buckets.Length;` used as an
    // array index; after 34, 45, 62 `(int)((uint)key.GetHashCode() % (uint)_buckets.Length)`.
    private const string WeakCache = """
        using System;

        internal sealed class WeakCache<TKey, TValue> where TValue : class
        {
            private struct Bucket
            {
                public TKey Key;
                public WeakReference Value;
            }

            private readonly Bucket[] _buckets;

            public WeakCache(int size) => _buckets = new Bucket[size];

            public bool TryGetValue(TKey key, out TValue value)
            {
                int i = GET;
                var bucket = _buckets[i];
                value = bucket.Value == null || !Equals(bucket.Key, key) ? null : bucket.Value.Target as TValue;
                return value != null;
            }

            public void Set(TKey key, TValue value)
            {
                int i = SET;
                _buckets[i].Key = key;
                _buckets[i].Value = new WeakReference(value);
            }
        }
        """;

    [Fact]
    public Task Weak_cache_bucket_from_signed_hash_remainder_before_is_flagged() =>
        new Test(WeakCache
            .Replace("GET", "{|EXG005:key.GetHashCode() % _buckets.Length|}")
            .Replace("SET", "{|EXG005:key.GetHashCode() % _buckets.Length|}")).RunAsync();

    [Fact]
    public Task Weak_cache_bucket_from_signed_hash_remainder_after_is_silent() =>
        new Test(WeakCache
            .Replace("GET", "(int)((uint)key.GetHashCode() % (uint)_buckets.Length)")
            .Replace("SET", "(int)((uint)key.GetHashCode() % (uint)_buckets.Length)")).RunAsync();
}
