using System;
using System.ComponentModel;

namespace ExecutorGen.Runtime;

/// <summary>The key type of an executor whose handlers all lack <c>PartitionBy</c> (every request unordered).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct NoPartitionKey : IEquatable<NoPartitionKey>
{
    /// <inheritdoc />
    public bool Equals(NoPartitionKey other) => true;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is NoPartitionKey;

    /// <inheritdoc />
    public override int GetHashCode() => 0;
}
