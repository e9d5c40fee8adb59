using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace ExecutorGen.Runtime;

/// <summary>
/// Maps partition keys to workers. The hash is stable across processes and machines for strings,
/// the integer types, <see cref="char"/>, <see cref="bool"/>, <see cref="Guid"/> and enums (never
/// <see cref="string.GetHashCode()"/>, which is randomised per process); other key types fall back
/// to <see cref="EqualityComparer{T}.Default"/>, which is consistent within one process.
/// </summary>
internal static class PartitionHash
{
    /// <summary>The worker for a key: jump consistent hash, always in [0, <paramref name="buckets"/>).</summary>
    public static int Bucket<TKey>(TKey key, int buckets) => JumpConsistentHash(Hash(key), buckets);

    public static ulong Hash<TKey>(TKey key)
    {
        // The typeof checks are constants to the JIT for value-type keys, so each instantiation keeps one branch.
        if (typeof(TKey) == typeof(int)) return Mix((ulong)(uint)(int)(object)key!);
        if (typeof(TKey) == typeof(long)) return Mix((ulong)(long)(object)key!);
        if (typeof(TKey) == typeof(uint)) return Mix((uint)(object)key!);
        if (typeof(TKey) == typeof(ulong)) return Mix((ulong)(object)key!);
        if (typeof(TKey) == typeof(short)) return Mix((ulong)(ushort)(short)(object)key!);
        if (typeof(TKey) == typeof(ushort)) return Mix((ushort)(object)key!);
        if (typeof(TKey) == typeof(byte)) return Mix((byte)(object)key!);
        if (typeof(TKey) == typeof(sbyte)) return Mix((ulong)(byte)(sbyte)(object)key!);
        if (typeof(TKey) == typeof(char)) return Mix((char)(object)key!);
        if (typeof(TKey) == typeof(bool)) return Mix((bool)(object)key! ? 1UL : 0UL);
        if (typeof(TKey) == typeof(Guid)) return HashGuid((Guid)(object)key!);
        if (!typeof(TKey).IsValueType)
        {
            if (key is null) return 0;
            if (key is string text) return HashString(text);
        }
        if (typeof(TKey).IsEnum) return HashEnum(key);
        return Mix((uint)EqualityComparer<TKey>.Default.GetHashCode(key!));
    }

    /// <summary>Lamping and Veach's jump consistent hash: growing the bucket count moves the fewest keys.</summary>
    public static int JumpConsistentHash(ulong key, int buckets)
    {
        long b = -1, j = 0;
        while (j < buckets)
        {
            b = j;
            key = unchecked(key * 2862933555777941757UL + 1);
            j = (long)((b + 1) * ((double)(1L << 31) / ((key >> 33) + 1)));
        }
        return (int)b;
    }

    /// <summary>FNV-1a over the UTF-16 code units, then a finaliser so that similar strings spread.</summary>
    private static ulong HashString(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in text)
        {
            hash = unchecked((hash ^ c) * 1099511628211UL);
        }
        return Mix(hash);
    }

    private static ulong HashGuid(Guid guid)
    {
        Span<byte> bytes = stackalloc byte[16];
        guid.TryWriteBytes(bytes);
        ulong low = BitConverter.ToUInt64(bytes);
        ulong high = BitConverter.ToUInt64(bytes.Slice(8));
        return Mix(low ^ Mix(high));
    }

    private static ulong HashEnum<TKey>(TKey key)
    {
        object boxed = key!;
        return Type.GetTypeCode(Enum.GetUnderlyingType(boxed.GetType())) switch
        {
            TypeCode.UInt64 => Mix((ulong)Convert.ToUInt64(boxed, null)),
            _ => Mix(unchecked((ulong)Convert.ToInt64(boxed, null))),
        };
    }

    /// <summary>The MurmurHash3 64-bit finaliser.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong value)
    {
        value ^= value >> 33;
        value = unchecked(value * 0xff51afd7ed558ccdUL);
        value ^= value >> 33;
        value = unchecked(value * 0xc4ceb9fe1a85ec53UL);
        value ^= value >> 33;
        return value;
    }
}
