using System;
using System.Globalization;

namespace ExecutorGen.Orleans;

/// <summary>How partition keys become grain keys.</summary>
public static class ClusterKeys
{
    /// <summary>The text of the null key (distinct from any string key: it is not a valid UTF-16 text).</summary>
    public const string NullKey = "\uFFFF";

    /// <summary>
    /// A key as text: a string as it is, a formattable value in the invariant culture, anything else by
    /// <see cref="object.ToString"/>. Two keys that are equal must give the same text and different keys different
    /// texts (records, integers, <see cref="Guid"/>s and enums do).
    /// </summary>
    /// <param name="key">The partition key.</param>
    public static string Format(object? key) => key switch
    {
        null => NullKey,
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => key.ToString() ?? NullKey,
    };

    /// <summary>The grain key of a partition: <c>{executor}/{key}</c>, or <c>{executor}/#{bucket}</c> with buckets.</summary>
    /// <param name="executor">The executor name.</param>
    /// <param name="key">The key as text.</param>
    /// <param name="bucketCount">The number of buckets, or <see langword="null"/> for one grain per key.</param>
    public static string GrainKey(string executor, string key, int? bucketCount) =>
        bucketCount is { } buckets ? executor + "/#" + Bucket(key, buckets).ToString(CultureInfo.InvariantCulture) : executor + "/" + key;

    /// <summary>The bucket of a key: FNV-1a over its UTF-16 code units, the same in every process and version.</summary>
    /// <param name="key">The key as text.</param>
    /// <param name="bucketCount">The number of buckets (at least 1).</param>
    public static int Bucket(string key, int bucketCount)
    {
        if (key is null)
            throw new ArgumentNullException(nameof(key));
        if (bucketCount < 1)
            throw new ArgumentOutOfRangeException(nameof(bucketCount), bucketCount, "bucketCount must be at least 1.");
        uint hash = 2166136261;
        foreach (char c in key)
            hash = (hash ^ c) * 16777619;
        return (int)(hash % (uint)bucketCount);
    }
}
