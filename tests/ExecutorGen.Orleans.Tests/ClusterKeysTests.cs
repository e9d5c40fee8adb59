using System;
using System.Linq;
using Xunit;

namespace ExecutorGen.Orleans.Tests;

public sealed class ClusterKeysTests
{
    private enum Tier { Gold }

    private sealed record CompositeKey(string Tenant, int Id);

    [Fact]
    public void Keys_format_as_invariant_text()
    {
        Assert.Equal("alice", ClusterKeys.Format("alice"));
        Assert.Equal("1234567", ClusterKeys.Format(1234567));
        Assert.Equal("1.5", ClusterKeys.Format(1.5)); // invariant culture, whatever the current one
        Assert.Equal("Gold", ClusterKeys.Format(Tier.Gold));
        var guid = Guid.NewGuid();
        Assert.Equal(guid.ToString(), ClusterKeys.Format(guid));
        Assert.Equal("CompositeKey { Tenant = t, Id = 7 }", ClusterKeys.Format(new CompositeKey("t", 7)));
        Assert.Equal(ClusterKeys.NullKey, ClusterKeys.Format(null));
        Assert.NotEqual(ClusterKeys.Format(""), ClusterKeys.Format(null));
    }

    [Fact]
    public void Grain_keys_name_the_executor_and_the_key_or_its_bucket()
    {
        Assert.Equal("App.Sessions/alice", ClusterKeys.GrainKey("App.Sessions", "alice", null));
        Assert.Equal("App.Sessions/#" + ClusterKeys.Bucket("alice", 16), ClusterKeys.GrainKey("App.Sessions", "alice", 16));
    }

    [Fact]
    public void Buckets_are_stable_across_processes_and_spread_keys()
    {
        // Pinned values: a change here would move keys between grains of a running cluster.
        Assert.Equal(7, ClusterKeys.Bucket("alice", 16)); // FNV-1a over UTF-16 of "alice" = 2267157479, computed independently
        Assert.Equal(ClusterKeys.Bucket("user-42", 64), ClusterKeys.Bucket("user-42", 64));
        var counts = Enumerable.Range(0, 10_000).GroupBy(i => ClusterKeys.Bucket("user-" + i, 16)).Select(g => g.Count()).ToArray();
        Assert.Equal(16, counts.Length);
        Assert.All(counts, count => Assert.InRange(count, 500, 750));
    }

    [Fact]
    public void Bad_bucket_arguments_are_refused_by_name()
    {
        Assert.Equal("key", Assert.Throws<ArgumentNullException>(() => ClusterKeys.Bucket(null!, 4)).ParamName);
        Assert.Equal("bucketCount", Assert.Throws<ArgumentOutOfRangeException>(() => ClusterKeys.Bucket("a", 0)).ParamName);
    }
}
