using ExecutorGen.Runtime;

namespace ExecutorGen.Tests;

public class PartitionHashTests
{
    private enum Color { Red, Green }

    [Fact]
    public void String_hashes_are_fixed_values_independent_of_the_process()
    {
        // Pinned (FNV-1a 64 over UTF-16 code units, then the Murmur3 finaliser; checked independently):
        // a different value means keys would move between workers across versions or machines.
        Assert.Equal(0x3507D047A67C08F4UL, PartitionHash.Hash("alice"));
        Assert.Equal(PartitionHash.Hash("alice"), PartitionHash.Hash(new string("alice".ToCharArray())));
        Assert.NotEqual(PartitionHash.Hash("alice"), PartitionHash.Hash("alicf"));
    }

    [Fact]
    public void Value_keys_hash_by_value()
    {
        var guid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        Assert.Equal(PartitionHash.Hash(guid), PartitionHash.Hash(Guid.Parse(guid.ToString())));
        Assert.Equal(PartitionHash.Hash(Color.Green), PartitionHash.Hash(Color.Green));
        Assert.NotEqual(PartitionHash.Hash(Color.Red), PartitionHash.Hash(Color.Green));
        Assert.NotEqual(PartitionHash.Hash(1), PartitionHash.Hash(2));
        Assert.Equal(0UL, PartitionHash.Hash<string?>(null));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(1000)]
    public void Buckets_are_never_negative_and_always_in_range(int buckets)
    {
        var keys = new[] { int.MinValue, -1, 0, 1, int.MaxValue }.Concat(Enumerable.Range(-5_000, 10_000));
        Assert.All(keys, key => Assert.InRange(PartitionHash.Bucket(key, buckets), 0, buckets - 1));
        Assert.All(new[] { long.MinValue, long.MaxValue, -1L }, key => Assert.InRange(PartitionHash.Bucket(key, buckets), 0, buckets - 1));
    }

    [Fact]
    public void Keys_spread_evenly_and_growing_the_pool_moves_few_keys()
    {
        var keys = Enumerable.Range(0, 100_000).Select(i => "user-" + i).ToArray();
        var counts = new int[8];
        foreach (var key in keys)
            counts[PartitionHash.Bucket(key, 8)]++;
        Assert.All(counts, count => Assert.InRange(count, 11_500, 13_500));

        int moved = keys.Count(key => PartitionHash.Bucket(key, 8) != PartitionHash.Bucket(key, 9));
        // Jump consistent hash moves about 1/9 of the keys; modulo hashing would move about 8/9.
        Assert.InRange(moved, 9_000, 13_500);
    }
}
