using System.Threading.Tasks;
using Xunit;
using FixTest = ExecutorGen.Analyzers.Tests.CodeFixTest<
    ExecutorGen.Analyzers.HashRoutingAnalyzer,
    ExecutorGen.CodeFixes.HashRoutingCodeFixProvider>;
using Test = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.HashRoutingAnalyzer>;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

public class HashRoutingTests
{
    private static string Router(string members) => $$"""
        using System;
        using System.Collections.Generic;

        class Router
        {
            private readonly List<string>[] _lanes = new List<string>[8];
            private readonly int _count = 8;

        {{members}}
        }
        """;

    private static Task Verify(string members) => new Test(Router(members)).RunAsync();

    // Must flag.

    [Fact]
    public Task GetHashCode_modulo_as_array_index() => Verify("""
            public List<string> Lane(string key) => _lanes[{|EXG005:key.GetHashCode() % _lanes.Length|}];
        """);

    [Fact]
    public Task GetHashCode_modulo_returned() => Verify("""
            public int Shard(object key) => {|EXG005:key.GetHashCode() % _count|};
        """);

    [Fact]
    public Task Local_initialized_from_GetHashCode() => Verify("""
            public int Shard(string key)
            {
                int h = key.GetHashCode();
                return {|EXG005:h % _count|};
            }
        """);

    [Fact]
    public Task Comparer_and_HashCode_Combine() => Verify("""
            public int A(string key) => {|EXG005:EqualityComparer<string>.Default.GetHashCode(key) % _count|};
            public int B(string a, int b) => {|EXG005:HashCode.Combine(a, b) % _count|};
        """);

    [Fact]
    public Task Variable_named_hash_used_as_index() => Verify("""
            public List<string> Lane(int keyHash) => _lanes[{|EXG005:keyHash % _lanes.Length|}];
        """);

    [Fact]
    public Task Math_Abs_of_a_hash() => Verify("""
            public int A(string key) => {|EXG005:Math.Abs(key.GetHashCode())|} % _count;
            public int C(string key) => {|EXG005:System.Math.Abs(key.GetHashCode())|} % _count;
            public int B(int hash) { int positive = {|EXG005:Math.Abs(hash)|}; return positive; }
        """);

    // Must not flag.

    // Duplicati's repair: an int named for hashes is a number of them (a count from lengths), not a hash.
    [Fact]
    public Task A_count_of_hashes_is_not_a_hash() => Verify("""
            public List<string> Last(long length, int blockSize, int totalHashes, int hashCount) =>
                _lanes[totalHashes % _lanes.Length].Count > hashCount % _count ? _lanes[0] : _lanes[hashCount % _lanes.Length];
        """);

    [Fact]
    public Task Unsigned_remainder_is_fine() => Verify("""
            public int A(string key) => (int)((uint)key.GetHashCode() % (uint)_count);
            public uint B(uint hash) => hash % 8u;
        """);

    // uint % int is computed as long (bitwarden's CoreHelpers, issue 14 round 8): an unsigned hash widened is never negative.
    [Fact]
    public Task Unsigned_hash_widened_to_long_is_fine() => Verify("""
            public long A(uint hash) => hash % _count;
            public List<string> B(uint keyHash) => _lanes[keyHash % _lanes.Length];
        """);

    [Fact]
    public Task Unsigned_hash_cast_to_int_is_flagged() => Verify("""
            public List<string> B(uint keyHash) => _lanes[{|EXG005:(int)keyHash % _lanes.Length|}];
        """);

    // Math.Abs of a 64-bit hash throws only for long.MinValue, one value in 2^64 (bitwarden's enumeration protection, a
    // keyed HMAC's first eight bytes, issue 14 round 9); an int hash is int.MinValue for one key in 2^32, which real key
    // sets reach.
    [Fact]
    public Task Abs_of_a_64_bit_hash_is_fine() => Verify("""
            public int Shard(long hashNumber) => (int)(Math.Abs(hashNumber) % _count);
        """);

    [Fact]
    public Task Abs_of_a_32_bit_hash_is_flagged() => Verify("""
            public int Shard(int hashNumber) => {|EXG005:Math.Abs(hashNumber)|} % _count;
        """);

    [Fact]
    public Task Masked_sign_bit_is_fine() => Verify("""
            public int Shard(string key) => (key.GetHashCode() & 0x7FFFFFFF) % _count;
        """);

    [Fact]
    public Task Abs_of_the_remainder_is_fine() => Verify("""
            public int Shard(string key) => Math.Abs(key.GetHashCode() % _count);
        """);

    [Fact]
    public Task Parity_test_does_not_care_about_sign() => Verify("""
            public bool Sampled(string key) => key.GetHashCode() % 2 == 0;
            public bool Other(string key) => 0 != key.GetHashCode() % 16;
        """);

    [Fact]
    public Task Non_hash_modulo_and_Abs_are_fine() => Verify("""
            public int A(int index) => _lanes.Length == 0 ? 0 : index % _lanes.Length;
            public int B(int delta) => Math.Abs(delta);
            public double C(double hashRatio) => Math.Abs(hashRatio);
        """);

    [Fact]
    public Task Named_hash_not_used_as_an_index_is_fine() => Verify("""
            public bool Odd(int hashCount) => hashCount % 2 > 0;
        """);

    // The one value Math.Abs throws for, tested first by a conditional around it (a data grid client's partitioner).
    [Fact]
    public Task Math_Abs_after_a_MinValue_test_is_fine() => Verify("""
            public int A(int partitionHash) => partitionHash == int.MinValue ? 0 : Math.Abs(partitionHash) % _count;
            public int B(int partitionHash) => partitionHash != int.MinValue ? Math.Abs(partitionHash) % _count : 0;
        """);

    [Fact]
    public Task Math_Abs_in_the_MinValue_branch_or_of_another_hash_is_reported() => Verify("""
            public int A(int partitionHash) => partitionHash == int.MinValue ? {|EXG005:Math.Abs(partitionHash)|} % _count : 0;
            public int B(int partitionHash, int otherHash) => otherHash == int.MinValue ? 0 : {|EXG005:Math.Abs(partitionHash)|} % _count;
        """);

    // A hash table whose slots keep each entry's hash, masked where it is stored, and -1 in a freed slot: the
    // rehash reads the stored hashes back (a shape seen in a real networking library's peer set).
    private const string SlotTable = """
        class SlotTable
        {
            private struct Slot
            {
                internal int HashCode;
                internal int Next;
                internal object Value;
            }

            private Slot[] _slots = new Slot[4];
            private int[] _buckets = new int[4];

            public void Add(object value, int index)
            {
                int hashCode = value.GetHashCode() & 0x7FFFFFFF;
                _slots[index].HashCode = hashCode;
                _slots[index].Value = value;
            }

            public void Remove(int index) => _slots[index].HashCode = -1;

            public void Rehash(int size)
            {
                _buckets = new int[size];
                for (int i = 0; i < _slots.Length; i++)
                    _buckets[REHASH] = i + 1;
            }
        }
        """;

    [Fact]
    public Task Named_hash_stored_masked_where_it_is_written_is_fine() =>
        new Test(SlotTable.Replace("REHASH", "_slots[i].HashCode % size")).RunAsync();

    [Fact]
    public Task Named_hash_stored_unmasked_anywhere_is_still_reported() =>
        new Test(SlotTable
            .Replace("REHASH", "{|EXG005:_slots[i].HashCode % size|}")
            .Replace("public void Remove(int index) => _slots[index].HashCode = -1;", "public void Remove(int index, object other) => _slots[index].HashCode = other.GetHashCode();")).RunAsync();

    [Fact]
    public Task Named_hash_stored_only_as_a_constant_is_still_reported() =>
        new Test(SlotTable
            .Replace("REHASH", "{|EXG005:_slots[i].HashCode % size|}")
            .Replace("_slots[index].HashCode = hashCode;", "")).RunAsync();

    // Code fix.

    [Fact]
    public Task Fix_rewrites_the_remainder_unsigned() => new FixTest(
        Router("""
                public List<string> Lane(string key) => _lanes[{|EXG005:key.GetHashCode() % _lanes.Length|}];
            """),
        Router("""
                public List<string> Lane(string key) => _lanes[(int)((uint)key.GetHashCode() % (uint)_lanes.Length)];
            """)).RunAsync();

    [Fact]
    public Task Fix_replaces_Math_Abs_and_the_remainder() => new FixTest(
        Router("""
                public int Shard(string key) => {|EXG005:Math.Abs(key.GetHashCode())|} % (_count + 1);
            """),
        Router("""
                public int Shard(string key) => (int)((uint)key.GetHashCode() % (uint)(_count + 1));
            """)).RunAsync();

    [Fact]
    public Task Fix_all_in_document() => new FixTest(
        Router("""
                public int A(string key) => {|EXG005:key.GetHashCode() % _count|};
                public int B(string key) => {|EXG005:key.GetHashCode() % _count|} + 1;
            """),
        Router("""
                public int A(string key) => (int)((uint)key.GetHashCode() % (uint)_count);
                public int B(string key) => (int)((uint)key.GetHashCode() % (uint)_count) + 1;
            """)).RunAsync();

    [Fact]
    public Task No_fix_for_a_long_hash_or_Abs_alone()
    {
        string source = Router("""
                public long A(long hash, long n) => _lanes[{|EXG005:hash % n|}].Count;
                public int B(int hash) => {|EXG005:Math.Abs(hash)|};
            """);
        return new FixTest(source, source).RunAsync();
    }
}
